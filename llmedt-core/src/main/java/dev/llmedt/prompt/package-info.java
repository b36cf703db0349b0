/**
 * Safe insertion of untrusted text into language-model prompts, shared by the augmenter and the
 * profiler. Not exported: an implementation detail of the library.
 */
package dev.llmedt.prompt;
