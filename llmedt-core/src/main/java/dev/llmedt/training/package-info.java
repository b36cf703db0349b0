/**
 * The next-item training loop shared by the SASRec trainer and LLM-EDT's phase 1, the training
 * sequences both phases read, and the state around every epoch loop ({@link dev.llmedt.training.TrainingRun}:
 * what listeners see and steer, and what checkpoints hold, with their file format and run
 * fingerprints). <b>Internal</b>: not part of the supported API, free to change.
 */
package dev.llmedt.training;
