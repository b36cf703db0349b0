package dev.llmedt.examples;

import dev.llmedt.augment.BridgeScoring;
import dev.llmedt.augment.InsertionStrategy;
import dev.llmedt.augment.TransferableItemAugmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The transferable item augmenter's settings, one set of options for {@code augment} and
 * {@code train --method llm-edt --augmenter}: each left out keeps the library's default.
 */
final class AugmenterOptions {

    @Option(names = "--tau", paramLabel = "X", description = "Augmenter: similarity threshold; candidates below it are noise (default 0.5).")
    Double tau;

    @Option(names = "--clusters", paramLabel = "K", description = "Augmenter: k-means clusters per domain (default 64).")
    Integer clusters;

    @Option(names = "--insertion", paramLabel = "after-source|append|random",
            description = "Augmenter: where inserted items go (default after-source).")
    String insertion;

    @Option(names = "--minor-share", paramLabel = "X",
            description = "Augmenter: users with a domain holding less than this share of their items are augmented (default 0.2).")
    Double minorShare;

    @Option(names = "--max-insertions", paramLabel = "N", description = "Augmenter: at most N items inserted per user (default 5).")
    Integer maxInsertions;

    @Option(names = "--inserted-items-are-targets", description = "Augmenter: let inserted items be training targets (default: context only).")
    boolean insertedTargets;

    @Option(names = "--bridges", paramLabel = "text|csls|behaviour",
            description = "Augmenter, offline: how the bridge item of a user's item is picked: its nearest item by cosine (text, the "
                    + "default), by cross-domain similarity local scaling, which pushes down hub items (csls), or the item users most "
                    + "often took next after it, falling back to csls (behaviour).")
    String bridges;

    @Option(names = "--bridge-cap", paramLabel = "N",
            description = "Augmenter: at most N insertions of any one item over all users, users in training order (default: no cap).")
    Integer bridgeCap;

    @Option(names = "--inserted-target-weight", paramLabel = "W",
            description = "Augmenter, with --inserted-items-are-targets: the training loss weight of inserted targets, 0 to 1 (default 1).")
    Double insertedTargetWeight;

    /** The options given on the command line, by name. */
    List<String> given() {
        List<String> names = new ArrayList<>();
        Object[] values = {tau, clusters, insertion, minorShare, maxInsertions, insertedTargets ? true : null, bridges, bridgeCap,
            insertedTargetWeight};
        String[] flags = {"--tau", "--clusters", "--insertion", "--minor-share", "--max-insertions", "--inserted-items-are-targets",
            "--bridges", "--bridge-cap", "--inserted-target-weight"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                names.add(flags[i]);
            }
        }
        return names;
    }

    /**
     * The given settings applied to a builder (the others keep the library's defaults); the
     * builder checks each value and names the setting when it is out of range.
     */
    Consumer<TransferableItemAugmenter.Builder> settings() {
        return b -> {
            b.insertedItemsAreTargets(insertedTargets);
            if (insertion != null) {
                b.insertion(InsertionStrategy.parse(insertion));
            }
            if (tau != null) {
                b.similarityThreshold(tau);
            }
            if (maxInsertions != null) {
                b.maxInsertionsPerUser(maxInsertions);
            }
            if (minorShare != null) {
                b.minorShareThreshold(minorShare);
            }
            if (clusters != null) {
                b.clusters(clusters);
            }
            if (bridges != null) {
                b.bridges(BridgeScoring.parse(bridges));
            }
            if (bridgeCap != null) {
                b.maxInsertionsPerBridgeItem(bridgeCap);
            }
            if (insertedTargetWeight != null) {
                b.insertedTargetWeight(insertedTargetWeight);
            }
        };
    }
}
