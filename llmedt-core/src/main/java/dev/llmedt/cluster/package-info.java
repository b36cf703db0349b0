/**
 * Nearest-neighbour search and spherical k-means over unit vectors, shared by the augmenter (item
 * space) and the profiler (user clusters). Not exported: an implementation detail of the library.
 */
package dev.llmedt.cluster;
