/**
 * llmedt core: the API (the {@code dev.llmedt} contracts package and the data, evaluation, text, augmenter,
 * profiler, dual-phase, SASRec, model-file, output-file, progress and serving packages) and, not exported, the training engine
 * (kernels, layers, optimizers, worker pools), file helpers and argument checks. On the class path nothing is
 * enforced; on the module path only the exported packages are visible.
 */
module dev.llmedt.core {
    requires transitive org.slf4j;
    requires transitive com.fasterxml.jackson.databind;
    requires commons.math3;
    requires org.apache.commons.csv;
    requires java.net.http;
    // Optional: with --add-modules jdk.incubator.vector the linear kernels run on the Vector API.
    requires static jdk.incubator.vector;

    exports dev.llmedt;
    exports dev.llmedt.data;
    exports dev.llmedt.eval;
    exports dev.llmedt.text;
    exports dev.llmedt.augment;
    exports dev.llmedt.profile;
    exports dev.llmedt.dualphase;
    exports dev.llmedt.sasrec;
    exports dev.llmedt.model;
    exports dev.llmedt.output;
    exports dev.llmedt.progress;
    exports dev.llmedt.serving;

    // llmedt-onnx opens .onnx exports for TrainedModel.open.
    uses dev.llmedt.serving.TrainedModel.OnnxOpener;

    // Internals other llmedt modules build on; not API.
    exports dev.llmedt.engine to dev.llmedt.onnx;
    exports dev.llmedt.io to dev.llmedt.onnx, dev.llmedt.examples;
    exports dev.llmedt.check to dev.llmedt.onnx;

    // Jackson reads and writes the configuration records and reports.
    opens dev.llmedt.dualphase to com.fasterxml.jackson.databind;
    opens dev.llmedt.sasrec to com.fasterxml.jackson.databind;
    opens dev.llmedt.eval to com.fasterxml.jackson.databind;
    opens dev.llmedt.text to com.fasterxml.jackson.databind;
    opens dev.llmedt.augment to com.fasterxml.jackson.databind;
    opens dev.llmedt.profile to com.fasterxml.jackson.databind;
    opens dev.llmedt.model to com.fasterxml.jackson.databind;
    opens dev.llmedt.data to com.fasterxml.jackson.databind;
    opens dev.llmedt to com.fasterxml.jackson.databind;
}
