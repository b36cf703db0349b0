package dev.llmedt.profile;

import dev.llmedt.data.Domain;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.prompt.PromptText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The offline profile: per cluster, the salient terms of its items' titles, apportioned to the
 * user's domains by their share of the user's items, written as one line of text.
 *
 * <p><b>Salient terms of a cluster.</b> Score of a term = tf x idf, where tf is the number of the
 * cluster's items whose title contains the term (a title that repeats a keyword counts it once)
 * and idf is taken over all the catalog's titles ({@link TitleTerms}). The cluster's top
 * {@code termsPerCluster} terms are kept, highest score first, ties by the term's text.
 *
 * <p><b>Terms per domain.</b> Each cluster belongs to its majority domain. Let {@code T} be the
 * number of distinct terms the clusters offer, summed over domains, and the share of a domain its
 * items divided by the items of the domains that offer any term. A domain gets
 * {@code round(T x share)} terms, at least 1 and at most what its clusters offer (what a domain
 * cannot use is not handed to another, so a minor domain never speaks louder than its share). They
 * are picked round-robin over the domain's clusters, most recent cluster first: the best term of
 * each cluster, then the second best of each, and so on; a term already picked in the domain is
 * skipped.
 *
 * <p><b>Text.</b> Domains with any of the user's items, largest share first, each written as
 * {@code Name (P% of items): t1, t2; t3.}: the picked terms of each cluster in score order, clusters
 * separated by {@code "; "} most recent first. A domain whose items have no title is written
 * {@code Name (P% of items).}: the ratio is still information. The whole text is cut at
 * {@code maxChars}.
 */
final class ExtractiveProfile {

    private ExtractiveProfile() {
    }

    /** Returns the domain names as profiles write them (one line, cut), by domain index. */
    static List<String> domainNames(ItemCatalog catalog) {
        List<String> names = new ArrayList<>();
        for (Domain d : catalog.domains()) {
            names.add(ProfilePrompts.domainName(d.name()));
        }
        return names;
    }

    /**
     * Writes the profile of one user; empty for an empty history.
     *
     * @param domainNames see {@link #domainNames}
     */
    static String render(UserClusters user, List<String> domainNames, TitleTerms titleTerms, int termsPerCluster, int maxChars) {
        if (user.length() == 0) {
            return "";
        }
        int domains = domainNames.size();
        List<UserClusters.Cluster> clusters = user.clusters();
        List<List<String>> ranked = new ArrayList<>(clusters.size());
        List<Set<String>> offered = new ArrayList<>(domains);
        for (int d = 0; d < domains; d++) {
            offered.add(new LinkedHashSet<>());
        }
        for (UserClusters.Cluster c : clusters) {
            List<String> terms = salientTerms(c.items(), titleTerms, termsPerCluster);
            ranked.add(terms);
            offered.get(c.domain()).addAll(terms);
        }
        int[] available = new int[domains];
        int[] counts = new int[domains];
        for (int d = 0; d < domains; d++) {
            available[d] = offered.get(d).size();
            counts[d] = user.count(d);
        }
        int[] quota = quotas(available, counts);

        StringBuilder text = new StringBuilder();
        for (int d : user.domainsByShare()) {
            // Round-robin over this domain's clusters (most recent first), best terms first.
            List<List<String>> picked = new ArrayList<>();
            List<Integer> members = new ArrayList<>();
            for (int c = 0; c < clusters.size(); c++) {
                if (clusters.get(c).domain() == d) {
                    members.add(c);
                    picked.add(new ArrayList<>());
                }
            }
            Set<String> taken = new LinkedHashSet<>();
            for (int rank = 0; taken.size() < quota[d] && rank < termsPerCluster; rank++) {
                for (int m = 0; m < members.size() && taken.size() < quota[d]; m++) {
                    List<String> terms = ranked.get(members.get(m));
                    if (rank < terms.size() && taken.add(terms.get(rank))) {
                        picked.get(m).add(terms.get(rank));
                    }
                }
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(domainNames.get(d)).append(" (").append(user.percent(d)).append(" of items)");
            String separator = ": ";
            for (List<String> terms : picked) {
                if (!terms.isEmpty()) {
                    text.append(separator).append(String.join(", ", terms));
                    separator = "; ";
                }
            }
            text.append('.');
        }
        // Terms are runs of letters and names are flattened: the text is one line already.
        return text.length() <= maxChars ? text.toString() : PromptText.fit(text.toString(), maxChars);
    }

    /**
     * The terms each domain gets (see the class comment).
     *
     * @param available distinct terms the domain's clusters offer, per domain
     * @param counts the user's items per domain
     */
    static int[] quotas(int[] available, int[] counts) {
        long total = 0;
        long items = 0;
        for (int d = 0; d < available.length; d++) {
            total += available[d];
            if (available[d] > 0) {
                items += counts[d];
            }
        }
        int[] quota = new int[available.length];
        for (int d = 0; d < available.length; d++) {
            if (available[d] > 0) {
                long share = Math.round((double) total * counts[d] / items);
                quota[d] = (int) Math.min(available[d], Math.max(1, share));
            }
        }
        return quota;
    }

    /** The top terms of a cluster's titles by tf x idf, ties by term. */
    static List<String> salientTerms(int[] items, TitleTerms titleTerms, int limit) {
        int total = 0;
        for (int item : items) {
            total += titleTerms.termsOf(item).length;
        }
        // Term ids of all titles, sorted: each run is one term, its length the term's tf.
        int[] ids = new int[total];
        int at = 0;
        for (int item : items) {
            int[] terms = titleTerms.termsOf(item);
            System.arraycopy(terms, 0, ids, at, terms.length);
            at += terms.length;
        }
        Arrays.sort(ids);
        List<int[]> counted = new ArrayList<>();
        for (int from = 0; from < total; ) {
            int to = from;
            while (to < total && ids[to] == ids[from]) {
                to++;
            }
            counted.add(new int[] {ids[from], to - from});
            from = to;
        }
        counted.sort(Comparator.comparingDouble((int[] c) -> -c[1] * titleTerms.idf(c[0])).thenComparing(c -> titleTerms.term(c[0])));
        List<String> out = new ArrayList<>(Math.min(limit, counted.size()));
        for (int k = 0; k < counted.size() && k < limit; k++) {
            out.add(titleTerms.term(counted.get(k)[0]));
        }
        return out;
    }
}
