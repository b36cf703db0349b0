package dev.llmedt.spark;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per executor JVM of what is costly to build (an ONNX session, a model, an item
 * index), keyed by the broadcast it is built from, shared by the executor's tasks. The few most
 * recent are kept; older ones, and all at JVM shutdown, are closed when {@link AutoCloseable}.
 */
final class ExecutorSingletons {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSingletons.class);
    /** Instances kept per JVM; a job needs one or two. */
    private static final int KEPT = 6;
    private static final Map<String, Object> INSTANCES = new LinkedHashMap<>(16, 0.75f, true);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorSingletons::closeAll, "llmedt-spark-close"));
    }

    private ExecutorSingletons() {
    }

    /** Returns the instance for {@code key}, building it on first use (tasks asking meanwhile wait). */
    @SuppressWarnings("unchecked")
    static synchronized <T> T get(String key, Supplier<T> build) {
        Object o = INSTANCES.get(key);
        if (o == null) {
            o = build.get();
            INSTANCES.put(key, o);
            Iterator<Map.Entry<String, Object>> oldest = INSTANCES.entrySet().iterator();
            while (INSTANCES.size() > KEPT) {
                Map.Entry<String, Object> e = oldest.next();
                oldest.remove();
                close(e.getKey(), e.getValue());
            }
        }
        return (T) o;
    }

    private static synchronized void closeAll() {
        for (Map.Entry<String, Object> e : INSTANCES.entrySet()) {
            close(e.getKey(), e.getValue());
        }
        INSTANCES.clear();
    }

    private static void close(String key, Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", key, e.toString());
            }
        }
    }
}
