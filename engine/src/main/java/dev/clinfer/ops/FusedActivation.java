package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.nio.FloatBuffer;
import java.util.Locale;

/**
 * An activation applied in place to the output of a fused producer (FusedConv): the epilogue
 * that replaces a separate activation node. Reusable by any kernel that wants to apply it on its
 * own output tile ({@link #apply(float[], int, int)}).
 *
 * <p>Node attributes: {@code activation} (STRING: Relu, Clip, HardSigmoid, HardSwish, LeakyRelu,
 * Sigmoid, Swish) and {@code activation_params} (FLOATS: Clip min/max, HardSigmoid alpha/beta,
 * LeakyRelu alpha).
 */
public final class FusedActivation {
    /** Activation kinds, with the ordinal used by the OpenCL {@code -DACT=} option (0 = none). */
    public enum Kind {
        /** No activation. */
        NONE,
        /** max(x, 0). */
        RELU,
        /** min(max(x, p0), p1). */
        CLIP,
        /** max(0, min(1, p0 * x + p1)). */
        HARD_SIGMOID,
        /** x * max(0, min(1, x / 6 + 1 / 2)). */
        HARD_SWISH,
        /** x < 0 ? p0 * x : x. */
        LEAKY_RELU,
        /** 1 / (1 + exp(-x)). */
        SIGMOID,
        /** x / (1 + exp(-x)). */
        SWISH
    }

    /** The no-op activation. */
    public static final FusedActivation NONE = new FusedActivation(Kind.NONE, 0f, 0f);

    private final Kind kind;
    private final float p0;
    private final float p1;

    /**
     * @param kind the activation
     * @param p0   first parameter (Clip min, HardSigmoid alpha, LeakyRelu alpha)
     * @param p1   second parameter (Clip max, HardSigmoid beta)
     */
    public FusedActivation(Kind kind, float p0, float p1) {
        this.kind = kind;
        this.p0 = p0;
        this.p1 = p1;
    }

    /**
     * @param node a fused node
     * @return its activation ({@link #NONE} when it has none)
     */
    public static FusedActivation of(Node node) {
        String name = node.attrString("activation", "");
        float[] p = node.attrFloats("activation_params", new float[0]);
        return parse(node, name, p);
    }

    /**
     * @param node   the node (for messages)
     * @param name   activation name as in the attribute ("" for none)
     * @param params its parameters
     * @return the activation
     */
    public static FusedActivation parse(Node node, String name, float[] params) {
        Kind k;
        switch (name) {
            case "", "None" -> k = Kind.NONE;
            case "Relu" -> k = Kind.RELU;
            case "Clip" -> k = Kind.CLIP;
            case "HardSigmoid" -> k = Kind.HARD_SIGMOID;
            case "HardSwish" -> k = Kind.HARD_SWISH;
            case "LeakyRelu" -> k = Kind.LEAKY_RELU;
            case "Sigmoid" -> k = Kind.SIGMOID;
            case "Swish" -> k = Kind.SWISH;
            default -> throw new InvalidInputException(node + ": unknown fused activation '" + name + "'");
        }
        float a = params.length > 0 ? params[0] : defaultP0(k);
        float b = params.length > 1 ? params[1] : defaultP1(k);
        return new FusedActivation(k, a, b);
    }

    private static float defaultP0(Kind k) {
        return switch (k) {
            case CLIP -> Float.NEGATIVE_INFINITY;
            case HARD_SIGMOID -> 0.2f;
            case LEAKY_RELU -> 0.01f;
            default -> 0f;
        };
    }

