package dev.llmedt.sasrec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.llmedt.EpochSummary;
import dev.llmedt.TrainingListener;
import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.SyntheticDataset;
import org.junit.jupiter.api.Test;

/**
 * Golden fixed-seed training traces: the loss and the validation NDCG@10 of every epoch, bit for
 * bit, in mixed and single-domain mode, the same with 1, 2 and 3 threads. First recorded from the
 * SASRec trainer of commit 2f3a3ea (the one the README's SASRec figures come from), whose traces
 * depended on the thread count; re-recorded when each batch was split into chunks decided by the
 * batch alone and summed in chunk order (one trace for every thread count). The validation NDCG@10
 * of every epoch is the same as 2f3a3ea's, and the losses differ from its 1- and 2-thread ones by
 * at most 2e-9 (relative), as much as those two differed from each other. A change of the training
 * arithmetic shows here.
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
        String golden = "0x1.6a0cfed45039dp0 0x1.c308df969d993p-4 0x1.6314fadab5f95p0 0x1.f7bd497186bfp-4 0x1.5d06e1a0bc2dfp0 "
                + "0x1.eed41f0538dffp-4";
        for (int threads = 1; threads <= 3; threads++) {
            assertEquals(golden, trace(null, threads), threads + " threads");
        }
    }

    @Test
    void singleDomain() {
        String golden = "0x1.6e0185bd44807p0 0x1.e63b62a77a48ap-6 0x1.632b2af623436p0 0x1.0268ae4b6b79cp-4 0x1.5c68f8715ba75p0 "
                + "0x1.5ff2993f57989p-4";
        for (int threads = 1; threads <= 3; threads++) {
            assertEquals(golden, trace("Kitchen", threads), threads + " threads");
        }
    }
}
