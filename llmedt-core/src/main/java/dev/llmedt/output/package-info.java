/**
 * How the library writes files, the same way for every file it writes (model files, ONNX exports,
 * checkpoints, item embeddings, insertions, datasets, caches):
 *
 * <ul>
 *   <li>The content goes to a temporary file beside the target, which is then renamed over it: a
 *       reader sees the previous file or the new one, whole; when writing fails the target is
 *       untouched and the temporary file removed.</li>
 *   <li>Only a regular file, or nothing, at the target is replaced. A directory, device, FIFO or
 *       socket there is refused with an {@link dev.llmedt.output.OutputFileException} naming the
 *       path and what stands there, and nothing is written.</li>
 *   <li>A symbolic link is followed: the file it points to (at the end of a chain of links) is the
 *       target, replaced in its own directory, and the link stays. A link to a device, FIFO or
 *       directory is refused like the thing it points to; a dangling link's file is created.</li>
 *   <li>A read-only file (one with no write permission bit, or one this process may not write) is
 *       refused unless the caller passes {@link dev.llmedt.output.WriteOption#REPLACE_READ_ONLY}.</li>
 *   <li>Permissions: a new file gets what a plain create gives (read-write for everyone, less the
 *       process's umask, e.g. {@code rw-r--r--} under umask 022); a replaced file keeps the
 *       permissions of the file it replaces and, where the writing user may set it, its group
 *       (its owner becomes the writing user, as with any rename).</li>
 *   <li>Every failure is an {@link java.io.IOException} naming the target path and the reason.</li>
 * </ul>
 */
package dev.llmedt.output;
