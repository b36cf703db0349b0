/**
 * SASRec, the self-attentive sequential recommender that LLM-EDT builds on: its configuration,
 * trainer and trained model (a {@link dev.llmedt.Recommender}).
 */
package dev.llmedt.sasrec;
