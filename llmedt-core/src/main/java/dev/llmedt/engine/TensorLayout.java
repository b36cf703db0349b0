package dev.llmedt.engine;

/**
 * The names of every tensor (parameter) in a model file; the trainers, the models and the ONNX
 * exporter create and read parameters only through this class, so the names are spelled once.
 *
 * <p>A model file holds (with {@code i} a transformer block, {@code d} a domain index):
 * <ul>
 *   <li>the SASRec backbone: {@value #ITEM_EMBEDDING} {@code [tableRows x dim]} (row 0 padding),
 *       {@value #POSITION_EMBEDDING} {@code [maxLength x dim]}; per block {@code attn_ln.<i>.weight|bias},
 *       {@code attn.<i>.in_proj_weight [3dim x dim]}, {@code attn.<i>.in_proj_bias},
 *       {@code attn.<i>.out_proj.weight|bias}, {@code ff_ln.<i>.weight|bias},
 *       {@code ff.<i>.w1.weight|bias}, {@code ff.<i>.w2.weight|bias}; then {@value #LAST_NORM_WEIGHT}
 *       and {@value #LAST_NORM_BIAS};</li>
 *   <li>LLM-EDT's item tower: {@value #ITEM_ID_TABLE} and one item adapter, either shared
 *       ({@value #ITEM_ADAPTER}) or per domain ({@code item_adapter.d<d>.}), each with tensors
 *       {@code 0.weight}, {@code 0.bias}, ... below its prefix, and with a PCA on the item text
 *       {@value #PCA_MEAN} and {@value #PCA_COMPONENTS};</li>
 *   <li>LLM-EDT's domain threads: {@code pos_emb.d<d>.weight}, the residual adapter
 *       {@code domain_adapter.d<d>.w1.weight|bias, w2.weight|bias}, and with gates
 *       {@code domain_gate.d<d>} (one element);</li>
 *   <li>LLM-EDT's profile adapters (phase 2 with a profile weight): {@code profile_adapter.d<d>.}
 *       {@code 0.weight|bias}, {@code 1.weight|bias} and optionally {@code user.weight|bias}.</li>
 * </ul>
 * The names follow the PyTorch port and must never change: files written by earlier builds load by them.
 */
public final class TensorLayout {
    /** The item embedding table {@code [tableRows x dim]}; row 0 is the padding item. */
    public static final String ITEM_EMBEDDING = "item_emb.weight";
    /** The backbone's position table {@code [maxLength x dim]}. */
    public static final String POSITION_EMBEDDING = "pos_emb.weight";
    /** The prefix of the layer norm after the last block. */
    public static final String LAST_NORM = "last_ln.";
    /** The weight of the layer norm after the last block. */
    public static final String LAST_NORM_WEIGHT = "last_ln.weight";
    /** The bias of the layer norm after the last block. */
    public static final String LAST_NORM_BIAS = "last_ln.bias";
    /** The prefix of the optional output projection after the last layer norm ({@code weight [dim x dim]}, {@code bias [dim]}). */
    public static final String OUTPUT_PROJECTION = "out_proj.";
    /** The weight of the output projection. */
    public static final String OUTPUT_PROJECTION_WEIGHT = "out_proj.weight";
    /** The bias of the output projection. */
    public static final String OUTPUT_PROJECTION_BIAS = "out_proj.bias";
    /** LLM-EDT's item-ID table {@code [tableRows x width]}. */
    public static final String ITEM_ID_TABLE = "item_id.weight";
    /** The prefix of the item adapter shared by all domains. */
    public static final String ITEM_ADAPTER = "item_adapter.";
    /** The mean {@code [textWidth]} of the PCA that reduces item text embeddings (when configured). */
    public static final String PCA_MEAN = "pca.mean";
    /** The components {@code [pcaDimension x textWidth]} of that PCA. */
    public static final String PCA_COMPONENTS = "pca.components";
    /** The suffix of a weight tensor below a prefix. */
    public static final String WEIGHT = "weight";
    /** The suffix of a bias tensor below a prefix. */
    public static final String BIAS = "bias";

    private static final String ATTENTION = "attn.";
    private static final String ATTENTION_NORM = "attn_ln.";
    private static final String FEED_FORWARD = "ff.";
    private static final String FEED_FORWARD_NORM = "ff_ln.";

    private TensorLayout() {
    }

    /** Returns the names of transformer block {@code i}. */
    public static Block block(int i) {
        return new Block(i);
    }

    /**
     * The tensor names of one transformer block.
     *
     * @param index the block's index, from 0
     */
    public record Block(int index) {
        /** Returns the prefix of the attention-input layer norm ({@code attn_ln.<i>.}). */
        public String attentionNorm() {
            return ATTENTION_NORM + index + ".";
        }

        /** Returns the prefix of the attention ({@code attn.<i>.}). */
        public String attention() {
            return ATTENTION + index + ".";
        }

        /** Returns the packed query-key-value projection {@code [3dim x dim]}. */
        public String inProjectionWeight() {
            return attention() + "in_proj_weight";
        }

        /** Returns the packed query-key-value bias {@code [3dim]}. */
        public String inProjectionBias() {
            return attention() + "in_proj_bias";
        }

        /** Returns the prefix of the attention output projection ({@code attn.<i>.out_proj.}). */
        public String outProjection() {
            return attention() + "out_proj.";
        }

        /** Returns the prefix of the feed-forward layer norm ({@code ff_ln.<i>.}). */
        public String feedForwardNorm() {
            return FEED_FORWARD_NORM + index + ".";
        }

        /** Returns the prefix of the feed-forward layer {@code k} (1 or 2) ({@code ff.<i>.w<k>.}). */
        public String feedForward(int k) {
            return FEED_FORWARD + index + ".w" + k + ".";
        }
    }

    /** Returns the name of domain {@code d}'s position table {@code [maxLength x dim]}. */
    public static String domainPositions(int d) {
        return "pos_emb.d" + d + ".weight";
    }

    /** Returns the prefix of domain {@code d}'s residual adapter ({@code w1.weight [m x dim]}, {@code w1.bias}, {@code w2.weight [dim x m]}, {@code w2.bias}). */
    public static String domainAdapter(int d) {
        return "domain_adapter.d" + d + ".";
    }

    /** Returns the name of domain {@code d}'s gate (one element). */
    public static String domainGate(int d) {
        return "domain_gate.d" + d;
    }

    /** Returns the prefix of domain {@code d}'s profile adapter. */
    public static String profileAdapter(int d) {
        return "profile_adapter.d" + d + ".";
    }

    /** Returns the prefix of domain {@code d}'s own item adapter. */
    public static String itemAdapter(int d) {
        return ITEM_ADAPTER + "d" + d + ".";
    }

    /** Returns whether {@code name} is a layer norm's weight (initialized to 1). */
    public static boolean isLayerNormWeight(String name) {
        return name.endsWith("ln.weight") || name.matches(".*_ln\\.\\d+\\.weight");
    }

    /** Returns whether {@code name} is a feed-forward bias (initialized uniform in {@code +-1/sqrt(fan_in)}). */
    public static boolean isFeedForwardBias(String name) {
        return name.startsWith(FEED_FORWARD) && name.endsWith(".bias");
    }
}
