/**
 * Not API: the provider through which {@link dev.llmedt.serving.TrainedModel#open} opens ONNX exports
 * (registered in {@code module-info} and {@code META-INF/services}; not exported).
 */
package dev.llmedt.onnx.serving;
