package dev.llmedt.data;

import java.io.IOException;

/**
 * Reads a {@link CdsrDataset} from some source, validating as it goes.
 *
 * <p>Implementations fail with a {@link MalformedDataException} naming the file, the line and the
 * reason for anything they cannot interpret, and count (in the dataset's {@link ReadReport}) and
 * log every record they deliberately skip or filter.
 */
@FunctionalInterface
public interface DatasetReader {

    /**
     * Reads the dataset.
     *
     * @throws MalformedDataException when the input is malformed
     * @throws IOException when it cannot be read
     */
    CdsrDataset read() throws IOException;
}
