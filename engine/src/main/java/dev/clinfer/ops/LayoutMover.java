package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Moves elements between two tensors of the same element type without interpreting them:
 * data-movement ops only copy bits, so one implementation per element width (1, 2, 4, 8 bytes,
 * strings) serves every dtype. The inner loop lives in the subclass so that it stays
 * monomorphic; callers drive the outer loops.
 */
public abstract class LayoutMover {
    LayoutMover() {
    }

    /**
     * @param src source tensor
     * @param dst destination tensor of the same type
     * @return a mover between them
     */
    public static LayoutMover of(Tensor src, Tensor dst) {
        if (src.dataType() != dst.dataType()) {
            throw new InvalidInputException("cannot move " + src + " into " + dst + ": element types differ");
        }
        if (src.dataType() == DataType.STRING) {
            return new Strings(src.strings(), dst.strings());
        }
        switch (src.dataType().byteSize()) {
            case 1: return new Bytes(src.buffer(), dst.buffer());
            case 2: return new Shorts(src.buffer().asShortBuffer(), dst.buffer().asShortBuffer());
            case 4: return new Ints(src.buffer().asIntBuffer(), dst.buffer().asIntBuffer());
            case 8: return new Longs(src.buffer().asLongBuffer(), dst.buffer().asLongBuffer());
            default: throw new InvalidInputException("cannot move elements of type " + src.dataType());
        }
    }

    /**
     * Copies {@code n} elements: {@code dst[d + k*ds] = src[s + k*ss]} for k in [0, n).
     *
     * @param s  first source index
     * @param ss source stride (may be 0 or negative)
     * @param d  first destination index
     * @param ds destination stride
     * @param n  element count
     */
    public abstract void run(int s, int ss, int d, int ds, int n);

    /**
     * Gathers: {@code dst[d + k] = src[map[m + k]]} for k in [0, n).
     *
     * @param map source indices
     * @param m   first entry of map to use
     * @param d   first destination index
     * @param n   element count
     */
    public abstract void gather(int[] map, int m, int d, int n);

    /** @param s source index @param d destination index */
    public void one(int s, int d) {
        run(s, 1, d, 1, 1);
    }

    /**
     * Transposes one small block: {@code dst[d + k*dk + l] = src[s + k + l*sl]} for k in
     * [0, nk), l in [0, nl). The source is contiguous along k, the destination along l.
     *
     * @param s  source index of (0, 0)
     * @param sl source stride of l
     * @param d  destination index of (0, 0)
     * @param dk destination stride of k
     * @param nk block height (at most {@link LayoutCopy#TILE})
     * @param nl block width (at most {@link LayoutCopy#TILE})
     */
    public void block(int s, int sl, int d, int dk, int nk, int nl) {
        for (int k = 0; k < nk; k++) {
            run(s + k, sl, d + k * dk, 1, nl);
        }
    }

    private static final class Bytes extends LayoutMover {
        private final ByteBuffer src;
        private final ByteBuffer dst;

        Bytes(ByteBuffer src, ByteBuffer dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        public void run(int s, int ss, int d, int ds, int n) {
            if (ss == 1 && ds == 1) {
                dst.put(d, src, s, n);
                return;
            }
            for (int k = 0; k < n; k++, s += ss, d += ds) {
                dst.put(d, src.get(s));
            }
        }

        @Override
        public void gather(int[] map, int m, int d, int n) {
            for (int k = 0; k < n; k++) {
                dst.put(d + k, src.get(map[m + k]));
            }
        }
    }

    private static final class Shorts extends LayoutMover {
        private final ShortBuffer src;
        private final ShortBuffer dst;

        Shorts(ShortBuffer src, ShortBuffer dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        public void run(int s, int ss, int d, int ds, int n) {
            if (ss == 1 && ds == 1) {
                dst.put(d, src, s, n);
                return;
            }
            for (int k = 0; k < n; k++, s += ss, d += ds) {
                dst.put(d, src.get(s));
            }
        }

        @Override
        public void gather(int[] map, int m, int d, int n) {
            for (int k = 0; k < n; k++) {
                dst.put(d + k, src.get(map[m + k]));
            }
        }
    }

    private static final class Ints extends LayoutMover {
        private final IntBuffer src;
        private final IntBuffer dst;

        private int[] tile;
        private int[] row;

        Ints(IntBuffer src, IntBuffer dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        public void block(int s, int sl, int d, int dk, int nk, int nl) {
            // Bulk-read source rows, transpose in a local array, bulk-write destination rows:
            // no per-element buffer access and no cache-set aliasing of strided accesses.
            if (tile == null) {
                tile = new int[LayoutCopy.TILE * LayoutCopy.TILE];
                row = new int[LayoutCopy.TILE];
            }
            int t = LayoutCopy.TILE;
            for (int l = 0; l < nl; l++) {
                src.get(s + l * sl, tile, l * t, nk);
            }
            for (int k = 0; k < nk; k++) {
                for (int l = 0; l < nl; l++) {
                    row[l] = tile[l * t + k];
                }
                dst.put(d + k * dk, row, 0, nl);
            }
        }

        @Override
        public void run(int s, int ss, int d, int ds, int n) {
            if (ss == 1 && ds == 1) {
                dst.put(d, src, s, n);
                return;
            }
            for (int k = 0; k < n; k++, s += ss, d += ds) {
                dst.put(d, src.get(s));
            }
        }

        @Override
        public void gather(int[] map, int m, int d, int n) {
            for (int k = 0; k < n; k++) {
                dst.put(d + k, src.get(map[m + k]));
            }
        }
    }

    private static final class Longs extends LayoutMover {
        private final LongBuffer src;
        private final LongBuffer dst;

        private long[] tile;
        private long[] row;

        Longs(LongBuffer src, LongBuffer dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        public void block(int s, int sl, int d, int dk, int nk, int nl) {
            if (tile == null) {
                tile = new long[LayoutCopy.TILE * LayoutCopy.TILE];
                row = new long[LayoutCopy.TILE];
            }
            int t = LayoutCopy.TILE;
            for (int l = 0; l < nl; l++) {
                src.get(s + l * sl, tile, l * t, nk);
            }
            for (int k = 0; k < nk; k++) {
                for (int l = 0; l < nl; l++) {
                    row[l] = tile[l * t + k];
                }
                dst.put(d + k * dk, row, 0, nl);
            }
        }

        @Override
        public void run(int s, int ss, int d, int ds, int n) {
            if (ss == 1 && ds == 1) {
                dst.put(d, src, s, n);
                return;
            }
            for (int k = 0; k < n; k++, s += ss, d += ds) {
                dst.put(d, src.get(s));
            }
        }

        @Override
        public void gather(int[] map, int m, int d, int n) {
            for (int k = 0; k < n; k++) {
                dst.put(d + k, src.get(map[m + k]));
            }
        }
    }

    private static final class Strings extends LayoutMover {
        private final String[] src;
        private final String[] dst;

        Strings(String[] src, String[] dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        public void run(int s, int ss, int d, int ds, int n) {
            if (ss == 1 && ds == 1) {
                System.arraycopy(src, s, dst, d, n);
                return;
            }
            for (int k = 0; k < n; k++, s += ss, d += ds) {
                dst[d] = src[s];
            }
        }

        @Override
        public void gather(int[] map, int m, int d, int n) {
            for (int k = 0; k < n; k++) {
                dst[d + k] = src[map[m + k]];
            }
        }
    }
}
