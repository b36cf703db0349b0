/**
 * llmedt-onnx: ONNX Runtime inference (the exported recommender, text encoders) and the ONNX export
 * of trained models. Only {@code dev.llmedt.onnx} is exported; ONNX Runtime, the ONNX protobuf classes
 * and the tokenizers are implementation dependencies (automatic modules), not part of its API.
 */
@SuppressWarnings("requires-automatic") // none of the four ships a module-info; each names itself in its manifest
module dev.llmedt.onnx {
    requires transitive dev.llmedt.core;
    requires com.microsoft.onnxruntime;
    requires org.tribuo.util.onnx;
    requires com.google.protobuf;
    requires ai.djl.tokenizers;

    exports dev.llmedt.onnx;

    // TrainedModel.open opens .onnx exports through this provider (its package is not exported).
    provides dev.llmedt.serving.TrainedModel.OnnxOpener with dev.llmedt.onnx.serving.OnnxModelOpener;
}
