package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Scan operator: opset 9+ (per-input/output axes and directions) and opset 8 (a leading
 * batch axis, scan axis 1, optional per-batch sequence lengths).
 */
final class ControlFlowScan {
    private ControlFlowScan() {
    }

    /** Final states and the per-iteration scan output slices of one scan. */
    private record Pass(Tensor[] states, List<List<Tensor>> slices) {
    }

    /** Opset 9+: inputs are N initial states then M scan inputs; outputs N final states then K scan outputs. */
    static Tensor[] scan9(Node node, Tensor[] in, ExecContext ctx) {
        Graph body = node.attrGraph("body");
        int m = (int) node.attrInt("num_scan_inputs", -1);
        int n = in.length - m;
        if (m < 1 || n < 0) {
            throw new InvalidInputException(node + ": num_scan_inputs = " + m + " does not fit " + in.length + " inputs");
        }
        int k = body.outputs().size() - n;
        long[] inAxes = node.attrInts("scan_input_axes", new long[m]);
        long[] inDirs = node.attrInts("scan_input_directions", new long[m]);
        long[] outAxes = node.attrInts("scan_output_axes", new long[k]);
        long[] outDirs = node.attrInts("scan_output_directions", new long[k]);
        Tensor[] states = Arrays.copyOfRange(in, 0, n);
        Tensor[] scans = Arrays.copyOfRange(in, n, in.length);
        int[] axes = new int[m];
        long len = -1;
        for (int j = 0; j < m; j++) {
            if (scans[j] == null) {
                throw new InvalidInputException(node + ": scan input " + j + " is missing");
            }
            axes[j] = OpUtil.axis(inAxes[j], scans[j].rank(), node);
            long l = scans[j].dim(axes[j]);
            if (len >= 0 && l != len) {
                throw new InvalidInputException(node + ": scan input " + j + " has " + l + " steps along axis " + axes[j]
                        + ", scan input 0 has " + len);
            }
            len = l;
        }
        Pass p = run(node, body, states, scans, axes, inDirs, (int) len, ctx);
        Tensor[] out = new Tensor[n + k];
        System.arraycopy(p.states, 0, out, 0, n);
        for (int j = 0; j < k; j++) {
            List<Tensor> parts = p.slices.get(j);
            if (parts.isEmpty()) {
                out[n + j] = ControlFlowOps.emptyScan(body.outputs().get(n + j), ctx);
                continue;
            }
            if (outDirs[j] != 0) {
                parts = reversed(parts);
            }
            int axis = OpUtil.axis(outAxes[j], parts.get(0).rank() + 1, node);
            out[n + j] = ControlFlowSlices.stack(node, "scan output " + j, parts, axis, ctx);
        }
        return out;
    }

