package dev.llmedt.spark;

import dev.llmedt.data.CdsrDataset;
import dev.llmedt.data.Domain;
import dev.llmedt.data.EvaluationCase;
import dev.llmedt.data.History;
import dev.llmedt.data.Item;
import dev.llmedt.data.ItemCatalog;
import dev.llmedt.data.UserSequence;
import dev.llmedt.text.ItemEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tables the jobs read and write (Parquet or any DataFrame), their checks, and conversions
 * between them and the core types.
 *
 * <table>
 * <caption>Input tables</caption>
 * <tr><th>table</th><th>columns</th></tr>
 * <tr><td>{@link #ITEMS items}</td><td>{@code item_id int} (global id, 0..n-1, each domain a
 *     contiguous range), {@code domain string}, {@code title string} (empty: no text; null is an
 *     error)</td></tr>
 * <tr><td>{@link #VECTORS vectors}</td><td>{@code item_id int}, {@code vector array<float>} (a unit
 *     vector, or zeros for an item without text; its length is the encoder's dimension, the same in
 *     every row), {@code model_id string} (the encoder's {@link dev.llmedt.text.TextEncoder#modelId()},
 *     the same in every row); what {@link EncodeJob} writes. The id is a column rather than Parquet
 *     metadata because a column survives every read, select, join and union; the jobs that read
 *     vectors refuse vectors of another encoder than the one they are configured with.</td></tr>
 * <tr><td>{@link #SEQUENCES sequences}</td><td>{@code user_index int} (the user's index in training
 *     order: it seeds random insertion and the user cap), {@code source string} (the file or
 *     partition the user comes from), {@code uid string}, {@code items array<int>} (oldest
 *     first)</td></tr>
 * <tr><td>{@link #HISTORIES histories}</td><td>{@code source string}, {@code uid string},
 *     {@code items array<int>}; sequences qualify</td></tr>
 * <tr><td>{@link #CASES cases}</td><td>{@code case_index long} (the case's place, which orders the
 *     report), {@code source string}, {@code uid string}, {@code input array<int>},
 *     {@code target int}</td></tr>
 * </table>
 *
 * <p>Extra columns are allowed and ignored. A missing column or a column of another type fails at
 * once with a message naming the column and the expected schema.
 */
public final class Tables {

    /** Items: {@code item_id int, domain string, title string}. */
    public static final StructType ITEMS = schema(field("item_id", DataTypes.IntegerType), field("domain", DataTypes.StringType),
            field("title", DataTypes.StringType));
    /** Item vectors: {@code item_id int, vector array<float>, model_id string}. */
    public static final StructType VECTORS = schema(field("item_id", DataTypes.IntegerType),
            field("vector", DataTypes.createArrayType(DataTypes.FloatType, false)), field("model_id", DataTypes.StringType));
    /** Training sequences: {@code user_index int, source string, uid string, items array<int>}. */
    public static final StructType SEQUENCES = schema(field("user_index", DataTypes.IntegerType), field("source", DataTypes.StringType),
            field("uid", DataTypes.StringType), field("items", DataTypes.createArrayType(DataTypes.IntegerType, false)));
    /** Histories: {@code source string, uid string, items array<int>}. */
    public static final StructType HISTORIES = schema(field("source", DataTypes.StringType), field("uid", DataTypes.StringType),
            field("items", DataTypes.createArrayType(DataTypes.IntegerType, false)));
    /** Evaluation cases: {@code case_index long, source string, uid string, input array<int>, target int}. */
    public static final StructType CASES = schema(field("case_index", DataTypes.LongType), field("source", DataTypes.StringType),
            field("uid", DataTypes.StringType), field("input", DataTypes.createArrayType(DataTypes.IntegerType, false)),
            field("target", DataTypes.IntegerType));

    private Tables() {
    }

    static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    static StructType schema(StructField... fields) {
        return DataTypes.createStructType(fields);
    }

    /**
     * Checks that {@code table} has every column of {@code expected} with its type (nullability and
     * extra columns aside) and returns it with exactly those columns, in that order.
     *
     * @param what the table's role, for the message (such as {@code items})
     * @throws IllegalArgumentException naming the missing or mistyped column and the expected schema
     */
    public static Dataset<Row> require(Dataset<Row> table, StructType expected, String what) {
        StructType actual = table.schema();
        List<String> names = Arrays.asList(actual.fieldNames());
        org.apache.spark.sql.Column[] columns = new org.apache.spark.sql.Column[expected.size()];
        for (int i = 0; i < expected.size(); i++) {
            StructField want = expected.fields()[i];
            if (!names.contains(want.name())) {
                throw new IllegalArgumentException("the " + what + " table has no column '" + want.name() + "' (" + want.dataType().simpleString()
                        + "); expected " + expected.simpleString() + ", got " + actual.simpleString());
            }
            DataType have = actual.fields()[names.indexOf(want.name())].dataType();
            if (!sameIgnoringNulls(have, want.dataType())) {
                throw new IllegalArgumentException("the " + what + " table's column '" + want.name() + "' is " + have.simpleString() + ", expected "
                        + want.dataType().simpleString() + "; expected schema " + expected.simpleString());
            }
            columns[i] = table.col(want.name());
        }
        return table.select(columns);
    }

    private static boolean sameIgnoringNulls(DataType a, DataType b) {
        if (a instanceof org.apache.spark.sql.types.ArrayType x && b instanceof org.apache.spark.sql.types.ArrayType y) {
            return sameIgnoringNulls(x.elementType(), y.elementType());
        }
        return a.equals(b);
    }

    /** Returns the items of a catalog as rows of {@link #ITEMS}. */
    public static Dataset<Row> items(SparkSession spark, ItemCatalog catalog) {
        List<Row> rows = new ArrayList<>(catalog.size());
        for (int i = 0; i < catalog.size(); i++) {
            Item item = catalog.item(i);
            rows.add(RowFactory.create(i, catalog.domains().get(item.domain()).name(), item.title()));
        }
        return spark.createDataFrame(rows, ITEMS);
    }

    /** Returns training sequences as rows of {@link #SEQUENCES}, {@code user_index} their place in the list. */
    public static Dataset<Row> sequences(SparkSession spark, List<UserSequence> train) {
        List<Row> rows = new ArrayList<>(train.size());
        for (int u = 0; u < train.size(); u++) {
            UserSequence s = train.get(u);
            rows.add(RowFactory.create(u, s.source(), s.user(), boxed(s.items())));
        }
        return spark.createDataFrame(rows, SEQUENCES);
    }

    /** Returns evaluation cases as rows of {@link #CASES}, {@code case_index} their place in the list. */
    public static Dataset<Row> cases(SparkSession spark, List<EvaluationCase> cases) {
        List<Row> rows = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            EvaluationCase c = cases.get(i);
            rows.add(RowFactory.create((long) i, c.source(), c.user(), boxed(c.input()), c.target()));
        }
        return spark.createDataFrame(rows, CASES);
    }

    /** Writes a dataset's items, train, valid and test tables as Parquet under {@code directory}. */
    public static void writeParquet(SparkSession spark, CdsrDataset data, String directory) {
        items(spark, data.items()).write().mode("overwrite").parquet(directory + "/items");
        sequences(spark, data.train()).write().mode("overwrite").parquet(directory + "/train");
        cases(spark, data.valid()).write().mode("overwrite").parquet(directory + "/valid");
        cases(spark, data.test()).write().mode("overwrite").parquet(directory + "/test");
    }

    static Integer[] boxed(History h) {
        Integer[] out = new Integer[h.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.item(i);
        }
        return out;
    }

    /**
     * Collects the items table to the driver as a catalog.
     *
     * @throws IllegalArgumentException when ids are not 0..n-1, a domain's ids are not contiguous,
     *     or a row has a null id, domain or title (naming the row)
     */
    public static ItemCatalog catalog(Dataset<Row> items) {
        List<Row> rows = new ArrayList<>(require(items, ITEMS, "items").collectAsList());
        // Sorted here rather than by Spark: a catalogue fits the driver, and a sort is two jobs.
        rows.sort(java.util.Comparator.comparingInt((Row r) -> r.isNullAt(0) ? Integer.MIN_VALUE : r.getInt(0)));
        List<Domain> domains = new ArrayList<>();
        List<Item> list = new ArrayList<>(rows.size());
        String current = null;
        int first = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.isNullAt(0)) {
                throw new IllegalArgumentException("items row with domain '" + r.getString(1) + "' and title '" + r.getString(2)
                        + "' has a null item_id");
            }
            int id = r.getInt(0);
            if (id != i) {
                throw new IllegalArgumentException("items row item_id=" + id + ": item ids must be 0.." + (rows.size() - 1)
                        + " without gaps or repeats, " + (id < i ? "item_id " + id + " appears twice" : "item_id " + i + " is missing"));
            }
            if (r.isNullAt(1)) {
                throw new IllegalArgumentException("items row item_id=" + id + " has a null domain");
            }
            if (r.isNullAt(2)) {
                throw new IllegalArgumentException("items row item_id=" + id + " has a null title; use an empty string for an item without text");
            }
            String domain = r.getString(1);
            if (!domain.equals(current)) {
                if (current != null) {
                    domains.add(new Domain(domains.size(), current, first, i - first));
                }
                for (Domain d : domains) {
                    if (d.name().equals(domain)) {
                        throw new IllegalArgumentException("items row item_id=" + id + ": domain " + domain + " has items " + d.firstItem() + ".."
                                + (d.endItem() - 1) + " and again from " + id + "; each domain's ids must be one contiguous range");
                    }
                }
                current = domain;
                first = i;
            }
            String title = r.getString(2);
            list.add(new Item(id, domains.size(), Integer.toString(id), title.isEmpty() ? Map.of() : Map.of(Item.TITLE, title)));
        }
        if (current != null) {
            domains.add(new Domain(domains.size(), current, first, rows.size() - first));
        }
        return new ItemCatalog(domains, list);
    }

    /**
     * Returns the encoder model id of a vectors table (its first row's {@code model_id}); the jobs
     * check that every row has it when they collect the vectors.
     *
     * @throws IllegalArgumentException when the table lacks the column, is empty or the id is null
     */
    public static String modelId(Dataset<Row> vectors) {
        List<Row> first = require(vectors, VECTORS, "vectors").select("item_id", "model_id").limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the vectors table is empty");
        }
        if (first.get(0).isNullAt(1)) {
            throw new IllegalArgumentException("vectors row item_id=" + first.get(0).get(0) + " has a null model_id");
        }
        return first.get(0).getString(1);
    }

    /**
     * Collects the vectors table to the driver as item embeddings of a catalog of {@code items} items.
     *
     * @param modelId the encoder model id the job is configured with: every row's {@code model_id} must be it
     * @throws IllegalArgumentException when an id is unknown, missing or repeated, a vector has another length,
     *     or a row's {@code model_id} is null or not {@code modelId} (naming the row and both ids)
     */
    public static ItemEmbeddings embeddings(Dataset<Row> vectors, int items, String modelId, String template) {
        Checks.present("modelId", modelId);
        List<Row> rows = require(vectors, VECTORS, "vectors").collectAsList();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the vectors table is empty; expected one row per item of " + items);
        }
        int dim = -1;
        float[] matrix = null;
        boolean[] seen = new boolean[items];
        for (Row r : rows) {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("vectors row " + r + " has a null item_id or vector");
            }
            int id = r.getInt(0);
            if (id < 0 || id >= items) {
                throw new IllegalArgumentException("vectors row item_id=" + id + ": unknown item; item ids are 0.." + (items - 1));
            }
            if (r.isNullAt(2)) {
                throw new IllegalArgumentException("vectors row item_id=" + id + " has a null model_id");
            }
            if (!r.getString(2).equals(modelId)) {
                throw new IllegalArgumentException("vectors row item_id=" + id + " was encoded by '" + r.getString(2)
                        + "', but the job is configured for encoder '" + modelId + "'; vectors of one encoder are not comparable with"
                        + " another's: encode the items with '" + modelId + "' or configure the job with '" + r.getString(2) + "'");
            }
            if (seen[id]) {
                throw new IllegalArgumentException("vectors row item_id=" + id + " appears twice");
            }
            seen[id] = true;
            List<Float> v = r.getList(1);
            if (dim < 0) {
                dim = v.size();
                matrix = new float[Math.multiplyExact(items, dim)];
            }
            if (v.size() != dim) {
                throw new IllegalArgumentException("vectors row item_id=" + id + " has " + v.size() + " values, others " + dim);
            }
            for (int j = 0; j < dim; j++) {
                Float x = v.get(j);
                if (x == null) {
                    throw new IllegalArgumentException("vectors row item_id=" + id + " has a null value at " + j);
                }
                matrix[id * dim + j] = x;
            }
        }
        for (int i = 0; i < items; i++) {
            if (!seen[i]) {
                throw new IllegalArgumentException("the vectors table has no row for item_id=" + i + "; encode every item of the catalog");
            }
        }
        return ItemEmbeddings.of(matrix, items, dim, modelId, template);
    }

    /** Reads a non-null int array column, naming the row on nulls and unknown ids. */
    static int[] itemIds(Row r, int column, String what, String key, int itemCount) {
        if (r.isNullAt(column)) {
            throw new IllegalArgumentException(what + " row " + key + " has null " + r.schema().fields()[column].name());
        }
        List<Integer> list = r.getList(column);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Integer x = list.get(i);
            if (x == null) {
                throw new IllegalArgumentException(what + " row " + key + " has a null item at position " + i);
            }
            if (x < 0 || x >= itemCount) {
                throw new IllegalArgumentException(what + " row " + key + " has unknown item " + x + " at position " + i + "; item ids are 0.."
                        + (itemCount - 1));
            }
            out[i] = x;
        }
        return out;
    }

    /** The key naming a user row in messages: {@code source=..., uid=...}. */
    static String userKey(Row r, int source, int uid) {
        return "source=" + r.getString(source) + ", uid=" + r.getString(uid);
    }
}
