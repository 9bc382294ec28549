package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

/**
 * Java CPU kernel: Einsum. The equation is parsed by {@link EinsumEquation}; each operand first
 * takes its diagonals and sums out the labels nobody else uses, then operands are contracted
 * left to right as batched matrix products ({@link EinsumKernel#contract}), and the result is
 * transposed to the output order. Common forms need no copies beyond the operands': batched
 * matmul ({@code bij,bjk->bik}), matmul, inner and outer products run as one product loop,
 * transposes as one strided copy and sums as one row-sum pass.
 */
public final class EinsumOps {
    private EinsumOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("Einsum", EinsumOps::einsum);
    }

    static Tensor[] einsum(Node node, Tensor[] in, ExecContext ctx) {
        String equation = node.attrString("equation", null);
        if (equation == null) {
            throw new InvalidInputException(node + ": missing attribute 'equation'");
        }
        if (in.length == 0) {
            throw new InvalidInputException(node + ": needs at least one input");
        }
        long[][] shapes = new long[in.length][];
        DataType type = null;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) {
                throw new InvalidInputException(node + ": input " + i + " is missing");
            }
            if (type != null && in[i].dataType() != type) {
                throw new InvalidInputException(node + ": input " + i + " is " + in[i].dataType() + " but input 0 is "
                        + type);
            }
            type = in[i].dataType();
            shapes[i] = in[i].shape();
        }
        EinsumEquation eq = EinsumEquation.parse(equation, shapes, node);
        int labels = eq.sizes.length;
        EinsumKernel.Operand[] ops = new EinsumKernel.Operand[in.length];
        for (int i = 0; i < in.length; i++) {
            int[] dims = new int[shapes[i].length];
            for (int a = 0; a < dims.length; a++) {
                dims[a] = (int) shapes[i][a];
            }
            EinsumKernel.Operand op = new EinsumKernel.Operand(read(in[i]), eq.inputs[i], dims);
            ops[i] = EinsumKernel.expand(EinsumKernel.diagonal(op), eq.sizes);
        }
        boolean[] inOutput = new boolean[labels];
        for (int l : eq.output) {
            inOutput[l] = true;
        }
        EinsumKernel.Operand acc = ops[0];
        for (int i = 1; i < ops.length; i++) {
            boolean[] keep = inOutput.clone();
            for (int j = i + 1; j < ops.length; j++) {
                for (int l : ops[j].labels) {
                    keep[l] = true;
                }
            }
            acc = EinsumKernel.contract(acc, ops[i], keep, ctx);
        }
        acc = EinsumKernel.permute(EinsumKernel.sumOut(acc, inOutput), eq.output);
        long[] outShape = new long[eq.output.length];
        for (int a = 0; a < outShape.length; a++) {
            outShape[a] = eq.sizes[eq.output[a]];
        }
        Tensor out = ctx.allocate(type, outShape);
        write(acc.data, out);
        return new Tensor[] {out};
    }

    private static double[] read(Tensor t) {
        if (t.dataType() == DataType.FLOAT) {
            float[] f = t.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        return t.toDoubleArray();
    }

    private static void write(double[] v, Tensor out) {
        if (out.dataType() == DataType.FLOAT) {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) v[i];
            }
            out.floats().put(f);
            return;
        }
        for (int i = 0; i < v.length; i++) {
            out.setDouble(i, v[i]);
        }
    }
}