    /**
     * Opset 8: inputs are an optional {@code sequence_lens [batch]}, N states {@code [batch, ...]}
     * and M scan inputs {@code [batch, seq, ...]}. Each batch row scans on its own; rows shorter
     * than the longest leave zeros at the end of their scan outputs.
     */
    static Tensor[] scan8(Node node, Tensor[] in, ExecContext ctx) {
        Graph body = node.attrGraph("body");
        int m = (int) node.attrInt("num_scan_inputs", -1);
        int n = in.length - 1 - m;
        if (m < 1 || n < 0) {
            throw new InvalidInputException(node + ": num_scan_inputs = " + m + " does not fit " + in.length + " inputs");
        }
        int k = body.outputs().size() - n;
        long[] dirs = node.attrInts("directions", new long[m]);
        Tensor first = in[1 + n];
        int batch = (int) first.dim(0);
        int seq = (int) first.dim(1);
        long[] lens = in[0] == null ? null : in[0].toLongArray();
        int[] axes = new int[m];
        List<Tensor[]> rowStates = new ArrayList<>();
        List<List<Tensor>> rowScans = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            rowScans.add(new ArrayList<>());
        }
        for (int b = 0; b < batch; b++) {
            Tensor[] states = new Tensor[n];
            for (int i = 0; i < n; i++) {
                states[i] = ControlFlowSlices.slice(in[1 + i], 0, b, ctx);
            }
            Tensor[] scans = new Tensor[m];
            for (int j = 0; j < m; j++) {
                scans[j] = ControlFlowSlices.slice(in[1 + n + j], 0, b, ctx);
            }
            int len = lens == null ? seq : (int) lens[b];
            if (len < 0 || len > seq) {
                throw new InvalidInputException(node + ": sequence_lens[" + b + "] = " + len + " is outside [0, " + seq + "]");
            }
            Pass p = run(node, body, states, scans, axes, dirs, len, ctx);
            rowStates.add(p.states);
            for (int j = 0; j < k; j++) {
                List<Tensor> parts = p.slices.get(j);
                rowScans.get(j).add(parts.isEmpty() ? null : padded(node, parts, seq, ctx));
            }
        }
        Tensor[] out = new Tensor[n + k];
        for (int i = 0; i < n; i++) {
            List<Tensor> parts = new ArrayList<>();
            for (Tensor[] s : rowStates) {
                parts.add(s[i]);
            }
            out[i] = ControlFlowSlices.stack(node, "state " + i, parts, 0, ctx);
        }
        for (int j = 0; j < k; j++) {
            List<Tensor> rows = rowScans.get(j);
            Tensor shapeOf = rows.stream().filter(t -> t != null).findFirst().orElse(null);
            if (shapeOf == null) {
                throw new InvalidInputException(node + ": every sequence length is 0, so scan output " + j
                        + " has no shape");
            }
            for (int b = 0; b < rows.size(); b++) {
                if (rows.get(b) == null) {
                    rows.set(b, ctx.allocate(shapeOf.dataType(), shapeOf.shape()));
                }
            }
            out[n + j] = ControlFlowSlices.stack(node, "scan output " + j, rows, 0, ctx);
        }
        return out;
    }

    /** Stacks one batch row's slices along axis 0, zero-padded to {@code seq} steps. */
    private static Tensor padded(Node node, List<Tensor> parts, int seq, ExecContext ctx) {
        List<Tensor> all = new ArrayList<>(parts);
        while (all.size() < seq) {
            all.add(ctx.allocate(parts.get(0).dataType(), parts.get(0).shape()));
        }
        return ControlFlowSlices.stack(node, "scan output", all, 0, ctx);
    }

    private static List<Tensor> reversed(List<Tensor> parts) {
        List<Tensor> r = new ArrayList<>(parts);
        java.util.Collections.reverse(r);
        return r;
    }

    /** Runs the body {@code len} times over the scan inputs' slices. */
    private static Pass run(Node node, Graph body, Tensor[] states, Tensor[] scans, int[] axes, long[] dirs, int len,
                            ExecContext ctx) {
        int n = states.length;
        int m = scans.length;
        List<ValueInfo> formal = body.inputs();
        if (formal.size() != n + m) {
            throw new InvalidInputException(node + ": body has " + formal.size() + " inputs, expected " + (n + m)
                    + " (" + n + " states and " + m + " scan inputs)");
        }
        int k = body.outputs().size() - n;
        List<List<Tensor>> slices = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            slices.add(new ArrayList<>());
        }
        Tensor[] cur = states.clone();
        for (int t = 0; t < len; t++) {
            Map<String, Tensor> feed = new HashMap<>();
            for (int i = 0; i < n; i++) {
                feed.put(formal.get(i).name(), cur[i]);
            }
            for (int j = 0; j < m; j++) {
                int at = dirs[j] != 0 ? len - 1 - t : t;
                feed.put(formal.get(n + j).name(), ControlFlowSlices.slice(scans[j], axes[j], at, ctx));
            }
            Tensor[] out = ctx.runSubgraph(body, feed);
            System.arraycopy(out, 0, cur, 0, n);
            for (int j = 0; j < k; j++) {
                slices.get(j).add(out[n + j]);
            }
        }
        return new Pass(cur, slices);
    }
}
