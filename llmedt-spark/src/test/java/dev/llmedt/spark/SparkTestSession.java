package dev.llmedt.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession for every test class of the JVM: two cores (tables of two partitions), no UI, two shuffle partitions. */
final class SparkTestSession {

    private static SparkSession spark;

    private SparkTestSession() {
    }

    static synchronized SparkSession get() {
        if (spark == null) {
            try {
                Path warehouse = Files.createTempDirectory("llmedt-spark-test");
                spark = SparkSession.builder().master("local[2]").appName("llmedt-spark-tests")
                        .config("spark.ui.enabled", "false")
                        // Other processes on this machine may pause the JVM (SIGSTOP) for quiet measurements: no timeouts.
                        .config("spark.network.timeout", "86400s").config("spark.executor.heartbeatInterval", "3600s")
                        .config("spark.sql.shuffle.partitions", "2")
                        .config("spark.default.parallelism", "2")
                        // Tiny tables: compiling whole-stage code and re-planning cost more than they save.
                        .config("spark.sql.codegen.wholeStage", "false")
                        .config("spark.sql.adaptive.enabled", "false")
                        .config("spark.sql.warehouse.dir", warehouse.toString())
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .getOrCreate();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
        }
        return spark;
    }
}
