/**
 * Opening a trained model file for serving: {@link dev.llmedt.serving.TrainedModel#open} reads any
 * model this library writes (a SASRec or LLM-EDT model file, or its ONNX export when llmedt-onnx is
 * present) as one closeable {@link dev.llmedt.Recommender}.
 */
package dev.llmedt.serving;
