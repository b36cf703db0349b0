/** Running independent work on several threads, with failures reported to the caller. */
package dev.llmedt.concurrent;
