package dev.llmedt.dualphase;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.llmedt.data.Domain;
import dev.llmedt.engine.Parameter;
import dev.llmedt.engine.ParameterSet;
import dev.llmedt.engine.SasRecNetwork;
import dev.llmedt.engine.SasRecShape;
import dev.llmedt.engine.TensorLayout;
import dev.llmedt.engine.WorkerPool;
import dev.llmedt.training.TrainingSequences;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the frozen domain-thread states are too large for phase 2's memory budget, phase 2 goes on
 * without them (the frozen blocks run in every step, the same model bit for bit:
 * {@code LlmEdtTrainerTest.frozenDomainPositionsStayPhaseOnesAndFrozenStatesAreThePassesTheyReplace}).
 */
class FrozenThreadStatesTest {

    @Test
    void statesOverTheBudgetAreNotMadeAndTheSizeCountsEachDomainsLastWindow() {
        // items 0-4 in domain 0, 5-9 in domain 1; window 3
        List<Domain> domains = List.of(new Domain(0, "A", 0, 5), new Domain(1, "B", 5, 5));
        TrainingSequences sequences = new TrainingSequences(List.of(new int[] {0, 1, 2, 3, 5}, new int[] {6, 7}), domains, 10);
        SasRecShape shape = new SasRecShape(11, 8, 1, 1, 3, 0f, 1e-8f);
        // rows: min(4, 3) + min(1, 3) for the first sequence, 0 + min(2, 3) for the second = 6; 6 x 8 floats
        long bytes = 6 * 8 * Float.BYTES;
        assertNull(FrozenThreadStates.ifTheyFit(shape, null, sequences, 2, null, 0));
        assertNull(FrozenThreadStates.ifTheyFit(shape, null, sequences, 2, null, bytes - 1));
        ParameterSet set = SasRecNetwork.createParameters(shape);
        for (int d = 0; d < 2; d++) {
            set.add(Parameter.matrix(TensorLayout.domainPositions(d), 3, 8));
        }
        try (WorkerPool pool = new WorkerPool(1)) {
            FrozenThreadStates states = FrozenThreadStates.ifTheyFit(shape, set, sequences, 2, pool, bytes);
            assertNotNull(states, "within the budget");
            assertEquals(6, states.rows());
        }
    }
}
