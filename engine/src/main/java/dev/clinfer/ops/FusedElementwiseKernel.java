package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.FusedExpression.Op;
import dev.clinfer.ops.FusedExpression.Step;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Java kernel of {@code dev.clinfer.FusedElementwise}: one pass over the output, in blocks of
 * up to {@link #BLOCK} elements along the innermost collapsed dim. Each block loads every input
 * once (or reads it as a scalar where it is broadcast along that dim), runs the program step by
 * step over small arrays (tight loops the JIT vectorises), and stores the result once.
 */
public final class FusedElementwiseKernel {
    /** Elements per block: small enough that a block's step arrays stay in L1/L2. */
    static final int BLOCK = 1024;

    private FusedElementwiseKernel() {
    }

    /**
     * @param node   the fused node
     * @param in     its inputs (float32)
     * @param ctx    the pool and allocation
     * @return the output
     */
    public static Tensor run(Node node, Tensor[] in, ExecContext ctx) {
        FusedExpression prog = FusedExpression.of(node);
        long[][] shapes = new long[in.length][];
        for (int k = 0; k < in.length; k++) {
            if (in[k] == null || in[k].dataType() != DataType.FLOAT) {
                throw new InvalidInputException(node + ": input " + k + " must be float32, got "
                        + (in[k] == null ? "nothing" : in[k].dataType()));
            }
            shapes[k] = in[k].shape();
        }
        long[] out = in.length == 0 ? new long[0] : OpUtil.broadcastShape(node, shapes);
        Tensor y = ctx.allocate(DataType.FLOAT, out);
        int total = y.numel();
        if (total == 0) {
            return y;
        }
        Layout lay = Layout.of(out, shapes);
        FloatBuffer[] src = new FloatBuffer[in.length];
        for (int k = 0; k < in.length; k++) {
            src[k] = in[k].floats();
        }
        FloatBuffer dst = y.floats();
        int inner = lay.inner;
        int chunks = (inner + BLOCK - 1) / BLOCK;
        int rows = total / inner;
        int items = rows * chunks;
        long cost = (long) Math.min(inner, BLOCK) * prog.steps().size() * 2;
        ctx.parallelFor(items, cost, (s, e) -> {
            Evaluator ev = new Evaluator(prog, in.length);
            for (int it = s; it < e; it++) {
                int row = it / chunks;
                int c0 = (it % chunks) * BLOCK;
                int len = Math.min(BLOCK, inner - c0);
                lay.rowOffsets(row, ev.offsets);
                for (int k = 0; k < src.length; k++) {
                    if (lay.innerStride[k] == 0) {
                        ev.scalarIn[k] = true;
                        ev.inScalar[k] = src[k].get(ev.offsets[k]);
                    } else {
                        ev.scalarIn[k] = false;
                        src[k].get(ev.offsets[k] + c0, ev.inArr[k], 0, len);
                    }
                }
                float[] res = ev.run(len);
                if (res == null) {
                    float v = ev.lastScalar;
                    for (int i = 0; i < len; i++) {
                        ev.fill[i] = v;
                    }
                    res = ev.fill;
                }
                dst.put(row * inner + c0, res, 0, len);
            }
        });
        return y;
    }

    /**
     * The output's dims collapsed so that every input walks each dim with one stride (size-1
     * dims dropped, neighbours merged). Shared with the OpenCL launcher, which passes the same
     * geometry to its generated kernel.
     */
    public static final class Layout {
        /** Collapsed outer dims (all but the innermost), outermost first. */
        public int[] dims;
        /** Per input, its stride along each outer dim. */
        public int[][] strides;
        /** Length of the innermost collapsed dim. */
        public int inner;
        /** Per input, its stride along the innermost dim: 1, or 0 where broadcast. */
        public int[] innerStride;

        /**
         * @param out    the output shape (the broadcast of the inputs)
         * @param shapes the input shapes
         * @return the collapsed geometry
         */
        public static Layout of(long[] out, long[][] shapes) {
            int n = shapes.length;
            int[][] st = new int[n][];
            for (int k = 0; k < n; k++) {
                st[k] = OpUtil.broadcastStrides(shapes[k], out);
            }
            // Drop size-1 dims, then merge neighbours that every input walks contiguously.
            int[] d = new int[Math.max(1, out.length)];
            int[][] s = new int[n][Math.max(1, out.length)];
            int r = 0;
            for (int i = 0; i < out.length; i++) {
                if (out[i] == 1) {
                    continue;
                }
                if (r > 0 && mergeable(st, i, d[r - 1], s, r - 1, (int) out[i])) {
                    d[r - 1] *= (int) out[i];
                    for (int k = 0; k < n; k++) {
                        s[k][r - 1] = st[k][i];
                    }
                    continue;
                }
                d[r] = (int) out[i];
                for (int k = 0; k < n; k++) {
                    s[k][r] = st[k][i];
                }
                r++;
            }
            Layout l = new Layout();
            if (r == 0) {
                d[0] = 1;
                r = 1;
            }
            l.inner = d[r - 1];
            l.dims = Arrays.copyOf(d, r - 1);
            l.strides = new int[n][];
            l.innerStride = new int[n];
            for (int k = 0; k < n; k++) {
                l.strides[k] = Arrays.copyOf(s[k], r - 1);
                l.innerStride[k] = s[k][r - 1] == 0 ? 0 : 1;
            }
            return l;
        }

        /** Whether collapsed dim {@code prev} (of size prevSize) and output dim i form one dim for every input. */
        private static boolean mergeable(int[][] st, int i, int prevSize, int[][] s, int prev, int size) {
            for (int k = 0; k < st.length; k++) {
                if (s[k][prev] != st[k][i] * size) {
                    return false;
                }
            }
            return true;
        }

        /** Fills {@code off[k]}: input k's offset at the start of outer row {@code row}. */
        void rowOffsets(int row, int[] off) {
            Arrays.fill(off, 0);
            int r = row;
            for (int d = dims.length - 1; d >= 0 && r > 0; d--) {
                int c = r % dims[d];
                r /= dims[d];
                if (c != 0) {
                    for (int k = 0; k < off.length; k++) {
                        off[k] += c * strides[k][d];
                    }
                }
            }
        }
    }

    /** Per-thread scratch: input blocks, step results, and the step interpreter. */
    static final class Evaluator {
        final List<Step> steps;
        final int nIn;
        final float[][] inArr;
        final float[] inScalar;
        final boolean[] scalarIn;
        final int[] offsets;
        final float[][] res;
        final float[] resScalar;
        final boolean[] scalarRes;
        final float[] fill = new float[BLOCK];
        float lastScalar;

        Evaluator(FusedExpression prog, int nIn) {
            this.steps = prog.steps();
            this.nIn = nIn;
            inArr = new float[nIn][BLOCK];
            inScalar = new float[nIn];
            scalarIn = new boolean[nIn];
            offsets = new int[nIn];
            res = new float[steps.size()][];
            resScalar = new float[steps.size()];
            scalarRes = new boolean[steps.size()];
        }

        private float[] arr(int ref) {
            if (ref < nIn) {
                return scalarIn[ref] ? null : inArr[ref];
            }
            return scalarRes[ref - nIn] ? null : res[ref - nIn];
        }

        private float scal(int ref) {
            return ref < nIn ? inScalar[ref] : resScalar[ref - nIn];
        }

        /** @return the last step's block, or null when it is a scalar ({@link #lastScalar}) */
        float[] run(int len) {
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                int ar = s.op().arity();
                float[] a = ar > 0 ? arr(s.a()) : null;
                float[] b = ar > 1 ? arr(s.b()) : null;
                boolean scalar = (ar < 1 || a == null) && (ar < 2 || b == null);
                if (scalar) {
                    scalarRes[i] = true;
                    resScalar[i] = FusedExpression.eval(s, ar > 0 ? scal(s.a()) : 0f, ar > 1 ? scal(s.b()) : 0f);
                    continue;
                }
                scalarRes[i] = false;
                if (res[i] == null) {
                    res[i] = new float[BLOCK];
                }
                float[] o = res[i];
                if (ar == 1) {
                    unary(s, a, o, len);
                } else {
                    binary(s.op(), a, a == null ? scal(s.a()) : 0f, b, b == null ? scal(s.b()) : 0f, o, len);
                }
            }
            int last = steps.size() - 1;
            if (scalarRes[last]) {
                lastScalar = resScalar[last];
                return null;
            }
            return res[last];
        }
    }

    private static void unary(Step s, float[] a, float[] o, int n) {
        switch (s.op()) {
            case Neg -> {
                for (int i = 0; i < n; i++) {
                    o[i] = -a[i];
                }
            }
            case Relu -> ElementwiseFast.relu(a, o, n);
            case Sqrt -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.sqrt(a[i]);
                }
            }
            case Identity -> System.arraycopy(a, 0, o, 0, n);
            case Clip -> ElementwiseFast.clip(a, o, n, s.p0(), s.p1());
            case HardSigmoid -> ElementwiseFast.hardSigmoid(a, o, n, s.p0(), s.p1());
            case Erf -> ElementwiseFast.erf(a, o, n);
            case Sigmoid -> ElementwiseFast.sigmoid(a, o, n);
            case Tanh -> ElementwiseFast.tanh(a, o, n);
            case Exp -> ElementwiseFast.exp(a, o, n);
            case Abs -> ElementwiseFast.abs(a, o, n);
            case Reciprocal -> ElementwiseFast.reciprocal(a, o, n);
            case HardSwish -> ElementwiseFast.hardSwish(a, o, n);
            case LeakyRelu -> ElementwiseFast.leakyRelu(a, o, n, s.p0());
            default -> {
                for (int i = 0; i < n; i++) {
                    o[i] = FusedExpression.eval(s, a[i], 0f);
                }
            }
        }
    }

    /** o = a op b, where a null array means the scalar {@code as} (likewise b). */
    private static void binary(Op op, float[] a, float as, float[] b, float bs, float[] o, int n) {
        switch (op) {
            case Add -> {
                if (a != null && b != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] + b[i];
                    }
                } else if (a != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] + bs;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        o[i] = as + b[i];
                    }
                }
            }
            case Sub -> {
                if (a != null && b != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] - b[i];
                    }
                } else if (a != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] - bs;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        o[i] = as - b[i];
                    }
                }
            }
            case Mul -> {
                if (a != null && b != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] * b[i];
                    }
                } else if (a != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] * bs;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        o[i] = as * b[i];
                    }
                }
            }
            case Div -> {
                if (a != null && b != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] / b[i];
                    }
                } else if (a != null) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] / bs;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        o[i] = as / b[i];
                    }
                }
            }
            case Max, Min -> {
                boolean max = op == Op.Max;
                for (int i = 0; i < n; i++) {
                    float x = a != null ? a[i] : as;
                    float y = b != null ? b[i] : bs;
                    o[i] = max ? Math.max(x, y) : Math.min(x, y);
                }
            }
            default -> {
                if (op == Op.Pow && b == null && bs == 2f) {
                    for (int i = 0; i < n; i++) {
                        o[i] = a[i] * a[i];
                    }
                    return;
                }
                Step s = new Step(op, 0, 1, 0f, 0f);
                for (int i = 0; i < n; i++) {
                    o[i] = FusedExpression.eval(s, a != null ? a[i] : as, b != null ? b[i] : bs);
                }
            }
        }
    }
}
