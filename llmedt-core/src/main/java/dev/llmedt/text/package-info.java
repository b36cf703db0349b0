/**
 * Language models in llmedt: {@link dev.llmedt.text.TextEncoder} (texts to unit vectors) and
 * {@link dev.llmedt.text.TextGenerator} (prompt to text), OpenAI-compatible HTTP clients for both
 * ({@link dev.llmedt.text.OpenAiCompatible}), a crash-safe persistent cache of their outputs
 * ({@link dev.llmedt.text.TextCache}), item text templates ({@link dev.llmedt.text.ItemTextTemplate})
 * and the item embedding table the model trains on ({@link dev.llmedt.text.ItemEmbeddings}).
 *
 * <p>The embedded default encoder, run by ONNX Runtime, lives in module {@code llmedt-onnx}
 * ({@code dev.llmedt.onnx.OnnxTextEncoder}).
 */
package dev.llmedt.text;
