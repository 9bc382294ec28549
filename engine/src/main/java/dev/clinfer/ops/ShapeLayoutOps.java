package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels: Transpose, DepthToSpace, SpaceToDepth (all permuted copies). */
final class ShapeLayoutOps {
    private ShapeLayoutOps() {
    }

    static void register(OpRegistry r) {
        r.register("Transpose", ShapeLayoutOps::transpose);
        r.register("DepthToSpace", ShapeLayoutOps::depthToSpace);
        r.register("SpaceToDepth", ShapeLayoutOps::spaceToDepth);
    }

    /**
     * @param node for messages
     * @param rank input rank
     * @return the perm attribute checked, or the reversed axes by default
     */
    static int[] perm(Node node, int rank) {
        long[] p = node.attrInts("perm", null);
        int[] perm = new int[rank];
        if (p == null) {
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
            return perm;
        }
        if (p.length != rank) {
            throw new InvalidInputException(node + ": perm " + Arrays.toString(p) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int a = OpUtil.axis(p[i], rank, node);
            if (seen[a]) {
                throw new InvalidInputException(node + ": perm " + Arrays.toString(p) + " repeats axis " + a);
            }
            seen[a] = true;
            perm[i] = a;
        }
        return perm;
    }

    private static Tensor[] transpose(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = x.shape();
        int[] perm = perm(node, s.length);
        long[] out = new long[s.length];
        boolean identity = true;
        for (int i = 0; i < s.length; i++) {
            out[i] = s[perm[i]];
            identity &= perm[i] == i;
        }
        if (identity) {
            return ShapeOps.one(x);
        }
        return ShapeOps.one(ShapeKernels.permute(ctx, x, s, perm, out));
    }

    private static long[] nchw(Node node, Tensor x) {
        if (x.rank() != 4) {
            throw new InvalidInputException(node + ": input must be 4-D NCHW, got " + Arrays.toString(x.shape()));
        }
        return x.shape();
    }

    private static Tensor[] depthToSpace(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = nchw(node, x);
        long b = node.attrInt("blocksize", 0);
        if (b <= 0 || s[1] % (b * b) != 0) {
            throw new InvalidInputException(node + ": channels " + s[1] + " are not divisible by blocksize^2 (" + b + ")");
        }
        long c = s[1] / (b * b);
        long[] out = {s[0], c, s[2] * b, s[3] * b};
        if ("CRD".equals(node.attrString("mode", "DCR"))) {
            return ShapeOps.one(ShapeKernels.permute(ctx, x, new long[] {s[0], c, b, b, s[2], s[3]},
                    new int[] {0, 1, 4, 2, 5, 3}, out));
        }
        return ShapeOps.one(ShapeKernels.permute(ctx, x, new long[] {s[0], b, b, c, s[2], s[3]},
                new int[] {0, 3, 4, 1, 5, 2}, out));
    }

    private static Tensor[] spaceToDepth(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        long[] s = nchw(node, x);
        long b = node.attrInt("blocksize", 0);
        if (b <= 0 || s[2] % b != 0 || s[3] % b != 0) {
            throw new InvalidInputException(node + ": spatial dims " + s[2] + "x" + s[3]
                    + " are not divisible by blocksize " + b);
        }
        long[] out = {s[0], s[1] * b * b, s[2] / b, s[3] / b};
        return ShapeOps.one(ShapeKernels.permute(ctx, x, new long[] {s[0], s[1], s[2] / b, b, s[3] / b, b},
                new int[] {0, 3, 5, 1, 2, 4}, out));
    }
}
