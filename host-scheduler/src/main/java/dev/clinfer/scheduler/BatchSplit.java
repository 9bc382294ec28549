package dev.clinfer.scheduler;

import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.ValueInfo;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splitting one request's batch across devices: inputs are cut along axis 0, the parts run as
 * separate requests, and the outputs are concatenated along axis 0. Only for graphs whose every
 * input and output has a leading dimension that is not fixed (a batch axis), with one symbol
 * where the model names it.
 */
final class BatchSplit {
    private BatchSplit() {
    }

    static boolean splittable(Graph g) {
        String symbol = null;
        for (List<ValueInfo> l : List.of(g.inputs(), g.outputs())) {
            for (ValueInfo v : l) {
                if (v.shape() == null || !v.shape().hasRank() || v.shape().rank() < 1) {
                    return false;
                }
                Dim d = v.shape().dim(0);
                if (d.isKnown()) {
                    return false;
                }
                if (d.isSymbolic()) {
                    if (symbol != null && !symbol.equals(d.symbol())) {
                        return false;
                    }
                    symbol = d.symbol();
                }
            }
        }
        return !g.inputs().isEmpty();
    }

    /** @return the common leading dim of the inputs, or -1 */
    static int batch(Tensor[] inputs) {
        long b = -1;
        for (Tensor t : inputs) {
            if (t.rank() < 1 || (b >= 0 && t.dim(0) != b)) {
                return -1;
            }
            b = t.dim(0);
        }
        return (int) b;
    }

    static Tensor[] slice(Tensor[] inputs, int from, int to) {
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            long[] shape = t.shape();
            long row = t.byteSize() / shape[0];
            shape[0] = to - from;
            Tensor p = Tensor.allocate(t.dataType(), shape);
            ByteBuffer src = t.buffer();
            src.position((int) (row * from)).limit((int) (row * to));
            p.buffer().put(src);
            out[i] = p;
        }
        return out;
    }

    static Tensor[] concat(Graph g, List<Tensor[]> parts) {
        int n = parts.get(0).length;
        Tensor[] out = new Tensor[n];
        for (int k = 0; k < n; k++) {
            long rows = 0;
            long[] shape = parts.get(0)[k].shape();
            for (Tensor[] p : parts) {
                long[] s = p[k].shape();
                if (s.length != shape.length || s.length == 0) {
                    throw new ExecutionException("cannot join the batch parts of output '" + g.outputs().get(k).name()
                            + "': rank " + s.length);
                }
                rows += s[0];
            }
            shape[0] = rows;
            Tensor o = Tensor.allocate(parts.get(0)[k].dataType(), shape);
            ByteBuffer dst = o.buffer();
            for (Tensor[] p : parts) {
                dst.put(p[k].buffer().limit((int) p[k].byteSize()));
            }
            out[k] = o;
        }
        return out;
    }
}
