package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.floats;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.ints;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static dev.clinfer.ops.ControlFlowTestSupport.s;
import static dev.clinfer.ops.ControlFlowTestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StringNormalizer and TfIdfVectorizer against hand-computed values. */
class StringOpsTest {
    private static final OpRegistry REG = new OpRegistry();

    static {
        StringOps.register(REG);
    }

    private static Tensor run(String op, Tensor x, Attribute... attrs) {
        Node n = node(op, 10, List.of("x"), List.of("y"), attrs);
        return REG.find("", op).run(n, new Tensor[] {x}, CTX)[0];
    }

    private static Tensor strs(String... v) {
        return Tensor.ofStrings(v, v.length);
    }

    @Test
    void normalizerDropsStopwordsThenChangesCase() {
        Tensor x = strs("monday", "tuesday", "Monday", "wednesday");
        Tensor y = run("StringNormalizer", x, strings("stopwords", "monday"), i("is_case_sensitive", 1),
                s("case_change_action", "LOWER"));
        assertArrayEquals(new String[] {"tuesday", "monday", "wednesday"}, y.strings());
        assertArrayEquals(new long[] {3}, y.shape());
        Tensor insensitive = run("StringNormalizer", x, strings("stopwords", "MONDAY"), s("case_change_action", "UPPER"));
        assertArrayEquals(new String[] {"TUESDAY", "WEDNESDAY"}, insensitive.strings());
        Tensor unchanged = run("StringNormalizer", x);
        assertArrayEquals(x.strings(), unchanged.strings());
    }

    @Test
    void normalizerKeepsOneEmptyStringWhenAllAreDropped() {
        Tensor y = run("StringNormalizer", strs("monday", "monday"), strings("stopwords", "monday"));
        assertArrayEquals(new long[] {1}, y.shape());
        assertArrayEquals(new String[] {""}, y.strings());
        Tensor two = run("StringNormalizer", Tensor.ofStrings(new String[] {"monday"}, 1, 1),
                strings("stopwords", "monday"));
        assertArrayEquals(new long[] {1, 1}, two.shape());
        Tensor kept = run("StringNormalizer", Tensor.ofStrings(new String[] {"a", "monday", "b"}, 1, 3),
                strings("stopwords", "monday"), s("case_change_action", "UPPER"));
        assertArrayEquals(new long[] {1, 2}, kept.shape());
        assertArrayEquals(new String[] {"A", "B"}, kept.strings());
        assertThrows(InvalidInputException.class,
                () -> run("StringNormalizer", Tensor.ofStrings(new String[] {"a", "b"}, 2, 1)));
    }

    /** Pool: unigrams 2, 3, 5, 4 (ids 0-3), bigrams (5,6), (7,8), (6,7) (ids 4-6). */
    private static Attribute[] pool(int minN, int maxN, int skip, String mode, Attribute... extra) {
        Attribute[] base = {i("min_gram_length", minN), i("max_gram_length", maxN), i("max_skip_count", skip),
            s("mode", mode), ints("ngram_counts", 0, 4), ints("ngram_indexes", 0, 1, 2, 3, 4, 5, 6),
            ints("pool_int64s", 2, 3, 5, 4, 5, 6, 7, 8, 6, 7)};
        Attribute[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static final Tensor ROW = Tensor.ofInts(new int[] {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8}, 12);

    @Test
    void tfIdfCountsBigramsWithoutSkips() {
        // Adjacent pairs of the row that are in the pool: (7,8), (6,7), (5,6), once each.
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1}, run("TfIdfVectorizer", ROW, pool(2, 2, 0, "TF")).toFloatArray());
        // Unigrams too: 3 appears three times, 5 once.
        assertArrayEquals(new float[] {0, 3, 1, 0, 1, 1, 1}, run("TfIdfVectorizer", ROW, pool(1, 2, 0, "TF")).toFloatArray());
    }

    @Test
    void tfIdfCountsSkippedBigramsOnce() {
        // (7,8) occurs at positions (5,6) gap 0, (5,11) gap 5 and (8,11) gap 2; unigrams are not
        // recounted per skip.
        assertArrayEquals(new float[] {0, 3, 1, 0, 1, 3, 1}, run("TfIdfVectorizer", ROW, pool(1, 2, 5, "TF")).toFloatArray());
        // A skip of 4 misses the (5,11) pair.
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 1}, run("TfIdfVectorizer", ROW, pool(2, 2, 4, "TF")).toFloatArray());
    }

    @Test
    void tfIdfBatchesAndWeights() {
        Tensor batch = Tensor.ofLongs(new long[] {5, 6, 3, 3, 7, 8, 2, 2}, 2, 4);
        Tensor y = run("TfIdfVectorizer", batch, pool(1, 2, 0, "TF"));
        assertArrayEquals(new long[] {2, 7}, y.shape());
        assertArrayEquals(new float[] {0, 2, 1, 0, 1, 0, 0, 2, 0, 0, 0, 0, 1, 0}, y.toFloatArray());
        Attribute w = floats("weights", 1, 2, 3, 4, 5, 6, 7);
        assertArrayEquals(new float[] {0, 4, 3, 0, 5, 0, 0, 2, 0, 0, 0, 0, 6, 0},
                run("TfIdfVectorizer", batch, pool(1, 2, 0, "TFIDF", w)).toFloatArray());
        assertArrayEquals(new float[] {0, 2, 3, 0, 5, 0, 0, 1, 0, 0, 0, 0, 6, 0},
                run("TfIdfVectorizer", batch, pool(1, 2, 0, "IDF", w)).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0},
                run("TfIdfVectorizer", batch, pool(1, 2, 0, "IDF")).toFloatArray());
    }

    @Test
    void tfIdfOnStrings() {
        Attribute[] attrs = {i("min_gram_length", 1), i("max_gram_length", 2), i("max_skip_count", 0), s("mode", "TF"),
            ints("ngram_counts", 0, 2), ints("ngram_indexes", 1, 0, 2),
            strings("pool_strings", "a", "b", "a", "b")};
        // Unigram "a" -> column 1, "b" -> column 0, bigram (a,b) -> column 2.
        Tensor y = run("TfIdfVectorizer", strs("a", "b", "b", "a", "b"), attrs);
        assertArrayEquals(new float[] {3, 2, 2}, y.toFloatArray());
    }
}
