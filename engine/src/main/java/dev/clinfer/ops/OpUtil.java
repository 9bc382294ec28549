package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Small helpers every operator family uses: axes, strides, broadcasting, reading int inputs. */
public final class OpUtil {
    private OpUtil() {
    }

    /**
     * @param axis an axis, negative counting from the end
     * @param rank the rank
     * @param node for the error message
     * @return the axis in {@code [0, rank)}
     */
    public static int axis(long axis, int rank, Node node) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new InvalidInputException(node + ": axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** @param shape dims @return row-major element strides */
    public static int[] strides(long[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc = (int) (acc * shape[i]);
        }
        return s;
    }

    /** @param shape dims @return element count as int */
    public static int size(long[] shape) {
        return (int) Tensor.elementCount(shape);
    }

    /**
     * @param t an integer tensor (or null)
     * @return its elements as longs, or null for a null tensor
     */
    public static long[] longs(Tensor t) {
        return t == null ? null : t.toLongArray();
    }

    /**
     * numpy-style multidirectional broadcast of shapes.
     *
     * @param node   for the error message
     * @param shapes input shapes
     * @return the broadcast shape
     */
    public static long[] broadcastShape(Node node, long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                long d = s[i];
                if (d == out[o] || d == 1) {
                    continue;
                }
                if (out[o] == 1) {
                    out[o] = d;
                } else {
                    throw new InvalidInputException(node + ": shapes " + describe(shapes) + " cannot be broadcast (dim "
                            + o + ": " + out[o] + " vs " + d + ")");
                }
            }
        }
        return out;
    }

    private static String describe(long[][] shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) {
            if (b.length() > 0) {
                b.append(" and ");
            }
            b.append(Arrays.toString(s));
        }
        return b.toString();
    }

    /**
     * Strides of {@code in} aligned to {@code out}'s rank, 0 where {@code in} is broadcast.
     *
     * @param in  input shape
     * @param out broadcast output shape
     * @return per-output-dim strides into the input
     */
    public static int[] broadcastStrides(long[] in, long[] out) {
        int[] s = new int[out.length];
        int[] inS = strides(in);
        for (int i = 0; i < in.length; i++) {
            int o = out.length - in.length + i;
            s[o] = in[i] == 1 ? 0 : inS[i];
        }
        return s;
    }

    /**
     * For each output element of a broadcast, the flat index of the input element it reads.
     *
     * @param in  input shape
     * @param out output shape
     * @return an index map of size |out|
     */
    public static int[] broadcastIndex(long[] in, long[] out) {
        int n = size(out);
        int[] map = new int[n];
        int[] bs = broadcastStrides(in, out);
        int rank = out.length;
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            map[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += bs[d];
                if (idx[d] < out[d]) {
                    break;
                }
                off -= bs[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
