package dev.llmedt.augment;

import java.util.Collection;
import java.util.List;

/**
 * Where a user's candidates come from: real items of a target domain, each with the similarity
 * that must reach tau. Sources propose; the caller applies tau and counts. Implementations do their
 * heavy work (searches, generation) once, before the users are augmented, and are then read by
 * several workers at once.
 *
 * @see NearestItemCandidates
 * @see GeneratedCandidates
 */
interface CandidateSource {

    /** Where a candidate comes from. */
    enum Origin {
        /** The item of the target domain a source item is most similar to (by cosine or CSLS). */
        SIMILARITY,
        /** The item users most often took next after a source item: exempt from tau, placed after that item. */
        BEHAVIOUR,
        /** A generated text matched to its nearest real item. */
        GENERATED
    }

    /**
     * One proposed item.
     *
     * @param item the global id of a real item of the target domain
     * @param score the similarity compared with tau: offline, the cosine between the source item and
     *     the candidate; with a generator, the match similarity
     * @param match with a generator, the cosine between the generated text and the item; {@code NaN}
     *     offline
     * @param origin where it comes from (the field the brief calls "source"; "source" here names the
     *     user's item a bridge starts from)
     * @param sourceItem for {@link Origin#BEHAVIOUR}, the source item it was taken after (the bridge
     *     is placed after that item); else -1 (placed after the user's most similar item)
     */
    record Candidate(int item, float score, float match, Origin origin, int sourceItem) {

        /** A candidate placed after the user's most similar source item. */
        Candidate(int item, float score, float match, Origin origin) {
            this(item, score, match, origin, -1);
        }

        /** Returns whether it comes from behaviour. */
        boolean behavioural() {
            return origin == Origin.BEHAVIOUR;
        }
    }

    /**
     * Adds the candidates of one user for one of the user's target domains to {@code out}, in a
     * fixed order.
     *
     * @param user the user's index in training order
     * @param target the target domain's index
     * @param sourceItems the user's distinct source items with text, in order of first occurrence
     * @param out receives the candidates
     */
    void propose(int user, int target, Collection<Integer> sourceItems, List<Candidate> out);
}
