package dev.llmedt.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators (default domain, opset {@value #OPSET}) the recommender export uses, with their
 * input and output counts and the attributes llmedt sets. Tribuo's {@link ONNXOperator} checks
 * every node built from them (counts, attribute names and types) as the graph is assembled.
 */
enum OnnxOperator implements ONNXOperator {
    ADD("Add", 2),
    SUB("Sub", 2),
    MUL("Mul", 2),
    MIN("Min", ONNXAttribute.VARIADIC_INPUT),
    MAT_MUL("MatMul", 2),
    GEMM("Gemm", 2, 1, 1, attribute("alpha", AttributeType.FLOAT), attribute("beta", AttributeType.FLOAT),
            attribute("transA", AttributeType.INT), attribute("transB", AttributeType.INT)),
    RELU("Relu", 1),
    SOFTMAX("Softmax", 1, 0, 1, attribute("axis", AttributeType.INT)),
    /** Only the normalized output is used (the optional mean and inverse deviation outputs are not). */
    LAYER_NORMALIZATION("LayerNormalization", 2, 1, 1, attribute("axis", AttributeType.INT), attribute("epsilon", AttributeType.FLOAT),
            attribute("stash_type", AttributeType.INT)),
    RESHAPE("Reshape", 2, 0, 1, attribute("allowzero", AttributeType.INT)),
    TRANSPOSE("Transpose", 1, 0, 1, attribute("perm", AttributeType.INTS)),
    SLICE("Slice", 3, 2, 1),
    GATHER("Gather", 2, 0, 1, attribute("axis", AttributeType.INT)),
    SHAPE("Shape", 1),
    RANGE("Range", 3),
    UNSQUEEZE("Unsqueeze", 2),
    SQUEEZE("Squeeze", 1, 1, 1),
    CONCAT("Concat", ONNXAttribute.VARIADIC_INPUT, 0, 1, attribute("axis", AttributeType.INT)),
    EXPAND("Expand", 2),
    CONSTANT_OF_SHAPE("ConstantOfShape", 1, 0, 1, attribute("value", AttributeType.TENSOR)),
    CAST("Cast", 1, 0, 1, required("to", AttributeType.INT)),
    LESS("Less", 2),
    LESS_OR_EQUAL("LessOrEqual", 2),
    GREATER("Greater", 2),
    GREATER_OR_EQUAL("GreaterOrEqual", 2),
    EQUAL("Equal", 2),
    AND("And", 2),
    OR("Or", 2),
    WHERE("Where", 3),
    CUM_SUM("CumSum", 2, 0, 1, attribute("exclusive", AttributeType.INT), attribute("reverse", AttributeType.INT)),
    SCATTER_ELEMENTS("ScatterElements", 3, 0, 1, attribute("axis", AttributeType.INT), attribute("reduction", AttributeType.STRING)),
    TOP_K("TopK", 2, 0, 2, attribute("axis", AttributeType.INT), attribute("largest", AttributeType.INT),
            attribute("sorted", AttributeType.INT));

    /** The opset version every exported graph imports. */
    static final int OPSET = 17;

    private final String name;
    private final int inputs;
    private final int optionalInputs;
    private final int outputs;
    private final Map<String, ONNXAttribute> attributes;

    OnnxOperator(String name, int inputs) {
        this(name, inputs, 0, 1);
    }

    OnnxOperator(String name, int inputs, int optionalInputs, int outputs, ONNXAttribute... attributes) {
        this.name = name;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        this.outputs = outputs;
        Map<String, ONNXAttribute> map = new LinkedHashMap<>();
        for (ONNXAttribute a : attributes) {
            map.put(a.getName(), a);
        }
        this.attributes = Collections.unmodifiableMap(map);
    }

    /** An optional attribute (it has a default in the ONNX specification). */
    private static ONNXAttribute attribute(String name, AttributeType type) {
        return new ONNXAttribute(name, type, false);
    }

    /** A mandatory attribute. */
    private static ONNXAttribute required(String name, AttributeType type) {
        return new ONNXAttribute(name, type, true);
    }

    @Override
    public String getOpName() {
        return name;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return outputs;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        Set<String> names = new TreeSet<>();
        for (ONNXAttribute a : attributes.values()) {
            if (a.isMandatory()) {
                names.add(a.getName());
            }
        }
        return names;
    }

    @Override
    public int getOpVersion() {
        return OPSET;
    }

    @Override
    public String getOpDomain() {
        return "";
    }
}
