/**
 * The next-item training loop shared by the SASRec trainer and LLM-EDT's phase 1, and the training
 * sequences both phases read. <b>Internal</b>: not part of the supported API, free to change.
 */
package dev.llmedt.training;
