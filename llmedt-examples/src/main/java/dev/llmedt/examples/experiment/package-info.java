/**
 * The {@code experiment} command: named studies (insertion, cold-start, sensitivity,
 * dissimilar-domains, llm-cost) over a shared runner whose runs are cached and resumable, each
 * writing a table as JSON and Markdown ({@link dev.llmedt.examples.experiment.StudyTable}).
 */
package dev.llmedt.examples.experiment;
