package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer: counts the n-grams of a pool in each row of tokens and weights the counts.
 *
 * <p>The pool ({@code pool_int64s} or {@code pool_strings}) lists the n-grams by length:
 * {@code ngram_counts[n-1]} is where the n-grams of length n start. The k-th n-gram of the pool
 * (over all lengths) lands in output column {@code ngram_indexes[k]}. An n-gram is taken from a
 * row at every start position and every skip {@code s <= max_skip_count} (its tokens
 * {@code s + 1} apart); unigrams once, since skips do not change them. Only lengths in
 * {@code [min_gram_length, max_gram_length]} are counted.
 */
final class TfIdfVectorizer {
    private TfIdfVectorizer() {
    }

    static Tensor[] run(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        if (x.dataType() != DataType.STRING && x.dataType() != DataType.INT32 && x.dataType() != DataType.INT64) {
            throw new InvalidInputException(node + ": input must be string, int32 or int64, got " + x);
        }
        if (x.rank() > 2 || x.rank() == 2 && x.dim(0) < 1) {
            throw new InvalidInputException(node + ": input must be [C] or [B, C] with B > 0, got " + x);
        }
        int minN = (int) node.attrInt("min_gram_length", 1);
        int maxN = (int) node.attrInt("max_gram_length", 1);
        int maxSkip = (int) node.attrInt("max_skip_count", 0);
        String mode = node.attrString("mode", "TF");
        long[] counts = node.attrInts("ngram_counts", new long[0]);
        long[] indexes = node.attrInts("ngram_indexes", new long[0]);
        float[] weights = node.attrFloats("weights", new float[0]);
        List<Object> pool = pool(node);
        Map<List<Object>, Integer> grams = grams(node, pool, counts, minN, maxN);
        int width = 0;
        for (long ix : indexes) {
            width = (int) Math.max(width, ix + 1);
        }
        int rows = x.rank() == 2 ? (int) x.dim(0) : 1;
        int cols = x.rank() == 0 ? 1 : (int) x.dim(-1);
        double[] freq = new double[rows * width];
        List<Object> key = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int n = Math.max(minN, 1); n <= maxN; n++) {
                for (int skip = 0; skip <= (n == 1 ? 0 : maxSkip); skip++) {
                    int step = skip + 1;
                    for (int s = 0; s + (n - 1) * step < cols; s++) {
                        key.clear();
                        for (int j = 0; j < n; j++) {
                            key.add(token(x, r * cols + s + j * step));
                        }
                        Integer id = grams.get(key);
                        if (id != null) {
                            if (id >= indexes.length) {
                                throw new InvalidInputException(node + ": n-gram " + id + " has no entry in ngram_indexes");
                            }
                            freq[r * width + (int) indexes[id]]++;
                        }
                    }
                }
            }
        }
        Tensor y = ctx.allocate(DataType.FLOAT, x.rank() == 2 ? new long[] {rows, width} : new long[] {width});
        for (int i = 0; i < freq.length; i++) {
            y.setDouble(i, weigh(node, mode, freq[i], weights, i % width));
        }
        return new Tensor[] {y};
    }

    private static double weigh(Node node, String mode, double f, float[] w, int col) {
        switch (mode) {
            case "TF": return f;
            case "IDF": return f > 0 ? (w.length > 0 ? w[col] : 1) : 0;
            case "TFIDF": return w.length > 0 ? w[col] * f : f;
            default: throw new InvalidInputException(node + ": mode must be TF, IDF or TFIDF, got '" + mode + "'");
        }
    }

    private static Object token(Tensor x, int i) {
        return x.dataType() == DataType.STRING ? x.strings()[i] : (Object) x.getLong(i);
    }

    private static List<Object> pool(Node node) {
        List<Object> pool = new ArrayList<>();
        long[] ints = node.attrInts("pool_int64s", null);
        List<String> strings = node.attrStrings("pool_strings");
        if (ints != null) {
            for (long v : ints) {
                pool.add(v);
            }
        } else if (strings != null) {
            pool.addAll(strings);
        } else {
            throw new InvalidInputException(node + ": needs pool_int64s or pool_strings");
        }
        return pool;
    }

    /** The pool's n-grams of counted length, each mapped to its position k among all n-grams. */
    private static Map<List<Object>, Integer> grams(Node node, List<Object> pool, long[] counts, int minN, int maxN) {
        Map<List<Object>, Integer> grams = new HashMap<>();
        int id = 0;
        for (int i = 0; i < counts.length; i++) {
            int n = i + 1;
            int start = (int) counts[i];
            int end = i + 1 < counts.length ? (int) counts[i + 1] : pool.size();
            if (start < 0 || end > pool.size() || end < start || (end - start) % n != 0) {
                throw new InvalidInputException(node + ": ngram_counts " + Arrays.toString(counts) + " do not fit a pool of "
                        + pool.size() + " items");
            }
            for (int p = start; p < end; p += n, id++) {
                if (n >= minN && n <= maxN) {
                    grams.put(List.copyOf(pool.subList(p, p + n)), id);
                }
            }
        }
        return grams;
    }
}