    private static float defaultP1(Kind k) {
        return switch (k) {
            case CLIP -> Float.POSITIVE_INFINITY;
            case HARD_SIGMOID -> 0.5f;
            default -> 0f;
        };
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /** @return first parameter */
    public float p0() {
        return p0;
    }

    /** @return second parameter */
    public float p1() {
        return p1;
    }

    /** @return the attribute name of this activation */
    public String attributeName() {
        return switch (kind) {
            case NONE -> "";
            case RELU -> "Relu";
            case CLIP -> "Clip";
            case HARD_SIGMOID -> "HardSigmoid";
            case HARD_SWISH -> "HardSwish";
            case LEAKY_RELU -> "LeakyRelu";
            case SIGMOID -> "Sigmoid";
            case SWISH -> "Swish";
        };
    }

    /** @param x an input @return the activation of x */
    public float apply(float x) {
        return switch (kind) {
            case NONE -> x;
            case RELU -> x > 0 ? x : 0f;
            case CLIP -> Math.min(Math.max(x, p0), p1);
            case HARD_SIGMOID -> Math.max(0f, Math.min(1f, p0 * x + p1));
            case HARD_SWISH -> x * Math.max(0f, Math.min(1f, x / 6f + 0.5f));
            case LEAKY_RELU -> x < 0 ? p0 * x : x;
            case SIGMOID -> ElementwiseFast.sigmoid(x);
            case SWISH -> (float) ((double) x * ElementwiseFast.sigmoid(x));
        };
    }

    /**
     * Applies the activation in place to {@code v[from, to)}.
     *
     * @param v    values
     * @param from first index
     * @param to   end index
     */
    public void apply(float[] v, int from, int to) {
        // One loop per kind keeps each loop simple enough for the JIT to vectorise.
        switch (kind) {
            case NONE -> {
            }
            case RELU -> {
                for (int i = from; i < to; i++) {
                    v[i] = Math.max(v[i], 0f);
                }
            }
            case CLIP -> {
                for (int i = from; i < to; i++) {
                    v[i] = Math.min(Math.max(v[i], p0), p1);
                }
            }
            case HARD_SIGMOID -> {
                for (int i = from; i < to; i++) {
                    v[i] = Math.max(0f, Math.min(1f, p0 * v[i] + p1));
                }
            }
            case HARD_SWISH -> {
                for (int i = from; i < to; i++) {
                    float x = v[i];
                    v[i] = x * Math.max(0f, Math.min(1f, x / 6f + 0.5f));
                }
            }
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) {
                    float x = v[i];
                    v[i] = x < 0 ? p0 * x : x;
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    v[i] = ElementwiseFast.sigmoid(v[i]);
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    float x = v[i];
                    v[i] = (float) ((double) x * ElementwiseFast.sigmoid(x));
                }
            }
        }
    }

    /**
     * Applies the activation in place to a whole float buffer, in parallel blocks.
     *
     * @param y   the values (e.g. a Conv output the caller owns)
     * @param ctx the pool, or null to run on the calling thread
     */
    public void apply(FloatBuffer y, ExecContext ctx) {
        if (kind == Kind.NONE) {
            return;
        }
        int n = y.capacity();
        int block = 4096;
        int blocks = (n + block - 1) / block;
        RangeBody body = (s, e) -> {
            float[] tmp = new float[block];
            for (int b = s; b < e; b++) {
                int from = b * block;
                int len = Math.min(block, n - from);
                y.get(from, tmp, 0, len);
                apply(tmp, 0, len);
                y.put(from, tmp, 0, len);
            }
        };
        if (ctx == null) {
            body.run(0, blocks);
        } else {
            ctx.parallelFor(blocks, block * 2L, body);
        }
    }

    /**
     * @return the OpenCL build options selecting this activation in the kernels' epilogue
     *         ({@code ACT_F(v)}), empty for none
     */
    public String clOptions() {
        if (kind == Kind.NONE) {
            return "";
        }
        return String.format(Locale.ROOT, " -DACT=%d -DACT_P0=%sf -DACT_P1=%sf", kind.ordinal(), clFloat(p0),
                clFloat(p1));
    }

    private static String clFloat(float f) {
        if (f == Float.POSITIVE_INFINITY) {
            return "INFINITY/1.0";
        }
        if (f == Float.NEGATIVE_INFINITY) {
            return "-INFINITY/1.0";
        }
        return Float.toString(f).replace('E', 'e');
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "none" : attributeName() + "(" + p0 + ", " + p1 + ")";
    }
}
