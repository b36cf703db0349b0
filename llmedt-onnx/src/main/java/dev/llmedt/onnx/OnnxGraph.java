package dev.llmedt.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXContext;

/**
 * Assembles an ONNX graph by value names: nodes from {@link OnnxOperator}s, initializers stored as
 * little-endian raw data, inputs and outputs with symbolic dimensions. Every value name is unique
 * (a repeated base name gets a numeric suffix); small constants are stored once.
 */
final class OnnxGraph {

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    /** Gives nodes unique names (Tribuo's operators take it when they build a node). */
    private final ONNXContext nodeNames;
    private final Set<String> usedNames;
    private final Set<String> reservedOutputs;
    private final Map<String, String> constants = new HashMap<>();
    private long initializerBytes;

    OnnxGraph(String name) {
        this(name, new ONNXContext(), new HashSet<>(), new HashSet<>());
    }

    private OnnxGraph(String name, ONNXContext nodeNames, Set<String> usedNames, Set<String> reservedOutputs) {
        graph.setName(name);
        this.nodeNames = nodeNames;
        this.usedNames = usedNames;
        this.reservedOutputs = reservedOutputs;
    }

    /**
     * Returns an empty branch graph for {@link #ifElse}: its values are named uniquely together with
     * this graph's, and it reads this graph's values (initializers included) from the outer scope.
     * Give it its constants from this graph: constants made in it stay in it.
     */
    OnnxGraph branch(String name) {
        return new OnnxGraph(name, nodeNames, usedNames, reservedOutputs);
    }

    /**
     * Adds an {@code If} node: {@code output} is the one output of {@code thenBranch} when the bool
     * scalar {@code condition} holds, else of {@code elseBranch}; only the chosen branch runs.
     */
    String ifElse(String output, String condition, OnnxGraph thenBranch, OnnxGraph elseBranch) {
        String name = unique(output);
        graph.addNode(OnnxMl.NodeProto.newBuilder().setName(unique("If_" + name)).setOpType("If").addInput(condition).addOutput(name)
                .addAttribute(graphAttribute("then_branch", thenBranch)).addAttribute(graphAttribute("else_branch", elseBranch)));
        return name;
    }

    private static OnnxMl.AttributeProto graphAttribute(String name, OnnxGraph branch) {
        if (branch.graph.getOutputCount() != 1) {
            throw new IllegalStateException("the branch " + branch.graph.getName() + " must have one output, it has "
                    + branch.graph.getOutputCount());
        }
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch.build())
                .build();
    }

    /** Returns {@code base}, or {@code base_N} when the name is taken. */
    private String unique(String base) {
        if (reservedOutputs.remove(base)) {
            return base;
        }
        String name = base;
        for (int n = 1; !usedNames.add(name); n++) {
            name = base + "_" + n;
        }
        return name;
    }

    /** Adds a node with one output and no attributes; returns the output's name. */
    String op(OnnxOperator op, String output, String... inputs) {
        return op(op, output, Map.of(), inputs);
    }

    /** Adds a node with one output; returns the output's name. */
    String op(OnnxOperator op, String output, Map<String, Object> attributes, String... inputs) {
        return ops(op, new String[] {output}, attributes, inputs)[0];
    }

    /** Adds a node with several outputs; returns their names. */
    String[] ops(OnnxOperator op, String[] outputs, Map<String, Object> attributes, String... inputs) {
        String[] names = new String[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            names[i] = unique(outputs[i]);
        }
        graph.addNode(op.build(nodeNames, inputs, names, attributes));
        return names;
    }

    /** Adds a float initializer of a shape ({@code dims} empty for a scalar); returns its name. */
    String floats(String name, long[] dims, float[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return initializer(name, dims, DataType.FLOAT, bytes);
    }

    /** Adds an int64 initializer of a shape ({@code dims} empty for a scalar); returns its name. */
    String longs(String name, long[] dims, long[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return initializer(name, dims, DataType.INT64, bytes);
    }

    private static void checkCount(String name, long[] dims, int count) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("initializer " + name + " of shape " + Arrays.toString(dims) + " given " + count + " values");
        }
    }

    private String initializer(String name, long[] dims, DataType type, ByteBuffer bytes) {
        String unique = unique(name);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(unique).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t.setRawData(ByteString.copyFrom(bytes.array())).build());
        initializerBytes += bytes.capacity();
        return unique;
    }

    /** Returns the name of an int64 scalar constant. */
    String scalar(long value) {
        return constants.computeIfAbsent("i" + value, k -> longs("const_" + value, new long[0], new long[] {value}));
    }

    /** Returns the name of a float scalar constant. */
    String scalar(float value) {
        return constants.computeIfAbsent("f" + Float.floatToIntBits(value),
                k -> floats("const_f" + Float.floatToIntBits(value), new long[0], new float[] {value}));
    }

    /** Returns the name of a one-dimensional int64 constant (axes, shapes, slice bounds). */
    String vector(long... values) {
        String key = "v" + Arrays.toString(values);
        return constants.computeIfAbsent(key, k -> longs("const_" + Arrays.toString(values).replaceAll("[\\[\\] ]", "")
                .replace(',', '_'), new long[] {values.length}, values));
    }

    /** Adds a graph input; each dimension is a symbolic name (String) or a size (Number); none for a scalar. */
    void input(String name, DataType type, Object... dims) {
        if (!usedNames.add(name)) {
            throw new IllegalStateException("name " + name + " is already used");
        }
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Adds a graph output, dimensions as in {@link #input}. */
    void output(String name, DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** Reserves a name for the node output that will be a graph output: the first value of that base name gets it exactly. */
    void reserveOutput(String name) {
        if (usedNames.contains(name) || !reservedOutputs.add(name)) {
            throw new IllegalStateException("name " + name + " is already used");
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** Sets the graph's description. */
    void describe(String text) {
        graph.setDocString(text);
    }

    /** Returns the bytes held by initializers so far. */
    long initializerBytes() {
        return initializerBytes;
    }

    OnnxMl.GraphProto build() {
        return graph.build();
    }
}
