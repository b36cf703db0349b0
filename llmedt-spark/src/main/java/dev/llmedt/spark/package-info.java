/**
 * Apache Spark jobs for catalogues and user bases beyond one machine: {@link dev.llmedt.spark.EncodeJob}
 * (item texts to vectors), {@link dev.llmedt.spark.AugmentJob} (transferable item augmentation),
 * {@link dev.llmedt.spark.ProfileJob} (user profiles), {@link dev.llmedt.spark.RecommendJob} (top-k
 * for every user) and {@link dev.llmedt.spark.EvaluateJob} (full-ranking evaluation). Each reads
 * and returns DataFrames whose columns are documented in {@link dev.llmedt.spark.Tables}; each gives
 * exactly what the one-machine path of {@code llmedt-core} gives. Training stays on one node and
 * reads what these jobs write.
 */
package dev.llmedt.spark;
