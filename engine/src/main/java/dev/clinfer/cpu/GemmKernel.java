package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;

import java.util.Arrays;

/**
 * The float32 GEMM core of the Java CPU path: {@code C = alpha * op(A) * op(B) + beta * C} on
 * row-major {@code float[]} slices. MatMul, Gemm, Conv and ConvTranspose all call it.
 *
 * <p>Two implementations, one picked once when this class loads: {@link GemmVector} on the Vector
 * API when the JVM was started with {@code --add-modules jdk.incubator.vector}, else
 * {@link GemmScalar}, loops C2 auto-vectorises. {@code -Dclinfer.gemm.scalar=true} forces the
 * scalar one (tests run both). {@link GemmVector} is only ever named behind {@link #VECTOR}, so
 * without the module no class of it loads.
 */
public final class GemmKernel {
    /** Whether the Vector API kernel is in use. */
    public static final boolean VECTOR = detect();
    /** Below this many columns a dot-product loop beats packing B (and a pre-packed B does not pay). */
    public static final int SMALL_N = 8;
    /** Below this many rows (vector path) each row is a sum of B rows, without packing. */
    static final int SMALL_M = 4;

    /** One spare A-packing buffer per thread (see {@link GemmPackedB#take} for why it is emptied). */
    private static final ThreadLocal<float[]> SPARE_A = new ThreadLocal<>();

    private GemmKernel() {
    }

