/**
 * llmedt: LLM-EDT cross-domain sequential recommendation on the JVM. This package holds the contracts
 * every model and training loop shares: {@link dev.llmedt.Recommender} (and its {@link
 * dev.llmedt.ScoredItem}), {@link dev.llmedt.TrainingListener} with its {@link dev.llmedt.EpochSummary}
 * and {@link dev.llmedt.TrainingContext}, and checkpoints ({@link dev.llmedt.CheckpointConfig}). The
 * models live in their own packages and build on these, never the other way round.
 *
 * <p>Start with {@link dev.llmedt.data.CdsrDataset#read} to load data, {@link
 * dev.llmedt.dualphase.LlmEdt#builder()} to train LLM-EDT (or {@link dev.llmedt.sasrec.SasRecTrainer}
 * for the SASRec baseline), and {@link dev.llmedt.eval.Evaluator} to measure a {@link
 * dev.llmedt.Recommender}.
 *
 * <h2>Words</h2>
 * <ul>
 *   <li><b>Phase 1</b> trains the global SASRec backbone on mixed (possibly augmented) sequences; its
 *       settings are {@link dev.llmedt.dualphase.PretrainingConfig} and the backbone's
 *       {@link dev.llmedt.dualphase.BackboneConfig}. <b>Phase 2</b> freezes it and trains the domain
 *       threads and the profile alignment; its settings are {@link dev.llmedt.dualphase.FineTuningConfig}.
 *       Type names say what a phase does (pre-training, fine-tuning); prose, logs and reports say
 *       phase 1 and phase 2.</li>
 *   <li>A <b>Config</b> is an immutable record of training hyper-parameters, stored in every model
 *       file and read back ({@code fromJson}); a <b>Settings</b> record holds the options of a
 *       component that makes training input (the augmenter's, the profiler's), stored in the
 *       provenance of what it made. Neither holds resources; threads and generators are set on
 *       the builders.</li>
 * </ul>
 *
 * <h2>Builders</h2>
 * Every setter checks its argument at once and names the option, the value and the allowed range
 * in its exception; cross-option rules are checked by {@code build()} (or {@code fit}). Setting an
 * option again replaces it, so that a builder can be pre-filled (by {@code toBuilder()}, or by
 * {@link dev.llmedt.dualphase.LlmEdt.Builder}, which sets the run's seed and threads on the augmenter's and
 * profiler's builders before your settings lambda runs). The exceptions are the one-shot builders
 * that only your code fills: {@link dev.llmedt.dualphase.LlmEdt.Builder} and the data readers' window, filter
 * and delimiter refuse an option given twice ({@link java.lang.IllegalStateException}), since two
 * values for one option there are two parts of a program that disagree.
 */
package dev.llmedt;
