/** The versioned model file format and its errors. */
package dev.llmedt.model;
