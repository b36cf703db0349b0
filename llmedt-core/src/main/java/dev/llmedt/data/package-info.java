/**
 * Cross-domain sequential data: domains, items with text, users' mixed time-ordered sequences,
 * held-out cases, the readers that validate input files, and descriptive statistics.
 */
package dev.llmedt.data;
