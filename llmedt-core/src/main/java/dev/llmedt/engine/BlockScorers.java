package dev.llmedt.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The block scorer behind a recommender, for callers that stream scores (full-ranking evaluation,
 * serving). A class of an exported package that can stream registers itself here instead of
 * implementing {@link BlockScorer}, so that its public signature names no engine type.
 * Module-internal.
 */
public final class BlockScorers {

    private static final Map<Class<?>, Function<Object, BlockScorer>> BY_CLASS = new ConcurrentHashMap<>();

    private BlockScorers() {
    }

    /** Registers how instances of exactly {@code type} stream their scores (call it from the type's static initializer). */
    public static <T> void register(Class<T> type, Function<? super T, BlockScorer> scorer) {
        BY_CLASS.put(type, o -> scorer.apply(type.cast(o)));
    }

    /** Returns the block scorer of {@code recommender}: itself when it is one, its registered one, else null. */
    public static BlockScorer of(Object recommender) {
        if (recommender instanceof BlockScorer b) {
            return b;
        }
        Function<Object, BlockScorer> f = recommender == null ? null : BY_CLASS.get(recommender.getClass());
        return f == null ? null : f.apply(recommender);
    }
}
