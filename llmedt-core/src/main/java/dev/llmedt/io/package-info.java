/**
 * Reading and writing shared by the components of this library: atomic file replacement (the one
 * writer behind the rules of {@link dev.llmedt.output}, and the checks commands make before any
 * work), and typed reading of settings maps parsed from JSON.
 */
package dev.llmedt.io;
