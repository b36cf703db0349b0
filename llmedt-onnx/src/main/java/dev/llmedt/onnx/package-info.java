/**
 * ONNX Runtime inference for llmedt: exported text encoders and the exported recommender, on CUDA
 * when ONNX Runtime offers it and on CPU otherwise.
 */
package dev.llmedt.onnx;
