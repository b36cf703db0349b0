/**
 * Reading and writing shared by the components of this library: atomic file replacement, and
 * typed reading of settings maps parsed from JSON.
 */
package dev.llmedt.io;
