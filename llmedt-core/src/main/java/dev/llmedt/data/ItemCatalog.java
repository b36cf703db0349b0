package dev.llmedt.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The domains of a dataset and all their items, addressed by global id {@code 0..size()-1}.
 *
 * <p>Domains own consecutive id blocks in index order: domain 0 starts at id 0 and domain
 * {@code d+1} starts where domain {@code d} ends.
 */
public final class ItemCatalog {

    private final List<Domain> domains;
    private final Item[] items;
    private final Map<String, Domain> byName;
    private volatile String fingerprint;

    /**
     * Creates a catalog.
     *
     * @param domains the domains in index order, covering {@code items} without gaps
     * @param items every item, indexed by global id
     * @throws IllegalArgumentException when domains and items do not line up
     */
    public ItemCatalog(List<Domain> domains, List<Item> items) {
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a catalog needs at least one domain");
        }
        this.domains = List.copyOf(domains);
        this.items = items.toArray(new Item[0]);
        this.byName = new HashMap<>();
        int next = 0;
        for (int d = 0; d < this.domains.size(); d++) {
            Domain domain = this.domains.get(d);
            if (domain.index() != d) {
                throw new IllegalArgumentException("domain '" + domain.name() + "' has index " + domain.index() + " but is at position " + d);
            }
            if (domain.firstItem() != next) {
                throw new IllegalArgumentException("domain '" + domain.name() + "' starts at item " + domain.firstItem() + ", expected " + next);
            }
            if (byName.put(domain.name(), domain) != null) {
                throw new IllegalArgumentException("duplicate domain name '" + domain.name() + "'");
            }
            next = domain.endItem();
        }
        if (next != this.items.length) {
            throw new IllegalArgumentException("domains cover " + next + " items but " + this.items.length + " were given");
        }
        for (int i = 0; i < this.items.length; i++) {
            Item item = this.items[i];
            if (item.id() != i) {
                throw new IllegalArgumentException("item at position " + i + " has id " + item.id());
            }
            if (!this.domains.get(item.domain()).contains(i)) {
                throw new IllegalArgumentException("item " + i + " says domain " + item.domain() + " but its id is outside that domain's range");
            }
        }
    }

    /** Returns the domains in index order. */
    public List<Domain> domains() {
        return domains;
    }

    /** Returns the domain with the given name. */
    public Domain domain(String name) {
        Domain d = byName.get(name);
        if (d == null) {
            throw new NoSuchElementException("no domain named '" + name + "'; domains are " + domainNames());
        }
        return d;
    }

    /** Returns the domain names in index order. */
    public List<String> domainNames() {
        List<String> names = new ArrayList<>();
        for (Domain d : domains) {
            names.add(d.name());
        }
        return Collections.unmodifiableList(names);
    }

    /** Returns the number of items over all domains. */
    public int size() {
        return items.length;
    }

    /** Returns whether the id names an item of this catalog. */
    public boolean isItem(int id) {
        return id >= 0 && id < items.length;
    }

    /** Returns the item with a global id. */
    public Item item(int id) {
        checkItem(id);
        return items[id];
    }

    /** Returns the domain an item belongs to. */
    public Domain domainOf(int id) {
        checkItem(id);
        return domains.get(items[id].domain());
    }

    /** Returns the number of items that have no text at all. */
    public int itemsWithoutText() {
        int n = 0;
        for (Item item : items) {
            if (!item.hasText()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Returns a SHA-256 (hex) over the item table: the domains (name, first id, size) and every
     * item's global id, domain, external id (an ASIN, a CSV key) and text fields (names and values,
     * in order). Two catalogs with the same fingerprint hold the same items under the same ids; a
     * catalog whose items are reordered, renamed or retitled has another one, even at the same sizes.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = computeFingerprint();
            fingerprint = f;
        }
        return f;
    }

    private String computeFingerprint() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[4];
        for (Domain d : domains) {
            update(md, d.name(), buf);
            update(md, d.firstItem(), buf);
            update(md, d.size(), buf);
        }
        for (Item item : items) {
            update(md, item.id(), buf);
            update(md, item.domain(), buf);
            update(md, item.externalId(), buf);
            update(md, item.text().size(), buf);
            for (Map.Entry<String, String> field : item.text().entrySet()) {
                update(md, field.getKey(), buf);
                update(md, field.getValue(), buf);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hashes a string length-prefixed, so that no two sequences of strings hash alike by concatenation. */
    private static void update(MessageDigest md, String s, byte[] buf) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        update(md, bytes.length, buf);
        md.update(bytes);
    }

    private static void update(MessageDigest md, int v, byte[] buf) {
        buf[0] = (byte) v;
        buf[1] = (byte) (v >>> 8);
        buf[2] = (byte) (v >>> 16);
        buf[3] = (byte) (v >>> 24);
        md.update(buf);
    }

    private void checkItem(int id) {
        if (id < 0 || id >= items.length) {
            throw new NoSuchElementException("unknown item id " + id + "; ids are 0.." + (items.length - 1));
        }
    }
}
