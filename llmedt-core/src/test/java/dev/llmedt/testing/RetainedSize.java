package dev.llmedt.testing;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The bytes an object graph holds, counted by walking it: arrays at their length times the element
 * size plus a 16-byte header, other objects at 16 bytes plus 8 per field. It follows the fields of
 * this library's classes and the elements of arrays; it stops at objects of the given classes
 * (shared state that is not part of the graph, such as the model's parameters), at objects of
 * other libraries (counted as a header) and at the synthetic reference of an inner class to its
 * outer object. Deterministic: it measures what the graph references, not what the garbage
 * collector has yet to free.
 */
public final class RetainedSize {

    private RetainedSize() {
    }

    /** Returns the bytes held by {@code root} and what it references, {@code shared} types excluded. */
    public static long of(Object root, Set<Class<?>> shared) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        long bytes = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (seen.put(o, Boolean.TRUE) != null || isShared(o, shared)) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                int n = Array.getLength(o);
                Class<?> e = c.getComponentType();
                bytes += 16 + (long) n * elementSize(e);
                if (!e.isPrimitive()) {
                    for (int i = 0; i < n; i++) {
                        Object v = Array.get(o, i);
                        if (v != null) {
                            todo.push(v);
                        }
                    }
                }
                continue;
            }
            bytes += 16;
            if (!c.getName().startsWith("dev.llmedt.")) {
                continue;
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    bytes += 8;
                    if (f.getType().isPrimitive() || f.isSynthetic()) {
                        continue;
                    }
                    f.setAccessible(true);
                    Object v;
                    try {
                        v = f.get(o);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                    if (v != null) {
                        todo.push(v);
                    }
                }
            }
        }
        return bytes;
    }

    private static boolean isShared(Object o, Set<Class<?>> shared) {
        for (Class<?> c : shared) {
            if (c.isInstance(o)) {
                return true;
            }
        }
        return false;
    }

    private static int elementSize(Class<?> e) {
        if (e == long.class || e == double.class) {
            return 8;
        }
        if (e == int.class || e == float.class) {
            return 4;
        }
        if (e == short.class || e == char.class) {
            return 2;
        }
        if (e == byte.class || e == boolean.class) {
            return 1;
        }
        return 4; // a compressed reference
    }
}
