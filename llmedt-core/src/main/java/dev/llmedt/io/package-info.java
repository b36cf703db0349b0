/** File writing shared by the readers and writers of this library (atomic replacement). */
package dev.llmedt.io;
