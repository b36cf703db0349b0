package dev.llmedt.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * A partition's rows, read a batch at a time and turned into output rows by one call per batch;
 * the output of a batch is handed out before the next batch is read (a task holds one batch).
 */
final class RowBatches implements Iterator<Row> {

    private final Iterator<Row> rows;
    private final int batchSize;
    private final Function<List<Row>, List<Row>> process;
    private List<Row> out = List.of();
    private int next;

    RowBatches(Iterator<Row> rows, int batchSize, Function<List<Row>, List<Row>> process) {
        this.rows = rows;
        this.batchSize = batchSize;
        this.process = process;
    }

    @Override
    public boolean hasNext() {
        while (next >= out.size()) {
            if (!rows.hasNext()) {
                return false;
            }
            List<Row> batch = new ArrayList<>(batchSize);
            while (rows.hasNext() && batch.size() < batchSize) {
                batch.add(rows.next());
            }
            out = process.apply(batch);
            next = 0;
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return out.get(next++);
    }
}
