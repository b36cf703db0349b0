/** JMH benchmarks of llmedt on the real food-kitchen data. */
package dev.llmedt.benchmarks;
