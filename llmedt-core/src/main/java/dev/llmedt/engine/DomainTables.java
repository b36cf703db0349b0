package dev.llmedt.engine;

import dev.llmedt.data.Domain;
import java.util.List;
import java.util.function.Predicate;

/**
 * A model's item vectors per domain, feature-major ({@code table(d)[f][localItem]}), the layout the
 * scoring kernels read: made from the item table on first use and again after {@link #invalidate}
 * (the parameters changed during training). Thread-safe. <b>Internal</b>.
 */
public final class DomainTables {

    private final ParameterSet parameters;
    private final List<Domain> domains;
    private final int rowOffset;
    private final int width;
    private final Predicate<Domain> scored;
    private volatile float[][][] tables;
    /** The compact copies made so far, per domain, of {@link #tables} (null until asked for). */
    private volatile ScreeningTable[] screens;

    /**
     * @param rowOffset the item table's row of a domain item is its global id plus this (1: row 0 is padding)
     * @param scored the domains that get a table (the others' stay null)
     */
    public DomainTables(ParameterSet parameters, List<Domain> domains, int rowOffset, int width, Predicate<Domain> scored) {
        this.parameters = parameters;
        this.domains = domains;
        this.rowOffset = rowOffset;
        this.width = width;
        this.scored = scored;
    }

    /** Returns the table of a domain: {@code [f][localItem]}. */
    public float[][] of(Domain domain) {
        float[][][] t = tables;
        if (t == null) {
            synchronized (this) {
                t = tables;
                if (t == null) {
                    float[][] items = parameters.get(SasRecNetwork.ITEMS).value();
                    t = new float[domains.size()][][];
                    for (Domain dom : domains) {
                        if (scored.test(dom)) {
                            t[dom.index()] = Kernels.featureMajor(items, dom.firstItem() + rowOffset, dom.size(), width);
                        }
                    }
                    tables = t;
                }
            }
        }
        return t[domain.index()];
    }

    /**
     * Returns the compact copy of a domain's table for screened top-k selection
     * ({@link TopKScoring#select(float[][], int, int, float[][], ScreeningTable, int, int[][], int, int)}),
     * made on first use (about 1.8 MB and a few milliseconds for 27,637 items of width 64); one that
     * cannot screen when the table holds a value that is not finite.
     */
    public ScreeningTable screen(Domain domain) {
        float[][] table = of(domain);
        ScreeningTable[] s = screens;
        if (s != null && s[domain.index()] != null && s[domain.index()].source == table) {
            return s[domain.index()];
        }
        synchronized (this) {
            s = screens == null ? new ScreeningTable[domains.size()] : screens.clone();
            ScreeningTable made = s[domain.index()];
            if (made == null || made.source != table) {
                made = ScreeningTable.of(table, domain.size(), width);
                s[domain.index()] = made;
                screens = s;
            }
            return made;
        }
    }

    /** Forgets the tables: the next {@link #of} makes them from the current item table. */
    public synchronized void invalidate() {
        tables = null;
        screens = null;
    }
}
