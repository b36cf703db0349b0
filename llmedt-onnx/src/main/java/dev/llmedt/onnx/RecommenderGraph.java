package dev.llmedt.onnx;

import dev.llmedt.engine.TensorLayout;

import static dev.llmedt.onnx.OnnxExporter.DOMAIN;
import static dev.llmedt.onnx.OnnxExporter.HISTORY;
import static dev.llmedt.onnx.OnnxExporter.K;
import static dev.llmedt.onnx.OnnxExporter.LENGTHS;
import static dev.llmedt.onnx.OnnxExporter.SCORES;
import static dev.llmedt.onnx.OnnxExporter.TOP_ITEMS;
import static dev.llmedt.onnx.OnnxExporter.TOP_SCORES;
import static dev.llmedt.onnx.OnnxOperator.ADD;
import static dev.llmedt.onnx.OnnxOperator.AND;
import static dev.llmedt.onnx.OnnxOperator.CAST;
import static dev.llmedt.onnx.OnnxOperator.CONCAT;
import static dev.llmedt.onnx.OnnxOperator.CONSTANT_OF_SHAPE;
import static dev.llmedt.onnx.OnnxOperator.CUM_SUM;
import static dev.llmedt.onnx.OnnxOperator.EQUAL;
import static dev.llmedt.onnx.OnnxOperator.EXPAND;
import static dev.llmedt.onnx.OnnxOperator.GATHER;
import static dev.llmedt.onnx.OnnxOperator.GEMM;
import static dev.llmedt.onnx.OnnxOperator.GREATER;
import static dev.llmedt.onnx.OnnxOperator.GREATER_OR_EQUAL;
import static dev.llmedt.onnx.OnnxOperator.LAYER_NORMALIZATION;
import static dev.llmedt.onnx.OnnxOperator.LESS;
import static dev.llmedt.onnx.OnnxOperator.LESS_OR_EQUAL;
import static dev.llmedt.onnx.OnnxOperator.MAT_MUL;
import static dev.llmedt.onnx.OnnxOperator.MIN;
import static dev.llmedt.onnx.OnnxOperator.MUL;
import static dev.llmedt.onnx.OnnxOperator.OR;
import static dev.llmedt.onnx.OnnxOperator.RANGE;
import static dev.llmedt.onnx.OnnxOperator.RELU;
import static dev.llmedt.onnx.OnnxOperator.RESHAPE;
import static dev.llmedt.onnx.OnnxOperator.SCATTER_ELEMENTS;
import static dev.llmedt.onnx.OnnxOperator.SHAPE;
import static dev.llmedt.onnx.OnnxOperator.SLICE;
import static dev.llmedt.onnx.OnnxOperator.SOFTMAX;
import static dev.llmedt.onnx.OnnxOperator.SQUEEZE;
import static dev.llmedt.onnx.OnnxOperator.SUB;
import static dev.llmedt.onnx.OnnxOperator.TOP_K;
import static dev.llmedt.onnx.OnnxOperator.TRANSPOSE;
import static dev.llmedt.onnx.OnnxOperator.UNSQUEEZE;
import static dev.llmedt.onnx.OnnxOperator.WHERE;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl;
import dev.llmedt.data.Domain;
import dev.llmedt.model.ModelFile;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ONNX graph that scores a target domain's items for a batch of histories, with the
 * semantics of llmedt's Java SASRec and LLM-EDT models.
 *
 * <p>Histories arrive padded, oldest item first, with their lengths; nothing is compacted. Each
 * stream of the network (the global one; LLM-EDT's domain thread) marks which positions it reads
 * (the last {@code maxLength} real items, of the target domain only for a domain thread), gives
 * them their right-aligned positions (the last one at {@code maxLength - 1}) and runs the shared
 * blocks with attention restricted to earlier read positions. A position it does not read never
 * reaches one it reads (it is masked as a key and only attends to itself), so padding and items
 * outside the window cannot change a score; the stream's state is taken at its last read
 * position. The same blocks thus compute exactly what the Java model computes on the compacted
 * window.
 */
final class RecommenderGraph {

    private static final long INT64 = DataType.INT64.getNumber();
    private static final long FLOAT = DataType.FLOAT.getNumber();

    private final NetworkSpec spec;
    private final OnnxGraph g;
    private final int d;
    private final int headDim;
    private final Map<String, String> weights = new HashMap<>();
    /** Per scored domain (in {@link #scored} order), its item vectors {@code [items, dim]}. */
    private String[] itemTables;
    /** The history's item vectors {@code [batch, length, dim]} (unread positions hold any item's vector). */
    private String historyVectors;
    private List<Domain> scored;
    private String causal;
    private String diagonal;
    private String real;

    private RecommenderGraph(NetworkSpec spec, OnnxGraph graph) {
        this.spec = spec;
        this.g = graph;
        this.d = spec.dim();
        this.headDim = spec.dim() / spec.heads();
    }

    /** Builds the graph of a network. */
    static OnnxMl.GraphProto build(NetworkSpec spec, String name) {
        OnnxGraph graph = new OnnxGraph(name);
        new RecommenderGraph(spec, graph).emit();
        return graph.build();
    }

    private static Map<String, Object> attrs(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private void emit() {
        for (String n : List.of(SCORES, TOP_SCORES, TOP_ITEMS)) {
            g.reserveOutput(n);
        }
        g.input(HISTORY, DataType.INT64, "batch", "length");
        g.input(LENGTHS, DataType.INT64, "batch");
        g.input(DOMAIN, DataType.INT64);
        g.input(K, DataType.INT64);

        String width = g.op(GATHER, "history_width", attrs("axis", 0), g.op(SHAPE, "history_shape", HISTORY), g.scalar(1L));
        String positions = g.op(RANGE, "column", g.scalar(0L), width, g.scalar(1L));
        String row = g.op(UNSQUEEZE, "column_row", positions, g.vector(0));
        String col = g.op(UNSQUEEZE, "column_col", positions, g.vector(1));
        causal = g.op(LESS_OR_EQUAL, "causal", row, col);
        diagonal = g.op(EQUAL, "diagonal", row, col);
        real = g.op(LESS, "real", row, g.op(UNSQUEEZE, "lengths_col", LENGTHS, g.vector(1)));

        Domain only = spec.onlyDomain();
        scored = only == null ? spec.domains() : List.of(only);
        String slot = DOMAIN;
        if (only != null) {
            // Other domains map past the one-entry tables below: running them is an error, not wrong scores.
            long[] slots = new long[spec.domains().size()];
            for (Domain dom : spec.domains()) {
                slots[dom.index()] = dom.equals(only) ? 0 : 1;
            }
            slot = g.op(GATHER, "domain_slot", attrs("axis", 0), g.longs("domain_slots", new long[] {slots.length}, slots), DOMAIN);
        }
        long[] firsts = new long[scored.size()];
        long[] ends = new long[scored.size()];
        for (int i = 0; i < scored.size(); i++) {
            firsts[i] = scored.get(i).firstItem();
            ends[i] = scored.get(i).endItem();
        }
        itemTables();
        String first = g.op(GATHER, "target_first_item", attrs("axis", 0), g.longs("domain_first_item", new long[] {firsts.length}, firsts),
                slot);
        String end = g.op(GATHER, "target_end_item", attrs("axis", 0), g.longs("domain_end_item", new long[] {ends.length}, ends), slot);
        String inTarget = inRange(first, end, "in_target");

        // A single-domain model reads its own domain's items only (the target is that domain).
        String targetItems = g.op(AND, "history_in_target", real, inTarget);
        String globalCandidates = only == null ? real : targetItems;
        String[] global = stream(globalCandidates, weight(TensorLayout.POSITION_EMBEDDING), "global");
        // An empty history normalizes, like an all-padding input, to the last layer norm's bias.
        String user = g.op(WHERE, "global.user", g.op(UNSQUEEZE, "global.any_col", global[1], g.vector(1)), global[0],
                emptyHistoryState());
        if (spec.domainThreads()) {
            user = g.op(ADD, "user", user, domainThread(targetItems));
        }

        String scores = scoreChain(g, SCORES, user, slot, 0);
        g.output(SCORES, DataType.FLOAT, "batch", "items");
        topK(scores, first, targetItems);
        g.describe(description());
    }

    /**
     * Splits the item table into one initializer per scored domain, and gathers the history's item
     * vectors from them. Real positions whose id is in no domain of the model get an index past the
     * first table, so that ONNX Runtime's Gather rejects unknown ids instead of scoring them.
     */
    private void itemTables() {
        ModelFile.Tensor items = spec.tensor(TensorLayout.ITEM_EMBEDDING);
        itemTables = new String[scored.size()];
        int itemCount = spec.domains().get(spec.domains().size() - 1).endItem();
        String unknown = g.op(AND, "unknown_item", real, g.op(OR, "unknown_item_id", g.op(LESS, "negative_item", HISTORY, g.scalar(0L)),
                g.op(GREATER_OR_EQUAL, "past_last_item", HISTORY, g.scalar((long) itemCount))));
        for (int i = 0; i < scored.size(); i++) {
            Domain dom = scored.get(i);
            int firstRow = dom.firstItem() - spec.tableFirstItem() + 1;
            itemTables[i] = g.floats(TensorLayout.ITEM_EMBEDDING + ".d" + dom.index(), new long[] {dom.size(), d},
                    Arrays.copyOfRange(items.data(), firstRow * d, (firstRow + dom.size()) * d));
            String in = inRange(g.scalar((long) dom.firstItem()), g.scalar((long) dom.endItem()), "in_d" + dom.index());
            String outside = i == 0 ? g.op(WHERE, "unknown_row", unknown, g.scalar((long) dom.size()), g.scalar(0L)) : g.scalar(0L);
            String local = g.op(WHERE, "item_row.d" + dom.index(), in, g.op(SUB, "item_local.d" + dom.index(), HISTORY,
                    g.scalar((long) dom.firstItem())), outside);
            String vectors = g.op(GATHER, "item_vectors.d" + dom.index(), attrs("axis", 0), itemTables[i], local);
            historyVectors = i == 0 ? vectors : g.op(WHERE, "item_vectors", g.op(UNSQUEEZE, "in_d" + dom.index() + ".col", in, g.vector(2)),
                    vectors, historyVectors);
        }
    }

    /**
     * {@code user x table^T} with the target domain's table, into {@code into} as {@code name}: a
     * chain of {@code If}s on the domain (from scored domain {@code i} on), so that only the
     * target's table is read and none is copied per run. The conditions live in the main graph.
     */
    private String scoreChain(OnnxGraph into, String name, String user, String slot, int i) {
        if (i == scored.size() - 1) {
            return into.op(GEMM, name, attrs("transB", 1), user, itemTables[i]);
        }
        Domain dom = scored.get(i);
        String condition = g.op(EQUAL, "target_is_d" + dom.index(), slot, g.scalar((long) i));
        OnnxGraph then = g.branch("scores_d" + dom.index());
        then.output(then.op(GEMM, "scores.d" + dom.index(), attrs("transB", 1), user, itemTables[i]), DataType.FLOAT, "batch", dom.size());
        OnnxGraph otherwise = g.branch("scores_after_d" + dom.index());
        otherwise.output(scoreChain(otherwise, "scores.after_d" + dom.index(), user, slot, i + 1), DataType.FLOAT, "batch", "items");
        return into.ifElse(name, condition, then, otherwise);
    }

    private static long[] dims(ModelFile.Tensor t) {
        long[] dims = new long[t.shape().length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.shape()[i];
        }
        return dims;
    }

    /** {@code lo <= history < hi}, element-wise. */
    private String inRange(String lo, String hi, String name) {
        return g.op(AND, name, g.op(GREATER_OR_EQUAL, name + ".lo", HISTORY, lo), g.op(LESS, name + ".hi", HISTORY, hi));
    }

    /**
     * One pass of the blocks over the positions marked by {@code candidates} {@code bool [batch, length]}:
     * the last {@code maxLength} of them. Returns {state at the last one {@code [batch, dim]},
     * whether there is one {@code bool [batch]}}.
     */
    private String[] stream(String candidates, String positionTable, String label) {
        String count = g.op(CAST, label + ".candidate_count", attrs("to", (int) INT64), candidates);
        String fromEnd = g.op(CUM_SUM, label + ".from_end", attrs("exclusive", 0, "reverse", 1), count, g.scalar(1L));
        String window = g.scalar((long) spec.maxLength());
        String read = g.op(AND, label + ".read", candidates, g.op(LESS_OR_EQUAL, label + ".in_window", fromEnd, window));
        String zero = g.scalar(0L);
        String position = g.op(WHERE, label + ".position", read, g.op(SUB, label + ".position_all", window, fromEnd), zero);
        String x = g.op(ADD, label + ".embedded", g.op(MUL, label + ".scaled", historyVectors, g.scalar((float) Math.sqrt(d))),
                g.op(GATHER, label + ".position_vectors", attrs("axis", 0), positionTable, position));
        String keys = g.op(UNSQUEEZE, label + ".keys", read, g.vector(1));
        String allowed = g.op(OR, label + ".allowed", g.op(AND, label + ".causal_keys", causal, keys), diagonal);
        String mask = g.op(UNSQUEEZE, label + ".mask", allowed, g.vector(1));
        for (int b = 0; b < spec.blocks(); b++) {
            x = block(b, x, mask, label + ".block" + b);
        }
        String h = layerNorm(x, TensorLayout.LAST_NORM, label + ".hidden");
        if (spec.outputProjection()) {
            h = linear(h, TensorLayout.OUTPUT_PROJECTION_WEIGHT, TensorLayout.OUTPUT_PROJECTION_BIAS, 0, d, label + ".out_proj");
        }
        String last = g.op(CAST, label + ".last", attrs("to", (int) FLOAT),
                g.op(AND, label + ".last_b", read, g.op(EQUAL, label + ".last_e", fromEnd, g.scalar(1L))));
        String state = g.op(SQUEEZE, label + ".state", g.op(MAT_MUL, label + ".state_3d", g.op(UNSQUEEZE, label + ".last_row", last,
                g.vector(1)), h), g.vector(1));
        String any = g.op(GREATER, label + ".any", g.op(GATHER, label + ".count", attrs("axis", 1), fromEnd, zero), zero);
        return new String[] {state, any};
    }

    /** A pre-norm block: {@code q = LN(x); x = q + MHA(q, x, x); y = LN(x); y + W2 relu(W1 y)}. */
    private String block(int b, String x, String mask, String label) {
        TensorLayout.Block names = TensorLayout.block(b);
        String q = layerNorm(x, names.attentionNorm(), label + ".q");
        // in_proj_weight stacks the query, key and value projections (rows 0..d, d..2d, 2d..3d).
        String queries = heads(linear(q, names.inProjectionWeight(), names.inProjectionBias(), 0, d, label + ".wq"), new int[] {0, 2, 1, 3}, label + ".qh");
        String keys = heads(linear(x, names.inProjectionWeight(), names.inProjectionBias(), d, d, label + ".wk"), new int[] {0, 2, 3, 1}, label + ".kh");
        String values = heads(linear(x, names.inProjectionWeight(), names.inProjectionBias(), 2 * d, d, label + ".wv"), new int[] {0, 2, 1, 3},
                label + ".vh");
        String logits = g.op(MUL, label + ".logits", g.op(MAT_MUL, label + ".dots", queries, keys), g.scalar((float) (1.0 / Math.sqrt(headDim))));
        String masked = g.op(WHERE, label + ".masked", mask, logits, g.scalar(-Float.MAX_VALUE));
        String weightsOf = g.op(SOFTMAX, label + ".attention", attrs("axis", -1), masked);
        String context = g.op(RESHAPE, label + ".context", attrs("allowzero", 0),
                g.op(TRANSPOSE, label + ".context_t", attrs("perm", new int[] {0, 2, 1, 3}), g.op(MAT_MUL, label + ".context_h", weightsOf,
                        values)), g.vector(0, 0, d));
        String attended = g.op(ADD, label + ".residual", q, linear(context, names.outProjection() + TensorLayout.WEIGHT, names.outProjection() + TensorLayout.BIAS, 0, d, label + ".out"));
        String y = layerNorm(attended, names.feedForwardNorm(), label + ".y");
        String hidden = g.op(RELU, label + ".relu", linear(y, names.feedForward(1) + TensorLayout.WEIGHT, names.feedForward(1) + TensorLayout.BIAS, 0, d, label + ".w1"));
        return g.op(ADD, label + ".output", y, linear(hidden, names.feedForward(2) + TensorLayout.WEIGHT, names.feedForward(2) + TensorLayout.BIAS, 0, d, label + ".w2"));
    }

    /** {@code [batch, length, dim]} to {@code [batch, heads, ...]} in the given order. */
    private String heads(String x, int[] perm, String label) {
        String split = g.op(RESHAPE, label + ".split", attrs("allowzero", 0), x, g.vector(0, 0, spec.heads(), headDim));
        return g.op(TRANSPOSE, label, attrs("perm", perm), split);
    }

    /**
     * {@code x W^T + b} with rows {@code [from, from + count)} of a PyTorch-layout weight
     * {@code [out x in]} and of its bias; each such part is stored once, transposed.
     */
    private String linear(String x, String weightName, String biasName, int from, int count, String label) {
        String part = "[" + from + ":" + (from + count) + "]";
        String w = weights.computeIfAbsent(weightName + part, k -> {
            ModelFile.Tensor t = spec.tensor(weightName);
            int in = t.shape()[1];
            float[] transposed = new float[in * count];
            for (int o = 0; o < count; o++) {
                for (int p = 0; p < in; p++) {
                    transposed[p * count + o] = t.data()[(from + o) * in + p];
                }
            }
            return g.floats(weightName + (count == t.shape()[0] ? "" : part) + ".transposed", new long[] {in, count}, transposed);
        });
        String b = weights.computeIfAbsent(biasName + part, k -> {
            float[] all = spec.tensor(biasName).data();
            return g.floats(biasName + (count == all.length ? "" : part), new long[] {count}, Arrays.copyOfRange(all, from, from + count));
        });
        return g.op(ADD, label, g.op(MAT_MUL, label + ".product", x, w), b);
    }

    private String layerNorm(String x, String prefix, String label) {
        return g.op(LAYER_NORMALIZATION, label, attrs("axis", -1, "epsilon", spec.layerNormEps()), x, weight(prefix + TensorLayout.WEIGHT),
                weight(prefix + TensorLayout.BIAS));
    }

    /**
     * The state of an empty history: the last layer norm's bias (the norm of an all-padding input),
     * mapped by the output projection when the model has one, as every other state is.
     */
    private String emptyHistoryState() {
        String bias = weight(TensorLayout.LAST_NORM_BIAS);
        return spec.outputProjection()
                ? linear(bias, TensorLayout.OUTPUT_PROJECTION_WEIGHT, TensorLayout.OUTPUT_PROJECTION_BIAS, 0, d, "empty_history.out_proj")
                : bias;
    }

    /** A tensor of the model, stored once under its own name. */
    private String weight(String name) {
        return weights.computeIfAbsent(name, k -> {
            ModelFile.Tensor t = spec.tensor(name);
            return g.floats(name, dims(t), t.data());
        });
    }

    /**
     * LLM-EDT's domain thread of the target domain: the blocks over the history's items of the
     * domain with the domain's positions, then its residual adapter and gate; zero for a history
     * without items of the domain. Per-domain tensors are stacked and picked by the domain input.
     */
    private String domainThread(String candidates) {
        int domains = spec.domains().size();
        ModelFile.Tensor w1 = spec.tensor(TensorLayout.domainAdapter(0) + "w1." + TensorLayout.WEIGHT);
        int m = w1.shape()[0];
        float[] positions = new float[domains * spec.maxLength() * d];
        float[] down = new float[domains * d * m];
        float[] downBias = new float[domains * m];
        float[] up = new float[domains * m * d];
        float[] upBias = new float[domains * d];
        for (int dom = 0; dom < domains; dom++) {
            System.arraycopy(spec.tensor(TensorLayout.domainPositions(dom)).data(), 0, positions, dom * spec.maxLength() * d, spec.maxLength() * d);
            String a = TensorLayout.domainAdapter(dom);
            transposeInto(spec.tensor(a + "w1." + TensorLayout.WEIGHT), down, dom * d * m);
            System.arraycopy(spec.tensor(a + "w1." + TensorLayout.BIAS).data(), 0, downBias, dom * m, m);
            transposeInto(spec.tensor(a + "w2." + TensorLayout.WEIGHT), up, dom * m * d);
            System.arraycopy(spec.tensor(a + "w2." + TensorLayout.BIAS).data(), 0, upBias, dom * d, d);
        }
        String positionTable = pick(g.floats("pos_emb.domains", new long[] {domains, spec.maxLength(), d}, positions), "domain.pos_emb");
        String[] thread = stream(candidates, positionTable, "domain");
        String z = thread[0];
        String hidden = g.op(RELU, "domain.adapter.relu", g.op(ADD, "domain.adapter.down", g.op(MAT_MUL, "domain.adapter.down_product", z,
                pick(g.floats("domain_adapter.w1.transposed", new long[] {domains, d, m}, down), "domain.adapter.w1")),
                pick(g.floats("domain_adapter.w1.bias", new long[] {domains, m}, downBias), "domain.adapter.b1")));
        String adapted = g.op(ADD, "domain.adapter.output", z, g.op(ADD, "domain.adapter.up", g.op(MAT_MUL, "domain.adapter.up_product",
                hidden, pick(g.floats("domain_adapter.w2.transposed", new long[] {domains, m, d}, up), "domain.adapter.w2")),
                pick(g.floats("domain_adapter.w2.bias", new long[] {domains, d}, upBias), "domain.adapter.b2")));
        if (spec.domainGates() != null) {
            adapted = g.op(MUL, "domain.gated", adapted, pick(g.floats("domain_gate", new long[] {domains}, spec.domainGates()), "domain.gate"));
        }
        return g.op(WHERE, "domain.user", g.op(UNSQUEEZE, "domain.any_col", thread[1], g.vector(1)), adapted, g.scalar(0f));
    }

    /** The target domain's slice of a per-domain stack. */
    private String pick(String stack, String name) {
        return g.op(GATHER, name, attrs("axis", 0), stack, DOMAIN);
    }

    /** Writes a PyTorch-layout {@code [out x in]} weight as {@code [in x out]} at an offset. */
    private static void transposeInto(ModelFile.Tensor t, float[] out, int offset) {
        int rows = t.shape()[0];
        int cols = t.shape()[1];
        for (int o = 0; o < rows; o++) {
            for (int p = 0; p < cols; p++) {
                out[offset + p * rows + o] = t.data()[o * cols + p];
            }
        }
    }

    /**
     * The best {@code min(k, items)} items not in the history: the history's items of the target
     * domain are set to minus infinity (through one spare column that padding and other domains'
     * items point to), then TopK, whose ties keep the smaller index first, like the Java ranking.
     */
    private void topK(String scores, String first, String targetItems) {
        String items = g.op(GATHER, "target_size", attrs("axis", 0), g.op(SHAPE, "scores_shape", scores), g.scalar(1L));
        String k = g.op(UNSQUEEZE, "k_effective", g.op(MIN, "k_min", K, items), g.vector(0));
        String seen = g.op(WHERE, "seen_column", targetItems, g.op(SUB, "history_local", HISTORY, first), items);
        String batch = g.op(SLICE, "batch_size", g.op(SHAPE, "history_shape_b", HISTORY), g.vector(0), g.vector(1));
        OnnxMl.TensorProto zero = OnnxMl.TensorProto.newBuilder().setDataType(DataType.FLOAT.getNumber()).addDims(1).addFloatData(0f).build();
        String spare = g.op(CONSTANT_OF_SHAPE, "spare_column", attrs("value", zero), g.op(CONCAT, "spare_shape", attrs("axis", 0), batch,
                g.vector(1)));
        String widened = g.op(CONCAT, "scores_and_spare", attrs("axis", 1), scores, spare);
        String minusInfinity = g.op(EXPAND, "seen_updates", g.scalar(Float.NEGATIVE_INFINITY), g.op(SHAPE, "seen_shape", seen));
        String excluded = g.op(SCATTER_ELEMENTS, "unseen_scores_and_spare", attrs("axis", 1, "reduction", "add"), widened, seen,
                minusInfinity);
        String unseen = g.op(SLICE, "unseen_scores", excluded, g.vector(0), g.op(UNSQUEEZE, "target_size_1", items, g.vector(0)),
                g.vector(1));
        String[] top = g.ops(TOP_K, new String[] {TOP_SCORES, "top_local"}, attrs("axis", 1, "largest", 1, "sorted", 1), unseen, k);
        g.op(ADD, TOP_ITEMS, top[1], first);
        g.output(TOP_SCORES, DataType.FLOAT, "batch", "k");
        g.output(TOP_ITEMS, DataType.INT64, "batch", "k");
    }

    private String description() {
        return "llmedt " + spec.kind() + " recommender. Inputs: " + HISTORY + " int64 [batch, length] (global item ids, oldest first, "
                + "padded after each row's length; length >= 1), " + LENGTHS + " int64 [batch] (real items per row), " + DOMAIN
                + " int64 scalar (target domain index), " + K + " int64 scalar (>= 0). Outputs: " + SCORES
                + " float [batch, items of the domain] (item firstItem + i at column i), " + TOP_SCORES + " float [batch, min(k, items)] "
                + "and " + TOP_ITEMS + " int64 (global ids) of the best items not in the history, best first, ties by smaller id "
                + "(-inf when fewer items remain). Domains: see metadata_props llmedt.domains.";
    }
}
