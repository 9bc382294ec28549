package dev.clinfer.cpu;

import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.RangeBody;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 GEMM on the Vector API ({@code jdk.incubator.vector}): a register-blocked
 * {@value #MR} x {@code 2 * lanes} micro-kernel (16 accumulators, one broadcast A element and
 * two B vectors a step, all fused multiply-adds) over packed operands.
 *
 * <p>Only {@link GemmKernel} touches this class, and only after it found the module in the boot
 * layer: loading it without the module would fail, so nothing else may name it.
 *
 * <p>Layouts. Packed A: row panels of {@value #MR} rows, panel {@code i} at {@code i * k * MR},
 * element (kk, r) at {@code + kk * MR + r}, rows past m zero. Packed B: column panels of
 * {@link #NR} columns, panel {@code j} at {@code j * k * NR}, element (kk, c) at
 * {@code + kk * NR + c}, columns past n zero. Both span all of k, so a k block is an offset.
 */
final class GemmVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();
    /** Rows of the micro-tile. */
    static final int MR = 8;
    /** Columns of the micro-tile (two vectors). */
    static final int NR = 2 * L;
    /** Depth of a k block: a 256 x NR B micro-panel stays in L1/L2 while MC/MR A panels stream by. */
    static final int KC = Integer.getInteger("clinfer.gemm.kc", 256);
    /** Rows of C per tile at one thread (a multiple of MR): the A block, MC x KC, sits in L2. */
    static final int MC = Integer.getInteger("clinfer.gemm.mc", 256) / MR * MR;
    /** Columns of C per tile (a multiple of NR): the B block, KC x NC, sits in L2/L3. */
    static final int NC = Integer.getInteger("clinfer.gemm.nc", 1024) / NR * NR;

    private GemmVector() {
    }

    /** @return true when the preferred species is wide enough to pay off */
    static boolean usable() {
        return L >= 4;
    }

    /** @param m rows @param k depth @return floats a packed A of that size takes */
    static int packedASize(int m, int k) {
        return ((m + MR - 1) / MR) * MR * k;
    }

    /** @param k depth @param n columns @return floats a packed B of that size takes */
    static int packedBSize(int k, int n) {
        return ((n + NR - 1) / NR) * NR * k;
    }

    /**
     * Packs row panels {@code [p0, p1)} of {@code alpha * op(A)} into {@code dst}.
     *
     * @param a      elements
     * @param aOff   offset of A[0][0]
     * @param lda    row stride as stored
     * @param transA whether A is stored k x m
     * @param m      rows of op(A)
     * @param k      columns of op(A)
     * @param alpha  scale folded into the packed values
     * @param dst    at least {@link #packedASize} floats
     * @param p0     first panel
     * @param p1     one past the last panel
     */
    static void packA(float[] a, int aOff, int lda, boolean transA, int m, int k, float alpha, float[] dst,
                      int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int i0 = p * MR;
            int rows = Math.min(MR, m - i0);
            int base = p * k * MR;
            if (rows < MR) {
                java.util.Arrays.fill(dst, base, base + k * MR, 0f);
            }
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + r) * lda;
                    int d = base + r;
                    if (alpha == 1f) {
                        for (int kk = 0; kk < k; kk++, d += MR) {
                            dst[d] = a[src + kk];
                        }
                    } else {
                        for (int kk = 0; kk < k; kk++, d += MR) {
                            dst[d] = alpha * a[src + kk];
                        }
                    }
                }
            } else {
                for (int kk = 0; kk < k; kk++) {
                    int src = aOff + kk * lda + i0;
                    int d = base + kk * MR;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = alpha * a[src + r];
                    }
                }
            }
        }
    }

    /**
     * Packs column panels {@code [p0, p1)} of {@code op(B)} into {@code dst}.
     *
     * @param b      elements
     * @param bOff   offset of B[0][0]
     * @param ldb    row stride as stored
     * @param transB whether B is stored n x k
     * @param k      rows of op(B)
     * @param n      columns of op(B)
     * @param dst    at least {@link #packedBSize} floats
     * @param p0     first panel
     * @param p1     one past the last panel
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int k, int n, float[] dst, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int j0 = p * NR;
            int w = Math.min(NR, n - j0);
            int base = p * k * NR;
            if (!transB) {
                if (w == NR) {
                    for (int kk = 0; kk < k; kk++) {
                        int src = bOff + kk * ldb + j0;
                        int d = base + kk * NR;
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else {
                    for (int kk = 0; kk < k; kk++) {
                        int d = base + kk * NR;
                        System.arraycopy(b, bOff + kk * ldb + j0, dst, d, w);
                        java.util.Arrays.fill(dst, d + w, d + NR, 0f);
                    }
                }
            } else {
                if (w < NR) {
                    java.util.Arrays.fill(dst, base, base + k * NR, 0f);
                }
                for (int c = 0; c < w; c++) {
                    int src = bOff + (j0 + c) * ldb;
                    int d = base + c;
                    for (int kk = 0; kk < k; kk++, d += NR) {
                        dst[d] = b[src + kk];
                    }
                }
            }
        }
    }

    /**
     * {@code C[m x n] (+)= A * B} with A packed and B either packed whole ({@code bp}) or packed
     * block by block from {@code src} into a per-thread buffer that stays in L2; then per row
     * {@code + rowBias[i]} and a clamp to {@code [lo, hi]} when asked.
     *
     * @param m       rows
     * @param n       columns
     * @param k       depth
     * @param ap      packed A
     * @param bp      packed B, or null to pack from {@code src}
     * @param src     B source when {@code bp} is null
     * @param c       C elements
     * @param cOff    offset of C[0][0]
     * @param ldc     row stride of C
     * @param add     add to C (true) or overwrite it (false)
     * @param rowBias per-row bias, or null
     * @param lo      lower clamp (-inf for none)
     * @param hi      upper clamp (+inf for none)
     * @param tail    run on each finished tile after bias and clamp, or null
     * @param ctx     pool, or null for the calling thread
     */
    static void multiply(int m, int n, int k, float[] ap, float[] bp, GemmBSource src, float[] c, int cOff, int ldc,
                         boolean add, float[] rowBias, float lo, float hi, GemmEpilogue tail, ExecContext ctx) {
        multiply(m, n, k, ap, bp, src, c, cOff, ldc, null, add, rowBias, lo, hi, tail, ctx);
    }

    /**
     * {@link #multiply(int, int, int, float[], float[], GemmBSource, float[], int, int, boolean, float[], float,
     * float, GemmEpilogue, ExecContext)} with C in {@code sink} when it is not null (then {@code c},
     * {@code cOff}, {@code ldc} and {@code add} are not used): each tile is computed in a per-thread
     * array, finished there and stored.
     */
    static void multiply(int m, int n, int k, float[] ap, float[] bp, GemmBSource src, float[] c, int cOff, int ldc,
                         GemmSink sink, boolean add, float[] rowBias, float lo, float hi, GemmEpilogue tail,
                         ExecContext ctx) {
        int rowPanels = (m + MR - 1) / MR;
        int colPanels = (n + NR - 1) / NR;
        int threads = ctx == null ? 1 : ctx.threads();
        int mcPanels = Math.max(1, MC / MR);
        int ncPanels = Math.max(1, NC / NR);
        if (threads > 1) {
            // Enough tiles for the pool to balance (4 a thread): split columns first (each
            // thread then packs its own B blocks, no two the same), rows when columns run out.
            long want = 4L * threads;
            while ((long) ceilDiv(rowPanels, mcPanels) * ceilDiv(colPanels, ncPanels) < want && ncPanels > 1) {
                ncPanels = (ncPanels + 1) / 2;
            }
            while ((long) ceilDiv(rowPanels, mcPanels) * ceilDiv(colPanels, ncPanels) < want && mcPanels > 1) {
                mcPanels = (mcPanels + 1) / 2;
            }
        }
        final int mcp = mcPanels;
        final int ncp = ncPanels;
        final int rowTiles = ceilDiv(rowPanels, mcp);
        final int colTiles = ceilDiv(colPanels, ncp);
        final int tiles = rowTiles * colTiles;
        final boolean epi = rowBias != null || lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        final boolean accumulate = sink != null ? sink.adds() : add;
        // With one k block and nothing to add, bias and clamp go into the kernel's registers.
        final boolean fuse = epi && !accumulate && k <= KC;
        RangeBody body = (t0, t1) -> {
            float[] scratch = new float[MR * NR];
            float[] block = bp != null ? null : takeBlock(SPARE_BLOCK, Math.min(KC, k) * ncp * NR);
            // With a sink, C of one tile lives in this array, indexed as if it were all of C.
            int ldt = Math.min(n, ncp * NR);
            float[] tileC = sink == null ? c : takeBlock(SPARE_TILE, Math.min(m, mcp * MR) * ldt);
            for (int t = t0; t < t1; t++) {
                int rt = t % rowTiles;
                int ct = t / rowTiles;
                int ip0 = rt * mcp;
                int ip1 = Math.min(rowPanels, ip0 + mcp);
                int jp0 = ct * ncp;
                int jp1 = Math.min(colPanels, jp0 + ncp);
                int i0 = ip0 * MR;
                int i1 = Math.min(m, ip1 * MR);
                int j0 = jp0 * NR;
                int j1 = Math.min(n, jp1 * NR);
                int tOff = cOff;
                int tLd = ldc;
                if (sink != null) {
                    tLd = ldt;
                    tOff = -(i0 * ldt + j0);
                    if (accumulate) {
                        sink.load(i0, i1, j0, j1, tileC, tOff, tLd);
                    }
                }
                tile(m, n, k, ip0, ip1, jp0, jp1, ap, bp, src, block, tileC, tOff, tLd, accumulate, scratch,
                        fuse, rowBias, lo, hi);
                if (epi && !fuse) {
                    epilogue(i0, i1, j0, j1, tileC, tOff, tLd, rowBias, lo, hi);
                }
                if (tail != null) {
                    tail.apply(tileC, tOff, tLd, i0, i1, j0, j1);
                }
                if (sink != null) {
                    sink.store(i0, i1, j0, j1, tileC, tOff, tLd);
                }
            }
            if (block != null) {
                SPARE_BLOCK.set(block);
            }
            if (sink != null) {
                SPARE_TILE.set(tileC);
            }
        };
        if (ctx == null || tiles == 1) {
            body.run(0, tiles);
        } else {
            ctx.parallelFor(tiles, 2L * mcp * MR * ncp * NR * k, body);
        }
    }

    /** One spare B block per thread (emptied while in use, so a nested GEMM gets its own). */
    private static final ThreadLocal<float[]> SPARE_BLOCK = new ThreadLocal<>();
    /** One spare C tile per thread for GEMMs into a {@link GemmSink}, kept the same way. */
    private static final ThreadLocal<float[]> SPARE_TILE = new ThreadLocal<>();

    private static float[] takeBlock(ThreadLocal<float[]> spare, int size) {
        float[] b = spare.get();
        if (b != null && b.length >= size) {
            spare.set(null);
            return b;
        }
        return new float[size];
    }

    private static void tile(int m, int n, int k, int ip0, int ip1, int jp0, int jp1, float[] ap, float[] bp,
                             GemmBSource src, float[] block, float[] c, int cOff, int ldc, boolean add,
                             float[] scratch, boolean fuse, float[] rowBias, float lo, float hi) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean acc = add || pc > 0;
            float[] b;
            int panelStride;
            int base;
            if (bp != null) {
                b = bp;
                panelStride = k * NR;
                base = pc * NR;
            } else {
                src.pack(pc, kc, jp0 * NR, Math.min(n, jp1 * NR), NR, block);
                b = block;
                panelStride = kc * NR;
                base = -jp0 * panelStride;
            }
            for (int jp = jp0; jp < jp1; jp++) {
                int j0 = jp * NR;
                int w = Math.min(NR, n - j0);
                int bo = base + jp * panelStride;
                for (int ip = ip0; ip < ip1; ip++) {
                    int i0 = ip * MR;
                    int rows = Math.min(MR, m - i0);
                    int ao = ip * k * MR + pc * MR;
                    if (rows == MR && w == NR && fuse) {
                        GemmVectorFused.kernel8x2(kc, ap, ao, b, bo, c, cOff + i0 * ldc + j0, ldc, rowBias, i0,
                                lo, hi);
                    } else if (rows == MR && w == NR) {
                        if (acc) {
                            kernel8x2Acc(kc, ap, ao, b, bo, c, cOff + i0 * ldc + j0, ldc);
                        } else {
                            kernel8x2(kc, ap, ao, b, bo, c, cOff + i0 * ldc + j0, ldc);
                        }
                    } else if (rows == MR && w == L && !fuse) {
                        if (acc) {
                            kernel8x1Acc(kc, ap, ao, b, bo, c, cOff + i0 * ldc + j0, ldc);
                        } else {
                            kernel8x1(kc, ap, ao, b, bo, c, cOff + i0 * ldc + j0, ldc);
                        }
                    } else {
                        if (w <= L) {
                            kernel8x1(kc, ap, ao, b, bo, scratch, 0, NR);
                        } else {
                            kernel8x2(kc, ap, ao, b, bo, scratch, 0, NR);
                        }
                        for (int r = 0; r < rows; r++) {
                            int cr = cOff + (i0 + r) * ldc + j0;
                            int sr = r * NR;
                            if (acc) {
                                for (int j = 0; j < w; j++) {
                                    c[cr + j] += scratch[sr + j];
                                }
                            } else {
                                System.arraycopy(scratch, sr, c, cr, w);
                            }
                        }
                        if (fuse) {
                            // The fused kernel's bias and clamp, for this edge micro-tile alone.
                            epilogue(i0, i0 + rows, j0, j0 + w, c, cOff, ldc, rowBias, lo, hi);
                        }
                    }
                }
            }
        }
    }

    private static void epilogue(int i0, int i1, int j0, int j1, float[] c, int cOff, int ldc, float[] rowBias,
                                 float lo, float hi) {
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        for (int i = i0; i < i1; i++) {
            float bias = rowBias == null ? 0f : rowBias[i];
            FloatVector vb = FloatVector.broadcast(S, bias);
            int row = cOff + i * ldc;
            int j = j0;
            for (; j + L <= j1; j += L) {
                FloatVector.fromArray(S, c, row + j).add(vb).max(vlo).min(vhi).intoArray(c, row + j);
            }
            for (; j < j1; j++) {
                c[row + j] = Math.min(hi, Math.max(lo, c[row + j] + bias));
            }
        }
    }

    /**
     * C[8 x 2L] = A panel (kc x 8) * B panel (kc x NR), B read with stride NR. Accumulating into C
     * is {@link #kernel8x2Acc}: with both in one method C2 sometimes ran out of inlining budget and
     * left a few vector stores un-intrinsified (boxed), which made every GEMM of that JVM 1.5-5x
     * slower for its whole life (seen in about one JVM in four).
     */
    static void kernel8x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ao += MR;
            bo += NR;
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    /**
     * {@link #kernel8x2} adding its product to C: the accumulators start from C (a later k block, a
     * residual). Loads first rather than adds at the end: fewer vector nodes, and with them C2 kept
     * failing to intrinsify some stores now and then.
     */
    static void kernel8x2Acc(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co);
        FloatVector c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, co + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
        FloatVector c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
        FloatVector c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(S, c, co + 6 * ldc);
        FloatVector c61 = FloatVector.fromArray(S, c, co + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(S, c, co + 7 * ldc);
        FloatVector c71 = FloatVector.fromArray(S, c, co + 7 * ldc + L);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ao += MR;
            bo += NR;
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    /** C[8 x L] = A panel * the first L columns of a B panel (adding: {@link #kernel8x1Acc}). */
    static void kernel8x1(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            c0 = FloatVector.broadcast(S, a[ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ao + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ao + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ao + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ao + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ao + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ao + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ao + 7]).fma(b0, c7);
            ao += MR;
            bo += NR;
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /** {@link #kernel8x1} adding its product to C (the accumulators start from C). */
    static void kernel8x1Acc(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector c0 = FloatVector.fromArray(S, c, co);
        FloatVector c1 = FloatVector.fromArray(S, c, co + ldc);
        FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * ldc);
        FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * ldc);
        FloatVector c4 = FloatVector.fromArray(S, c, co + 4 * ldc);
        FloatVector c5 = FloatVector.fromArray(S, c, co + 5 * ldc);
        FloatVector c6 = FloatVector.fromArray(S, c, co + 6 * ldc);
        FloatVector c7 = FloatVector.fromArray(S, c, co + 7 * ldc);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            c0 = FloatVector.broadcast(S, a[ao]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ao + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ao + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ao + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ao + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ao + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[ao + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[ao + 7]).fma(b0, c7);
            ao += MR;
            bo += NR;
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /** @return the dot product of {@code x[xo..xo+k)} and {@code y[yo..yo+k)} */
    static float dot(float[] x, int xo, float[] y, int yo, int k) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        int i = 0;
        for (; i + 2 * L <= k; i += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
            s1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), s1);
        }
        for (; i + L <= k; i += L) {
            s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            s += x[xo + i] * y[yo + i];
        }
        return s;
    }

    /** {@code y[yo..yo+n) += s * x[xo..xo+n)}. */
    static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int j = 0;
        for (; j + L <= n; j += L) {
            vs.fma(FloatVector.fromArray(S, x, xo + j), FloatVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            y[yo + j] += s * x[xo + j];
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
