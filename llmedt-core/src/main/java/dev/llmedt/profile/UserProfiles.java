package dev.llmedt.profile;

import dev.llmedt.check.Require;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.text.LanguageModelException;
import dev.llmedt.text.TextEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text profiles of a list of users (one per history given to a
 * {@link dev.llmedt.profile.Profiler}, same order), with the report and provenance of the run that made
 * them. An empty string means "no profile" (the user's history was empty). Immutable.
 */
public final class UserProfiles {

    private final List<String> texts;
    private final ProfileReport report;
    private final Map<String, Object> provenance;

    private UserProfiles(List<String> texts, ProfileReport report, Map<String, Object> provenance) {
        this.texts = texts;
        this.report = report;
        this.provenance = provenance;
    }

    /**
     * Creates profiles (for {@link dev.llmedt.profile.Profiler} implementations and tests).
     *
     * @param texts one text per user, empty for a user without profile; none null
     * @param report the run's report; its {@code users} must be {@code texts.size()}
     * @param provenance how the profiles were made (copied; values should be JSON-friendly)
     * @throws IllegalArgumentException when a text is null or the report counts another number of users
     */
    public static UserProfiles of(List<String> texts, ProfileReport report, Map<String, Object> provenance) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(provenance, "provenance");
        List<String> copy = new ArrayList<>(texts.size());
        for (int u = 0; u < texts.size(); u++) {
            String t = texts.get(u);
            if (t == null) {
                throw new IllegalArgumentException("profile " + u + " is null; use an empty string for a user without profile");
            }
            copy.add(t);
        }
        if (report.users() != copy.size()) {
            throw new IllegalArgumentException("the report counts " + report.users() + " users but there are " + copy.size() + " profiles");
        }
        return new UserProfiles(Collections.unmodifiableList(copy), report,
                Collections.unmodifiableMap(new LinkedHashMap<>(provenance)));
    }

    /** Returns the number of users. */
    public int size() {
        return texts.size();
    }

    /**
     * Returns the profile of a user, or an empty string when the user has none.
     *
     * @throws IndexOutOfBoundsException when {@code user} is not in {@code [0, size())}
     */
    public String text(int user) {
        return texts.get(user);
    }

    /** Returns whether the user has a profile (a non-empty text). */
    public boolean hasProfile(int user) {
        return !texts.get(user).isEmpty();
    }

    /** Returns every profile, in user order (unmodifiable). */
    public List<String> texts() {
        return texts;
    }

    /** Returns what the run did. */
    public ProfileReport report() {
        return report;
    }

    /**
     * Returns how the profiles were made: the mode ({@code offline} or {@code generator}), every
     * setting, the generator's model id, the item embeddings' model id and the SHA-256 of each
     * prompt template (unmodifiable).
     */
    public Map<String, Object> provenance() {
        return provenance;
    }

    /**
     * Embeds the profiles: the non-empty texts are sent in user order, in batches of at most
     * {@code batchSize}, to {@link TextEncoder#encodeQueries} (profiles are the query side, as the
     * encoder contract describes); identical texts of different users are not merged. To reuse
     * earlier runs, pass an encoder wrapped by {@link dev.llmedt.text.TextCache#cached(TextEncoder)}.
     *
     * @param encoder the text encoder (frozen)
     * @param batchSize texts per encoder call, in [1, 1,000,000]
     * @param progress told after each batch (task {@code "encode profiles"})
     * @return one vector per user, of the encoder's dimension; a zero vector for a user without profile
     * @throws IllegalArgumentException when the batch size is out of range
     * @throws LanguageModelException when the encoder fails or returns the wrong number of vectors,
     *     a vector of another length, or non-finite values (names the user)
     */
    public float[][] embed(TextEncoder encoder, int batchSize, ProgressListener progress) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(progress, "progress");
        Require.inRange("batchSize", batchSize, 1, 1_000_000);
        int dim = encoder.dimension();
        float[][] out = new float[texts.size()][];
        List<Integer> users = new ArrayList<>();
        for (int u = 0; u < texts.size(); u++) {
            if (texts.get(u).isEmpty()) {
                out[u] = new float[dim];
            } else {
                users.add(u);
            }
        }
        progress.progress("encode profiles", 0, users.size());
        for (int from = 0; from < users.size(); from += batchSize) {
            List<Integer> batch = users.subList(from, Math.min(users.size(), from + batchSize));
            List<String> batchTexts = new ArrayList<>(batch.size());
            for (int u : batch) {
                batchTexts.add(texts.get(u));
            }
            float[][] vectors = encoder.encodeQueries(batchTexts);
            if (vectors == null || vectors.length != batch.size()) {
                throw new LanguageModelException("encoder " + encoder.modelId() + " returned " + (vectors == null ? "no" : vectors.length)
                        + " vectors for " + batch.size() + " profiles");
            }
            for (int k = 0; k < batch.size(); k++) {
                out[batch.get(k)] = checked(vectors[k], dim, encoder.modelId(), batch.get(k));
            }
            progress.progress("encode profiles", from + batch.size(), users.size());
        }
        return out;
    }

    private static float[] checked(float[] v, int dim, String modelId, int user) {
        if (v == null || v.length != dim) {
            throw new LanguageModelException("encoder " + modelId + " returned a vector of length " + (v == null ? "null" : v.length)
                    + " for the profile of user " + user + ", its dimension is " + dim);
        }
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new LanguageModelException("encoder " + modelId + " returned NaN or infinite values for the profile of user " + user);
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return "UserProfiles[" + texts.size() + " users, " + report.usersProfiled() + " profiled, mode " + provenance.get("mode") + "]";
    }
}
