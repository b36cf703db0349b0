package dev.llmedt.benchmarks;

import dev.llmedt.dualphase.LlmEdt;
import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.ReadReport;
import dev.llmedt.dualphase.ItemRepresentation;
import dev.llmedt.sasrec.SasRecConfig;
import dev.llmedt.sasrec.SasRecModel;
import dev.llmedt.sasrec.SasRecTrainer;
import dev.llmedt.text.ItemEmbeddings;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step (one batch: forward, backward, Adam update) of SASRec, LLM-EDT phase 1 (hybrid
 * items) and LLM-EDT phase 2 (frozen domain threads over a frozen phase 1), with the reference settings
 * (width 64, 2 blocks, window 50; batches of 256 sequences, 128 users in phase 2) on food-kitchen
 * sequences. An invocation trains one epoch over the first {@value #BATCHES} x 256 training
 * sequences and JMH divides by its number of steps, so a score is the time of one step; it includes
 * the epoch's share of set-up (item table, optimizer state) and the validation of one case.
 * The text part of the hybrid items is random 128-wide vectors (the shape MiniLM vectors have after
 * the default PCA 128; the cost does not depend on the values). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar TrainingStep -p threads=1,2}. The fork runs with
 * {@code --add-modules=jdk.incubator.vector} (the Vector API kernels); add
 * {@code -jvmArgsAppend -Dllmedt.vector=false} for the scalar ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TrainingStepBenchmark {

    static final int BATCHES = 40;

    @Param({"2"})
    int threads;

    private CdsrDataset data;
    private ItemEmbeddings embeddings;
    private LlmEdtModel phaseOne;

    @Setup
    public void setUp() {
        CdsrDataset full = BenchmarkData.foodKitchen();
        // Phase 1 steps take 256 sequences; BATCHES of them, and one validation case (selection is not measured).
        data = new CdsrDataset(full.name() + "-steps", full.items(), full.train().subList(0, BATCHES * 256), full.valid().subList(0, 1),
                full.test().subList(0, 1), ReadReport.empty());
        int items = full.items().size();
        int dimension = 128;
        float[] matrix = new float[items * dimension];
        SplittableRandom random = new SplittableRandom(42);
        for (int r = 0; r < items; r++) { // unit rows, as encoders write them
            double norm = 0;
            for (int j = 0; j < dimension; j++) {
                float v = (float) random.nextGaussian();
                matrix[r * dimension + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < dimension; j++) {
                matrix[r * dimension + j] /= (float) Math.sqrt(norm);
            }
        }
        embeddings = ItemEmbeddings.of(matrix, items, dimension, "random-128", "{title}");
        phaseOne = phaseOneBuilder().fit(data);
    }

    private LlmEdt.Builder phaseOneBuilder() {
        return LlmEdt.builder().itemEmbeddings(embeddings)
                .backbone(b -> b.itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(0))
                .pretraining(p -> p.maxEpochs(1))
                .fineTuning(f -> f.enabled(false))
                .seed(42).threads(threads);
    }

    /** One SASRec step (mixed sequences, the baseline). */
    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public SasRecModel sasRec() {
        return new SasRecTrainer(SasRecConfig.builder().maxEpochs(1).threads(threads).seed(42).build(), TrainingListener.none()).train(data);
    }

    /** One phase-1 step: SASRec with hybrid items (item adapter on the text vectors + ID vectors). */
    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public LlmEdtModel phaseOne() {
        return phaseOneBuilder().fit(data);
    }

    /**
     * One phase-2 step with the defaults' frozen domain threads (the phase-1 weights and position
     * tables frozen, the blocks without dropout: their outputs are computed once per fit, a share of
     * every step's score here; the domain adapters train). Phase 2's batches are 128 users each, so
     * its epoch over the same sequences has twice as many steps.
     */
    @Benchmark
    @OperationsPerInvocation(2 * BATCHES)
    public LlmEdtModel phaseTwo() {
        return LlmEdt.builder().itemEmbeddings(embeddings)
                .backbone(b -> b.itemRepresentation(ItemRepresentation.HYBRID).pcaDimension(0))
                .fineTuning(f -> f.maxEpochs(1))
                .phaseOne(phaseOne)
                .seed(42).threads(threads)
                .fit(data);
    }
}
