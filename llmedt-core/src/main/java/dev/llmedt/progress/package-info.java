/**
 * Progress of long steps: {@link dev.llmedt.progress.ProgressListener}, which readers, encoders,
 * augmenters, profilers, the evaluator and the trainers report to. It sits below every other
 * package of the library, so that any of them can report progress without depending on the API
 * package {@code dev.llmedt}.
 */
package dev.llmedt.progress;
