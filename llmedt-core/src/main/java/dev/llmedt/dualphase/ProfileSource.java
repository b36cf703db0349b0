package dev.llmedt.dualphase;

import dev.llmedt.profile.Profiler;
import dev.llmedt.progress.ProgressListener;
import dev.llmedt.data.History;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.ItemEmbeddings;
import dev.llmedt.text.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives the profile embedding of histories being scored, for models that add the user's profile to
 * the score ({@link FineTuningConfig#profileInScore()}). A profile is made from the history alone
 * (for an evaluated user, the input; never a target).
 */
@FunctionalInterface
public interface ProfileSource {

    /**
     * Returns one profile vector per history (a zero vector: no profile).
     *
     * @param histories what the model may see of each user
     */
    float[][] vectors(List<History> histories);

    /**
     * Profiles with a profiler over the item vectors and embeds the texts with an encoder (the one
     * the model's profiles were embedded with); remembers the vectors of the histories it has seen.
     */
    static ProfileSource of(Profiler profiler, ItemCatalog catalog, ItemEmbeddings embeddings, TextEncoder encoder) {
        Objects.requireNonNull(profiler, "profiler");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(encoder, "encoder");
        Map<History, float[]> seen = new ConcurrentHashMap<>();
        return histories -> {
            List<History> missing = new ArrayList<>();
            for (History h : histories) {
                if (!seen.containsKey(h) && !missing.contains(h)) {
                    missing.add(h);
                }
            }
            if (!missing.isEmpty()) {
                float[][] v = profiler.profile(catalog, embeddings, missing, ProgressListener.none()).embed(encoder, 256,
                        ProgressListener.none());
                for (int i = 0; i < missing.size(); i++) {
                    seen.put(missing.get(i), v[i]);
                }
            }
            float[][] out = new float[histories.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = seen.get(histories.get(i));
            }
            return out;
        };
    }
}
