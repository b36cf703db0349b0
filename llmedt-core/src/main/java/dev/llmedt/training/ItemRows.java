package dev.llmedt.training;

import dev.llmedt.engine.ItemTower;
import dev.llmedt.engine.ParameterSet;

/**
 * Which item table rows use a learned ID vector and which the adapted text vector, with the frozen
 * text features. <b>Internal</b>.
 *
 * @param usesId per table row (item id + offset; row 0 is padding)
 * @param usesText per table row
 * @param features frozen text feature rows {@code [tableRows][width]}, or null when no row uses text
 * @param adapterHidden the item adapters' middle width (unused without text)
 * @param adapterOfRow per table row: the index of its adapter in {@code adapterPrefixes}, or null for adapter 0 everywhere
 * @param adapterPrefixes the parameter prefix of each item adapter
 */
public record ItemRows(boolean[] usesId, boolean[] usesText, float[][] features, int adapterHidden, int[] adapterOfRow,
        String[] adapterPrefixes) {

    /** Every row a learned ID vector (SASRec). */
    public static ItemRows idOnly(int tableRows) {
        boolean[] id = new boolean[tableRows];
        java.util.Arrays.fill(id, 1, tableRows, true);
        return new ItemRows(id, new boolean[tableRows], null, 0, null, new String[] {ItemTower.ADAPTER});
    }

    /** Returns whether some row uses its ID vector. */
    public boolean anyId() {
        for (boolean b : usesId) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether some row uses its text vector. */
    public boolean anyText() {
        for (boolean b : usesText) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /** A tower over these rows, reading the ID table {@code idTable} of the set. */
    public ItemTower tower(ParameterSet set, String idTable, int width, int capacity) {
        return new ItemTower(set, idTable, anyText() ? features : null, usesText, usesId, adapterOfRow, adapterPrefixes, width, capacity);
    }
}
