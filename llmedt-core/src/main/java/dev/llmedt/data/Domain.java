package dev.llmedt.data;

import dev.llmedt.check.Require;
import java.util.Objects;

/**
 * A domain of a cross-domain dataset (for example "Food" or "Kitchen"): a name and the contiguous
 * range of global item ids that belong to it.
 *
 * <p>Item ids are global across domains and every domain owns one contiguous block
 * {@code [firstItem, firstItem + size)}, so "the items of a domain" is a range, never a lookup.
 *
 * @param index position of the domain in its dataset, from 0
 * @param name display name, unique within the dataset
 * @param firstItem global id of the domain's first item
 * @param size number of items in the domain (at least 1)
 */
public record Domain(int index, String name, int firstItem, int size) {

    /** Validates the fields. */
    public Domain {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("domain name must not be blank");
        }
        Require.atLeast("domain index", index, 0);
        Require.atLeast("firstItem", firstItem, 0);
        if (size < 1) {
            throw new IllegalArgumentException("domain '" + name + "' must have at least 1 item, got " + size);
        }
    }

    /** Returns the global id one past the domain's last item. */
    public int endItem() {
        return firstItem + size;
    }

    /** Returns whether the global item id belongs to this domain. */
    public boolean contains(int item) {
        return item >= firstItem && item < firstItem + size;
    }

    @Override
    public String toString() {
        return name;
    }
}
