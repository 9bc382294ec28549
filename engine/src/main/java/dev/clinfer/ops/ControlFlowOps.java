package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Java CPU kernels: If, Loop and Scan. Subgraphs run through {@link ExecContext#runSubgraph},
 * which also makes the enclosing graphs' values visible to them by name. Sequence and optional
 * values ({@link Tensor#sequence}, {@link Tensor#optional}) pass through branches and loop-carried
 * slots like tensors; scan outputs must be tensors.
 */
public final class ControlFlowOps {
    private ControlFlowOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("If", ControlFlowOps::ifOp);
        r.register("Loop", ControlFlowOps::loop);
        r.register("Scan", (node, in, ctx) -> node.opset() < 9 ? ControlFlowScan.scan8(node, in, ctx)
                : ControlFlowScan.scan9(node, in, ctx));
    }

    /** Runs {@code then_branch} or {@code else_branch}; its outputs are the node's. */
    static Tensor[] ifOp(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 1 || in[0] == null) {
            throw new InvalidInputException(node + ": missing input 'cond'");
        }
        if (in[0].size() != 1) {
            throw new InvalidInputException(node + ": 'cond' must hold one element, has shape "
                    + java.util.Arrays.toString(in[0].shape()));
        }
        Graph g = node.attrGraph(in[0].getBoolean(0) ? "then_branch" : "else_branch");
        Tensor[] out = ctx.runSubgraph(g, Map.of());
        if (out.length < countOutputs(node)) {
            throw new InvalidInputException(node + ": branch '" + g.name() + "' produced " + out.length
                    + " outputs, the node has " + node.outputs().size());
        }
        return out;
    }

    private static int countOutputs(Node node) {
        int n = 0;
        for (int k = 0; k < node.outputs().size(); k++) {
            if (!node.outputs().get(k).isEmpty()) {
                n = k + 1;
            }
        }
        return n;
    }

    /**
     * {@code for (i = 0; i < M && cond; i++) (cond, v..., scan...) = body(i, cond, v...)}; the
     * outputs are the final loop-carried values, then each scan output stacked along a new
     * axis 0. An omitted M means no trip limit; an omitted cond means the body's cond is ignored.
     */
    static Tensor[] loop(Node node, Tensor[] in, ExecContext ctx) {
        Graph body = node.attrGraph("body");
        Tensor tripT = in.length > 0 ? in[0] : null;
        Tensor condT = in.length > 1 ? in[1] : null;
        long trips = tripT == null ? Long.MAX_VALUE : tripT.getLong(0);
        boolean cond = condT == null || condT.getBoolean(0);
        int carried = Math.max(0, node.inputs().size() - 2);
        List<ValueInfo> formal = body.inputs();
        if (formal.size() != carried + 2) {
            throw new InvalidInputException(node + ": body has " + formal.size() + " inputs, expected " + (carried + 2)
                    + " (iteration number, condition and " + carried + " loop-carried values)");
        }
        int scans = body.outputs().size() - 1 - carried;
        if (scans < 0) {
            throw new InvalidInputException(node + ": body has " + body.outputs().size() + " outputs, expected at least "
                    + (carried + 1));
        }
        Tensor[] v = new Tensor[carried];
        for (int k = 0; k < carried; k++) {
            v[k] = 2 + k < in.length ? in[2 + k] : null;
            if (v[k] == null) {
                throw new InvalidInputException(node + ": loop-carried input " + k + " ('" + node.inputs().get(2 + k)
                        + "') is missing; optional loop-carried values are not supported");
            }
        }
        List<List<Tensor>> scanParts = new ArrayList<>();
        for (int k = 0; k < scans; k++) {
            scanParts.add(new ArrayList<>());
        }
        for (long i = 0; i < trips && cond; i++) {
            Map<String, Tensor> feed = new HashMap<>();
            feed.put(formal.get(0).name(), Tensor.scalar(i));
            feed.put(formal.get(1).name(), Tensor.ofBooleans(new boolean[] {cond}));
            for (int k = 0; k < carried; k++) {
                feed.put(formal.get(2 + k).name(), v[k]);
            }
            Tensor[] out = ctx.runSubgraph(body, feed);
            if (condT != null) {
                cond = out[0].getBoolean(0);
            }
            System.arraycopy(out, 1, v, 0, carried);
            for (int k = 0; k < scans; k++) {
                scanParts.get(k).add(out[1 + carried + k]);
            }
        }
        Tensor[] result = new Tensor[carried + scans];
        System.arraycopy(v, 0, result, 0, carried);
        for (int k = 0; k < scans; k++) {
            List<Tensor> parts = scanParts.get(k);
            result[carried + k] = parts.isEmpty() ? emptyScan(body.outputs().get(1 + carried + k), ctx)
                    : ControlFlowSlices.stack(node, "scan output " + k, parts, 0, ctx);
        }
        return result;
    }

    /** A scan output of zero iterations: {@code [0, dims...]} when the body declares the dims, else {@code [0]}. */
    static Tensor emptyScan(ValueInfo info, ExecContext ctx) {
        DataType type = info.type() == null ? DataType.FLOAT : info.type();
        if (info.shape() != null && info.shape().isStatic()) {
            long[] d = info.shape().toArray();
            long[] s = new long[d.length + 1];
            System.arraycopy(d, 0, s, 1, d.length);
            return ctx.allocate(type, s);
        }
        return ctx.allocate(type, 0);
    }
}
