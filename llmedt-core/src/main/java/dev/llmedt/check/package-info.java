/**
 * Argument checks whose messages name the parameter, the value and the allowed range. Internal: not exported.
 *
 * <p>{@code module-info} exports this package only to the other llmedt modules that check their own
 * parameters ({@code dev.llmedt.onnx}); it is no part of the API and may change in any release.
 */
package dev.llmedt.check;
