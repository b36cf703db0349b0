/**
 * Evaluation: the {@link dev.llmedt.Recommender} interface, full-ranking and sampled protocols,
 * HR@K / NDCG@K / MRR reports per domain and slice, and the most-popular baseline.
 */
package dev.llmedt.eval;