    private static boolean detect() {
        if (Boolean.getBoolean("clinfer.gemm.scalar")) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return GemmVector.usable();
        } catch (Throwable e) {
            // LinkageError and the like: the module is there but unusable; the scalar path works.
            return false;
        }
    }

    /** @return a one-line description of the kernel in use (for logs and {@code info}) */
    public static String describe() {
        if (VECTOR) {
            return "Vector API GEMM (" + GemmVector.L * 32 + "-bit float vectors, " + GemmVector.MR + "x"
                    + GemmVector.NR + " micro-kernel)";
        }
        return Boolean.getBoolean("clinfer.gemm.scalar") ? "scalar GEMM (forced by -Dclinfer.gemm.scalar)"
                : "scalar GEMM (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernel)";
    }

    /**
     * {@code C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C}. With {@code beta == 0}
     * C is overwritten (NaNs in C do not propagate). A and B must not overlap C.
     *
     * @param m      rows of op(A) and C
     * @param n      columns of op(B) and C
     * @param k      columns of op(A), rows of op(B)
     * @param alpha  scale of the product
     * @param a      A elements
     * @param aOff   offset of A[0][0]
     * @param lda    row stride of A as stored (k when not transposed, m when transposed)
     * @param transA whether A is stored as k x m
     * @param b      B elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride of B as stored (n when not transposed, k when transposed)
     * @param transB whether B is stored as n x k
     * @param beta   scale of the old C
     * @param c      C elements
     * @param cOff   offset of C[0][0]
     * @param ldc    row stride of C
     * @param ctx    pool to split the work over, or null to run on the calling thread
     */
    public static void sgemm(int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, boolean transA,
                             float[] b, int bOff, int ldb, boolean transB,
                             float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        if (!VECTOR) {
            GemmScalar.sgemm(m, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, beta, c, cOff, ldc, ctx);
            return;
        }
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scaleRows(c, cOff, ldc, m, n, beta);
            return;
        }
        if (n < SMALL_N || (m < SMALL_M && !transA)) {
            GemmVectorSmall.sgemm(m, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, beta, c, cOff, ldc,
                    ctx);
            return;
        }
        float[] ap = packATemp(m, k, alpha, a, aOff, lda, transA, ctx);
        if (beta != 0f && beta != 1f) {
            scaleRows(c, cOff, ldc, m, n, beta);
        }
        GemmVector.multiply(m, n, k, ap, null, GemmBSource.matrix(b, bOff, ldb, transB, k, n), c, cOff, ldc,
                beta != 0f, null, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, null, ctx);
        releaseATemp(ap);
    }

    /** Packs {@code alpha * op(A)} into this thread's spare buffer (hand it back with {@link #releaseATemp}). */
    private static float[] packATemp(int m, int k, float alpha, float[] a, int aOff, int lda, boolean transA,
                                     ExecContext ctx) {
        int size = GemmVector.packedASize(m, k);
        float[] ap = SPARE_A.get();
        if (ap != null && ap.length >= size) {
            SPARE_A.set(null);
        } else {
            ap = new float[size];
        }
        int panels = (m + GemmVector.MR - 1) / GemmVector.MR;
        final float[] dst = ap;
        if (ctx == null || (long) m * k < (1 << 16)) {
            GemmVector.packA(a, aOff, lda, transA, m, k, alpha, dst, 0, panels);
        } else {
            ctx.parallelFor(panels, (long) GemmVector.MR * k,
                    (s, e) -> GemmVector.packA(a, aOff, lda, transA, m, k, alpha, dst, s, e));
        }
        return ap;
    }

    private static void releaseATemp(float[] ap) {
        if (ap.length <= (4 << 20)) {
            SPARE_A.set(ap);
        }
    }

    /**
     * {@code C[m x n] = alpha * A[m x k] * B + beta * C} with B already packed.
     *
     * @param m     rows of A and C
     * @param alpha scale of the product
     * @param a     A elements, row-major
     * @param aOff  offset of A[0][0]
     * @param lda   row stride of A
     * @param b     packed B ({@code k x n})
     * @param beta  scale of the old C (0: overwrite)
     * @param c     C elements
     * @param cOff  offset of C[0][0]
     * @param ldc   row stride of C
     * @param ctx   pool, or null
     */
    public static void sgemmPacked(int m, float alpha, float[] a, int aOff, int lda, GemmPackedB b,
                                   float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        sgemmPacked(m, alpha, a, aOff, lda, false, b, beta, c, cOff, ldc, ctx);
    }

    /**
     * {@code C[m x n] = alpha * op(A)[m x k] * B + beta * C} with B already packed.
     *
     * @param m      rows of op(A) and C
     * @param alpha  scale of the product
     * @param a      A elements
     * @param aOff   offset of A[0][0]
     * @param lda    row stride of A as stored
     * @param transA whether A is stored as k x m
     * @param b      packed B ({@code k x n})
     * @param beta   scale of the old C (0: overwrite)
     * @param c      C elements
     * @param cOff   offset of C[0][0]
     * @param ldc    row stride of C
     * @param ctx    pool, or null
     */
    public static void sgemmPacked(int m, float alpha, float[] a, int aOff, int lda, boolean transA, GemmPackedB b,
                                   float beta, float[] c, int cOff, int ldc, ExecContext ctx) {
        int k = b.k();
        int n = b.n();
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scaleRows(c, cOff, ldc, m, n, beta);
            return;
        }
        if (!b.isVector()) {
            if (transA) {
                a = transpose(a, aOff, lda, k, m);
                aOff = 0;
                lda = k;
            }
            GemmScalar.sgemmPacked(m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, ctx);
            return;
        }
        if (beta != 0f && beta != 1f) {
            scaleRows(c, cOff, ldc, m, n, beta);
        }
        if (m == 1) {
            float[] row = new float[k];
            for (int kk = 0; kk < k; kk++) {
                row[kk] = alpha * a[aOff + (transA ? kk * lda : kk)];
            }
            GemmVectorRow.multiply(n, k, row, b.flat(), c, cOff, beta != 0f, ctx);
            return;
        }
        float[] ap = packATemp(m, k, alpha, a, aOff, lda, transA, ctx);
        GemmVector.multiply(m, n, k, ap, b.flat(), null, c, cOff, ldc, beta != 0f, null, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, null, ctx);
        releaseATemp(ap);
    }

    /**
     * {@code C[m x n] = A * B (+ C when add)}, then per row {@code + rowBias[i]}, then a clamp to
     * {@code [lo, hi]}: Conv's whole epilogue (bias, Relu, Clip) in the GEMM's cache-hot tiles.
     *
     * @param a       packed A ({@code m x k})
     * @param b       packed B ({@code k x n})
     * @param c       C elements
     * @param cOff    offset of C[0][0]
     * @param ldc     row stride of C
     * @param add     add the product to C instead of overwriting it
     * @param rowBias per-row bias ({@code m} values), or null
     * @param lo      lower clamp ({@code Float.NEGATIVE_INFINITY} for none)
     * @param hi      upper clamp ({@code Float.POSITIVE_INFINITY} for none)
     * @param ctx     pool, or null
     */
    public static void multiply(GemmPackedA a, GemmPackedB b, float[] c, int cOff, int ldc, boolean add,
                                float[] rowBias, float lo, float hi, ExecContext ctx) {
        int m = a.m();
        int n = b.n();
        int k = a.k();
        if (b.k() != k) {
            throw new IllegalArgumentException("packed A is " + m + "x" + k + " but packed B is " + b.k() + "x" + n);
        }
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k == 0) {
            if (!add) {
                scaleRows(c, cOff, ldc, m, n, 0f);
            }
        } else if (a.isVector() && b.isVector()) {
            GemmVector.multiply(m, n, k, a.data(), b.flat(), null, c, cOff, ldc, add, rowBias, lo, hi, null, ctx);
            return;
        } else {
            GemmScalar.sgemmPacked(m, 1f, a.data(), 0, k, b, add ? 1f : 0f, c, cOff, ldc, ctx);
        }
        if (rowBias != null || lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY) {
            epilogue(m, n, c, cOff, ldc, rowBias, lo, hi);
        }
    }

    /**
     * {@link #multiply(GemmPackedA, GemmPackedB, float[], int, int, boolean, float[], float, float, ExecContext)}
     * with B produced block by block by {@code b} (e.g. im2col), never materialised whole on the
     * vector path.
     *
     * @param a       packed A ({@code m x k})
     * @param b       B source ({@code k x n})
     * @param c       C elements
     * @param cOff    offset of C[0][0]
     * @param ldc     row stride of C
     * @param add     add the product to C instead of overwriting it
     * @param rowBias per-row bias ({@code m} values), or null
     * @param lo      lower clamp ({@code Float.NEGATIVE_INFINITY} for none)
     * @param hi      upper clamp ({@code Float.POSITIVE_INFINITY} for none)
     * @param ctx     pool, or null
     */
    public static void multiply(GemmPackedA a, GemmBSource b, float[] c, int cOff, int ldc, boolean add,
                                float[] rowBias, float lo, float hi, ExecContext ctx) {
        multiply(a, b, c, cOff, ldc, add, rowBias, lo, hi, null, ctx);
    }

    /**
     * {@link #multiply(GemmPackedA, GemmBSource, float[], int, int, boolean, float[], float, float, ExecContext)}
     * with {@code tail} run on each finished block of C after the bias and clamp (on the vector
     * path while the block is in cache; on the scalar path once over all of C).
     *
     * @param a       packed A ({@code m x k})
     * @param b       B source ({@code k x n})
     * @param c       C elements
     * @param cOff    offset of C[0][0]
     * @param ldc     row stride of C
     * @param add     add the product to C instead of overwriting it
     * @param rowBias per-row bias ({@code m} values), or null
     * @param lo      lower clamp ({@code Float.NEGATIVE_INFINITY} for none)
     * @param hi      upper clamp ({@code Float.POSITIVE_INFINITY} for none)
     * @param tail    further epilogue, or null
     * @param ctx     pool, or null
     */
    public static void multiply(GemmPackedA a, GemmBSource b, float[] c, int cOff, int ldc, boolean add,
                                float[] rowBias, float lo, float hi, GemmEpilogue tail, ExecContext ctx) {
        if (!hasWork(a, b)) {
            return;
        }
        int m = a.m();
        int n = b.n();
        int k = a.k();
        if (k > 0 && a.isVector()) {
            GemmVector.multiply(m, n, k, a.data(), null, b, c, cOff, ldc, add, rowBias, lo, hi, tail, ctx);
            return;
        }
        GemmPackedB pb = GemmPackedB.take(k, n);
        // Row blocks of B as plain row-major strips (one panel as wide as B), copied into the packing.
        int strip = Math.max(1, Math.min(k, (1 << 16) / Math.max(1, n)));
        int strips = (k + strip - 1) / strip;
        runRange(ctx, strips, (long) strip * n, (s, e) -> {
            float[] rows = new float[strip * n];
            for (int st = s; st < e; st++) {
                int k0 = st * strip;
                int kc = Math.min(strip, k - k0);
                b.pack(k0, kc, 0, n, n, rows);
                for (int kk = 0; kk < kc; kk++) {
                    pb.setRow(k0 + kk, rows, kk * n);
                }
            }
        });
        multiply(a, pb, c, cOff, ldc, add, rowBias, lo, hi, ctx);
        pb.release();
        if (tail != null) {
            tail.apply(c, cOff, ldc, 0, m, 0, n);
        }
    }

    /**
     * {@link #multiply(GemmPackedA, GemmBSource, float[], int, int, boolean, float[], float, float, GemmEpilogue,
     * ExecContext)} with C in a buffer: on the vector path each finished tile goes straight into
     * {@code sink}; elsewhere C is built in an array and stored once.
     *
     * @param a       packed A ({@code m x k})
     * @param b       B source ({@code k x n})
     * @param sink    where C goes (and what it starts from, when it has an addend)
     * @param rowBias per-row bias ({@code m} values), or null
     * @param lo      lower clamp ({@code Float.NEGATIVE_INFINITY} for none)
     * @param hi      upper clamp ({@code Float.POSITIVE_INFINITY} for none)
     * @param tail    further epilogue, or null
     * @param ctx     pool, or null
     */
    public static void multiply(GemmPackedA a, GemmBSource b, GemmSink sink, float[] rowBias, float lo, float hi,
                                GemmEpilogue tail, ExecContext ctx) {
        if (!hasWork(a, b)) {
            return;
        }
        int m = a.m();
        int n = b.n();
        int k = a.k();
        if (k > 0 && a.isVector()) {
            GemmVector.multiply(m, n, k, a.data(), null, b, null, 0, n, sink, false, rowBias, lo, hi, tail, ctx);
            return;
        }
        float[] c = new float[m * n];
        if (sink.adds()) {
            sink.load(0, m, 0, n, c, 0, n);
        }
        multiply(a, b, c, 0, n, sink.adds(), rowBias, lo, hi, tail, ctx);
        sink.store(0, m, 0, n, c, 0, n);
    }

    /** @return whether C has elements; throws when A's depth is not B's */
    private static boolean hasWork(GemmPackedA a, GemmBSource b) {
        if (b.k() != a.k()) {
            throw new IllegalArgumentException("packed A is " + a.m() + "x" + a.k() + " but B is " + b.k() + "x" + b.n());
        }
        return a.m() > 0 && b.n() > 0;
    }

    private static void epilogue(int m, int n, float[] c, int cOff, int ldc, float[] rowBias, float lo, float hi) {
        for (int i = 0; i < m; i++) {
            float bias = rowBias == null ? 0f : rowBias[i];
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = Math.min(hi, Math.max(lo, c[row + j] + bias));
            }
        }
    }

    private static void runRange(ExecContext ctx, int count, long cost, dev.clinfer.ops.RangeBody body) {
        if (ctx == null) {
            body.run(0, count);
        } else {
            ctx.parallelFor(count, cost, body);
        }
    }

    /** C rows times beta (0: cleared, so NaNs do not survive). */
    static void scaleRows(float[] c, int cOff, int ldc, int m, int n, float beta) {
        for (int i = 0; i < m; i++) {
            int off = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, off, off + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[off + j] *= beta;
                }
            }
        }
    }

    /**
     * @param src  matrix elements
     * @param off  offset of element [0][0]
     * @param ld   row stride
     * @param rows rows of the stored matrix
     * @param cols columns of the stored matrix
     * @return a new {@code cols x rows} row-major array holding the transpose
     */
    public static float[] transpose(float[] src, int off, int ld, int rows, int cols) {
        float[] t = new float[rows * cols];
        final int blk = 32;
        for (int r0 = 0; r0 < rows; r0 += blk) {
            int r1 = Math.min(rows, r0 + blk);
            for (int c0 = 0; c0 < cols; c0 += blk) {
                int c1 = Math.min(cols, c0 + blk);
                for (int r = r0; r < r1; r++) {
                    int s = off + r * ld;
                    for (int q = c0; q < c1; q++) {
                        t[q * rows + r] = src[s + q];
                    }
                }
            }
        }
        return t;
    }
}
