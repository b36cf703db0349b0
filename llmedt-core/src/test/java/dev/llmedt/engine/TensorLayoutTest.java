package dev.llmedt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmedt.dualphase.LlmEdtModel;
import dev.llmedt.testing.SyntheticModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The names {@link TensorLayout} gives are exactly those of trained models' files. */
class TensorLayoutTest {
    private static final int BLOCKS = 2;

    private static List<String> backbone() {
        List<String> names = new ArrayList<>(List.of(TensorLayout.POSITION_EMBEDDING));
        for (int i = 0; i < BLOCKS; i++) {
            TensorLayout.Block b = TensorLayout.block(i);
            for (String prefix : List.of(b.attentionNorm(), b.outProjection(), b.feedForwardNorm(), b.feedForward(1), b.feedForward(2))) {
                names.add(prefix + TensorLayout.WEIGHT);
                names.add(prefix + TensorLayout.BIAS);
            }
            names.add(b.inProjectionWeight());
            names.add(b.inProjectionBias());
        }
        names.add(TensorLayout.LAST_NORM_WEIGHT);
        names.add(TensorLayout.LAST_NORM_BIAS);
        return names;
    }

    @Test
    void sasRecFileHoldsExactlyTheBackboneNames() {
        Set<String> expected = new TreeSet<>(backbone());
        expected.add(TensorLayout.ITEM_EMBEDDING);
        assertEquals(expected, new TreeSet<>(SyntheticModels.sasrec().tensorNames()));
    }

    @Test
    void llmEdtFileHoldsTheBackboneItemTowerAndDomainThreadNames() {
        LlmEdtModel model = SyntheticModels.llmEdt();
        Set<String> actual = new TreeSet<>(model.tensorNames());
        Set<String> expected = new TreeSet<>(backbone());
        expected.add(TensorLayout.ITEM_ID_TABLE);
        expected.add(TensorLayout.PCA_MEAN);
        expected.add(TensorLayout.PCA_COMPONENTS);
        int domains = SyntheticModels.DATA.domains().size();
        for (int d = 0; d < domains; d++) {
            expected.add(TensorLayout.domainPositions(d));
            for (String layer : List.of("w1.", "w2.")) {
                expected.add(TensorLayout.domainAdapter(d) + layer + TensorLayout.WEIGHT);
                expected.add(TensorLayout.domainAdapter(d) + layer + TensorLayout.BIAS);
            }
            expected.add(TensorLayout.domainGate(d));
        }
        assertTrue(actual.containsAll(expected), () -> "missing " + minus(expected, actual));
        Set<String> rest = minus(actual, expected);
        rest.removeIf(n -> n.equals(TensorLayout.ITEM_EMBEDDING) || n.startsWith(TensorLayout.ITEM_ADAPTER) || isProfileAdapter(n, domains));
        assertEquals(Set.of(), rest, "names the layout does not give");
        assertTrue(actual.stream().anyMatch(n -> n.startsWith(TensorLayout.ITEM_ADAPTER)), "the hybrid model has an item adapter");
    }

    private static boolean isProfileAdapter(String name, int domains) {
        for (int d = 0; d < domains; d++) {
            if (name.startsWith(TensorLayout.profileAdapter(d))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> r = new TreeSet<>(a);
        r.removeAll(b);
        return r;
    }
}
