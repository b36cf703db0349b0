package dev.llmedt.data;

import java.util.Arrays;

/**
 * An immutable, time-ordered sequence of global item ids (oldest first), possibly empty.
 *
 * <p>Used for training sequences, the input of an evaluation case and the history a
 * {@code Recommender} scores. Equality is by content.
 */
public final class History {

    private static final History EMPTY = new History(new int[0]);

    private final int[] items;

    private History(int[] items) {
        this.items = items;
    }

    /** Returns a history holding a copy of the given ids. */
    public static History of(int... items) {
        return items.length == 0 ? EMPTY : new History(items.clone());
    }

    /** Returns the empty history. */
    public static History empty() {
        return EMPTY;
    }

    /** Wraps an array the caller promises never to modify again. */
    static History wrap(int[] items) {
        return items.length == 0 ? EMPTY : new History(items);
    }

    /** Returns the number of items. */
    public int length() {
        return items.length;
    }

    /** Returns whether the history has no items. */
    public boolean isEmpty() {
        return items.length == 0;
    }

    /** Returns the item at a position, 0 = oldest. */
    public int item(int position) {
        return items[position];
    }

    /** Returns the most recent item. */
    public int last() {
        if (items.length == 0) {
            throw new IllegalStateException("the history is empty");
        }
        return items[items.length - 1];
    }

    /** Returns a copy of the ids. */
    public int[] toArray() {
        return items.clone();
    }

    /** Copies the ids into {@code dest} at {@code offset}. */
    public void copyTo(int[] dest, int offset) {
        System.arraycopy(items, 0, dest, offset, items.length);
    }

    /** Returns the first {@code length} items as a history. */
    public History prefix(int length) {
        if (length < 0 || length > items.length) {
            throw new IndexOutOfBoundsException("prefix length " + length + " outside [0, " + items.length + "]");
        }
        return length == items.length ? this : wrap(Arrays.copyOf(items, length));
    }

    /** Returns whether the history contains the item. */
    public boolean contains(int item) {
        for (int i : items) {
            if (i == item) {
                return true;
            }
        }
        return false;
    }

    /** Returns the number of items that belong to the domain. */
    public int countIn(Domain domain) {
        int n = 0;
        for (int i : items) {
            if (domain.contains(i)) {
                n++;
            }
        }
        return n;
    }

    /** Returns the items that belong to the domain, in order. */
    public History restrictTo(Domain domain) {
        int n = countIn(domain);
        if (n == items.length) {
            return this;
        }
        int[] out = new int[n];
        int k = 0;
        for (int i : items) {
            if (domain.contains(i)) {
                out[k++] = i;
            }
        }
        return wrap(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof History h && Arrays.equals(items, h.items);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return Arrays.toString(items);
    }
}
