package dev.llmedt.testing;

import dev.llmedt.data.Domain;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small in-memory catalogs for tests. */
public final class TinyData {

    private TinyData() {
    }

    /** A catalog with domains D0, D1, ... of the given sizes; item titles are "item N". */
    public static ItemCatalog catalog(int... sizes) {
        List<Domain> domains = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        int offset = 0;
        for (int d = 0; d < sizes.length; d++) {
            domains.add(new Domain(d, "D" + d, offset, sizes[d]));
            for (int i = 0; i < sizes[d]; i++) {
                items.add(new Item(offset + i, d, "x" + (offset + i), Map.of(Item.TITLE, "item " + (offset + i))));
            }
            offset += sizes[d];
        }
        return new ItemCatalog(domains, items);
    }
}
