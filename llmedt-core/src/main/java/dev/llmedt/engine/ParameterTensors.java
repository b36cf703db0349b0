package dev.llmedt.engine;

import dev.llmedt.model.ModelFile;
import dev.llmedt.model.ModelFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Between the engine's parameters and a model file's tensors: each parameter is written as the
 * tensor of its name and shape, and read back only when the name, shape and finiteness hold. Not
 * API: the model file's public types know nothing of the engine.
 */
public final class ParameterTensors {

    private ParameterTensors() {
    }

    /** Returns a parameter's tensor, named and shaped as the parameter. */
    public static ModelFile.Tensor of(Parameter p) {
        return new ModelFile.Tensor(p.name(), p.shape(), p.toFlat());
    }

    /** Returns the tensors of every parameter of a set, in order. */
    public static List<ModelFile.Tensor> of(ParameterSet parameters) {
        List<ModelFile.Tensor> tensors = new ArrayList<>();
        for (Parameter p : parameters.list()) {
            tensors.add(of(p));
        }
        return tensors;
    }

    /**
     * Sets every parameter of a set from the file's tensor of the same name and shape.
     *
     * @throws ModelFileException naming the file and the tensor when one is missing, misshapen or not finite
     */
    public static void fill(Path file, ModelFile.Contents contents, ParameterSet parameters) throws ModelFileException {
        for (Parameter p : parameters.list()) {
            ModelFile.Tensor t = contents.tensors().get(p.name());
            if (t == null) {
                throw new ModelFileException(file, "no tensor " + p.name() + "; the file has " + contents.tensors().keySet());
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new ModelFileException(file, "tensor " + p.name() + " has shape " + Arrays.toString(t.shape())
                        + ", the configuration needs " + Arrays.toString(p.shape()));
            }
            for (float v : t.data()) {
                if (!Float.isFinite(v)) {
                    throw new ModelFileException(file, "tensor " + p.name() + " holds a non-finite value");
                }
            }
            p.setFlat(t.data());
        }
    }
}
