/** The {@code llmedt} command line ({@link dev.llmedt.examples.LlmEdtCli}) and runnable examples. */
package dev.llmedt.examples;
