package dev.llmedt.spark;

import dev.llmedt.data.Domain;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.text.ItemEmbeddings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What executors need of the items, broadcast once per job: the domains, the titles (when the job
 * renders texts or profiles) and the item vectors as one float array (when the job searches or
 * clusters). Executors rebuild the core types from it once per JVM.
 */
final class ItemSide implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String[] domainNames;
    private final int[] domainSizes;
    private final String[] titles;
    private final float[] vectors;
    private final int dimension;
    private final String modelId;
    private final String template;

    private ItemSide(String[] domainNames, int[] domainSizes, String[] titles, float[] vectors, int dimension, String modelId,
            String template) {
        this.domainNames = domainNames;
        this.domainSizes = domainSizes;
        this.titles = titles;
        this.vectors = vectors;
        this.dimension = dimension;
        this.modelId = modelId;
        this.template = template;
    }

    /** The catalog's domains and, when {@code withTitles}, its titles; with the embeddings' vectors when not null. */
    static ItemSide of(ItemCatalog catalog, boolean withTitles, ItemEmbeddings embeddings) {
        String[] names = new String[catalog.domains().size()];
        int[] sizes = new int[names.length];
        for (Domain d : catalog.domains()) {
            names[d.index()] = d.name();
            sizes[d.index()] = d.size();
        }
        String[] titles = null;
        if (withTitles) {
            titles = new String[catalog.size()];
            for (int i = 0; i < titles.length; i++) {
                titles[i] = catalog.item(i).title();
            }
        }
        return embeddings == null ? new ItemSide(names, sizes, titles, null, 0, null, null)
                : new ItemSide(names, sizes, titles, embeddings.toArray(), embeddings.dimension(), embeddings.modelId(),
                        embeddings.template());
    }

    int itemCount() {
        int n = 0;
        for (int s : domainSizes) {
            n += s;
        }
        return n;
    }

    /** Rebuilds the catalog (titles empty when they were not shipped). */
    ItemCatalog catalog() {
        List<Domain> domains = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        int first = 0;
        for (int d = 0; d < domainNames.length; d++) {
            domains.add(new Domain(d, domainNames[d], first, domainSizes[d]));
            for (int i = first; i < first + domainSizes[d]; i++) {
                String title = titles == null ? "" : titles[i];
                items.add(new Item(i, d, Integer.toString(i), title.isEmpty() ? Map.of() : Map.of(Item.TITLE, title)));
            }
            first += domainSizes[d];
        }
        return new ItemCatalog(domains, items);
    }

    /** The vectors' encoder model id (null without vectors). */
    String modelId() {
        return modelId;
    }

    /** Rebuilds the embeddings. */
    ItemEmbeddings embeddings() {
        if (vectors == null) {
            throw new IllegalStateException("the item vectors were not broadcast");
        }
        return ItemEmbeddings.of(vectors, itemCount(), dimension, modelId, template);
    }
}
