/**
 * llmedt: LLM-EDT cross-domain sequential recommendation on the JVM.
 *
 * <p>Start with {@link dev.llmedt.data.CdsrDataset#read} to load data and
 * {@link dev.llmedt.eval.Evaluator} to measure a {@link dev.llmedt.Recommender}.
 */
package dev.llmedt;
