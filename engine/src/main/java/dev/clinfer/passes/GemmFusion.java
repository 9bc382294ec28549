package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ops.FusedOps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GEMM-shaped rewrites:
 * <ul>
 *   <li>MatMul + Add of a constant bias row becomes Gemm (2-D A) or {@code dev.clinfer.FusedMatMul}
 *       (A with batch dims: one Gemm over the flattened batch), so the bias joins the product;</li>
 *   <li>a 2-D Transpose in front of a Gemm operand (or of a 2-D MatMul, which becomes a Gemm)
 *       turns into the operand's {@code transA}/{@code transB} flag.</li>
 * </ul>
 */
final class GemmFusion {
    private GemmFusion() {
    }

    /**
     * @param fg    the graph
     * @param fired counts by pass name, added to
     */
    static void apply(FusionGraph fg, Map<String, Integer> fired) {
        for (Node mm : new ArrayList<>(fg.graph().nodes())) {
            if (mm.opType().equals("MatMul") && mm.domain().isEmpty() && matMulAdd(fg, mm)) {
                fired.merge("MatMulAddToGemm", 1, Integer::sum);
            }
        }
        for (Node n : new ArrayList<>(fg.graph().nodes())) {
            int folded = foldTransposes(fg, n);
            if (folded > 0) {
                fired.merge("FoldTransposeIntoGemm", folded, Integer::sum);
            }
        }
    }

    private static boolean matMulAdd(FusionGraph fg, Node mm) {
        String a = FusionGraph.in(mm, 0);
        String b = FusionGraph.in(mm, 1);
        String y = mm.outputs().get(0);
        Shape as = fg.shape(a);
        Shape bs = fg.shape(b);
        if (!fg.isFloat(a) || !fg.isFloat(b) || !as.hasRank() || as.rank() < 2 || !bs.hasRank() || bs.rank() != 2
                || !fg.singleUse(y)) {
            return false;
        }
        Node add = fg.consumers(y).get(0);
        if (!add.opType().equals("Add") || !add.domain().isEmpty() || add.inputs().size() != 2) {
            return false;
        }
        String biasName = FusionGraph.in(add, 0).equals(y) ? FusionGraph.in(add, 1) : FusionGraph.in(add, 0);
        Tensor bias = fg.constant(biasName);
        if (bias == null || bias.dataType() != DataType.FLOAT || !bs.dim(1).isKnown()) {
            return false;
        }
        long n = bs.dim(1).value();
        long[] s = bias.shape();
        if (s.length > as.rank() || (bias.numel() != n && bias.numel() != 1)) {
            return false;
        }
        for (int i = 0; i < s.length - 1; i++) {
            if (s[i] != 1) {
                return false;
            }
        }
        if (s.length != 1) {
            biasName = fg.addConstant(biasName, bias.reshape(bias.numel()));
        }
        boolean flat = as.rank() == 2;
        Node fused = new Node(mm.name(), flat ? "Gemm" : "FusedMatMul", flat ? "" : FusedOps.DOMAIN, List.of(a, b, biasName),
                add.outputs(), Map.of(), Math.max(13, mm.opset()));
        fg.replace(List.of(mm, add), fused);
        return true;
    }

    /** @return how many transposes were folded into n */
    private static int foldTransposes(FusionGraph fg, Node n) {
        boolean gemm = n.opType().equals("Gemm") && n.domain().isEmpty();
        boolean fusedMm = n.opType().equals("FusedMatMul") && n.domain().equals(FusedOps.DOMAIN);
        boolean matMul = n.opType().equals("MatMul") && n.domain().isEmpty();
        if (!gemm && !fusedMm && !matMul) {
            return 0;
        }
        if (matMul && (rank(fg, FusionGraph.in(n, 0)) != 2 || rank(fg, FusionGraph.in(n, 1)) != 2
                || !fg.isFloat(FusionGraph.in(n, 0)))) {
            return 0;
        }
        if (n.inputs().size() < 2) {
            return 0; // malformed (a required input missing): the kernel reports it at run time
        }
        List<String> inputs = new ArrayList<>(n.inputs());
        Map<String, Attribute> attrs = new LinkedHashMap<>(n.attributes());
        List<Node> group = new ArrayList<>();
        int folded = 0;
        for (int k = fusedMm ? 1 : 0; k < 2; k++) {
            String v = inputs.get(k);
            Node t = fg.producer(v);
            if (t == null || !t.opType().equals("Transpose") || !t.domain().isEmpty() || !fg.singleUse(v)
                    || rank(fg, FusionGraph.in(t, 0)) != 2) {
                continue;
            }
            long[] perm = t.attrInts("perm", new long[] {1, 0});
            if (perm.length != 2 || perm[0] != 1 || perm[1] != 0) {
                continue;
            }
            String flag = k == 0 ? "transA" : "transB";
            long cur = n.attrInt(flag, 0);
            attrs.put(flag, FusionGraph.intAttr(flag, cur == 0 ? 1 : 0));
            inputs.set(k, FusionGraph.in(t, 0));
            group.add(t);
            folded++;
        }
        if (folded == 0) {
            return 0;
        }
        group.add(n);
        Node g = new Node(n.name(), matMul ? "Gemm" : n.opType(), n.domain(), inputs, n.outputs(), attrs,
                matMul ? Math.max(13, n.opset()) : n.opset());
        fg.replace(group, g);
        return folded;
    }

    private static int rank(FusionGraph fg, String v) {
        Shape s = fg.shape(v);
        return s.hasRank() ? s.rank() : -1;
    }
}
