package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import org.junit.jupiter.api.Test;

/**
 * Golden fixed-seed training traces: the loss and the validation NDCG@10 of every epoch, bit for
 * bit, in mixed and single-domain mode with 1 and 2 threads. Recorded from the SASRec trainer of
 * commit 2f3a3ea (the one the README's SASRec figures come from), before its step machinery became
 * the LLM-EDT phase-1 machinery, so a change of the training arithmetic shows here.
 */
class SasRecGoldenTraceTest {

    private static final CdsrDataset DATA = SyntheticDataset.generate(new SyntheticDataset.Options(3, 10, 200, 300, 200, 60));

    private static String trace(String domain, int threads) {
        SasRecConfig c = SasRecConfig.builder().dim(16).maxLength(20).batchSize(64).maxEpochs(3).patience(3).seed(9).threads(threads)
                .domain(domain).build();
        StringBuilder sb = new StringBuilder();
        new SasRecTrainer(c, new TrainingListener() {
            @Override
            public void epochFinished(EpochSummary s) {
                sb.append(Double.toHexString(s.loss())).append(' ').append(Double.toHexString(s.validNdcg10())).append(' ');
            }
        }).train(DATA);
        return sb.toString().strip();
    }

    @Test
    void mixedDomains() {
        assertEquals("0x1.6a0cfed96c183p0 0x1.c308df969d993p-4 0x1.6314fadfdf05cp0 0x1.f7bd497186bfp-4 0x1.5d06e19fe9cb9p0 "
                + "0x1.eed41f0538dffp-4", trace(null, 1));
        assertEquals("0x1.6a0cfed537dc6p0 0x1.c308df969d993p-4 0x1.6314fad903e31p0 0x1.f7bd497186bfp-4 0x1.5d06e1a7ec951p0 "
                + "0x1.eed41f0538dffp-4", trace(null, 2));
    }

    @Test
    void singleDomain() {
        assertEquals("0x1.6e0185b93b4bp0 0x1.e63b62a77a48ap-6 0x1.632b2af3e51ecp0 0x1.0268ae4b6b79cp-4 0x1.5c68f8716f501p0 "
                + "0x1.5ff2993f57989p-4", trace("Kitchen", 1));
        assertEquals("0x1.6e0185c3a98cp0 0x1.e63b62a77a48ap-6 0x1.632b2aec4dfd5p0 0x1.0268ae4b6b79cp-4 0x1.5c68f875cdddp0 "
                + "0x1.5ff2993f57989p-4", trace("Kitchen", 2));
    }
}
