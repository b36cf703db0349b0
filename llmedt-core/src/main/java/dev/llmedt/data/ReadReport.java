package dev.llmedt.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What a reader skipped, filtered or noticed, counted by reason: nothing is dropped silently.
 *
 * <p>Instances are immutable; readers fill a {@link Builder}.
 */
public final class ReadReport {

    private final Map<String, Long> counts;

    private ReadReport(Map<String, Long> counts) {
        this.counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    /** Returns an empty report. */
    public static ReadReport empty() {
        return new ReadReport(Map.of());
    }

    /** Returns the counts by reason, in the order the reasons first occurred. */
    public Map<String, Long> counts() {
        return counts;
    }

    /** Returns the count for a reason, 0 when it never occurred. */
    public long count(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** Returns whether nothing was skipped or noticed. */
    public boolean isEmpty() {
        return counts.isEmpty();
    }

    @Override
    public String toString() {
        return counts.toString();
    }

    /** Collects counts while reading. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Long> counts = new LinkedHashMap<>();

        /** Adds {@code n} to the count of a reason (n may be 0, which records nothing). */
        public Builder add(String reason, long n) {
            if (n != 0) {
                counts.merge(reason, n, Long::sum);
            }
            return this;
        }

        /** Adds one to the count of a reason. */
        public Builder add(String reason) {
            return add(reason, 1);
        }

        /** Adds every count of another report. */
        public Builder addAll(ReadReport other) {
            other.counts.forEach(this::add);
            return this;
        }

        /** Logs every count at WARN level under the given source name and returns the report. */
        public ReadReport build(Logger log, String source) {
            ReadReport report = new ReadReport(counts);
            counts.forEach((reason, n) -> log.warn("{}: {}: {}", source, reason, n));
            return report;
        }

        /** Returns the report without logging. */
        public ReadReport build() {
            return new ReadReport(counts);
        }
    }
}
