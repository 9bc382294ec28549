package dev.clinfer.passes;

import dev.clinfer.api.Tensor;
import dev.clinfer.passes.FusionTestSupport.G;
import dev.clinfer.passes.FusionTestSupport.Run;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.clinfer.passes.FusionTestSupport.compare;
import static dev.clinfer.passes.FusionTestSupport.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GELU, LayerNorm and attention patterns as transformer exports write them. */
class TransformerFusionTest {
    private final Random rnd = new Random(5);

    @Test
    void fusesGeluBothOrderings() {
        G g = new G().input("x", 2, 3, 8).scalar("sqrt2", (float) Math.sqrt(2)).scalar("one", 1f).scalar("half", 0.5f)
                .node("Div", List.of("x", "sqrt2"), "d").node("Erf", List.of("d"), "e")
                .node("Add", List.of("e", "one"), "a").node("Mul", List.of("x", "a"), "m")
                .node("Mul", List.of("m", "half"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 8)}, "FuseGelu", 1);
        assertEquals(List.of("FusedGelu"), r.ops());
        G h = new G().input("x", 7).scalar("isq", (float) (1 / Math.sqrt(2))).scalar("one", 1f).scalar("half", 0.5f)
                .node("Mul", List.of("x", "half"), "xh").node("Mul", List.of("x", "isq"), "d")
                .node("Erf", List.of("d"), "e").node("Add", List.of("one", "e"), "a")
                .node("Mul", List.of("xh", "a"), "y").output("y");
        r = compare(h, new Tensor[] {randn(rnd, 7)}, "FuseGelu", 1);
        assertEquals(List.of("FusedGelu"), r.ops());
    }

    private G layerNorm(boolean affine) {
        G g = new G().input("x", 2, 5, 8).scalar("two", 2f).scalar("eps", 1e-5f).init("gamma", randn(rnd, 8))
                .init("beta", randn(rnd, 8))
                .node("ReduceMean", List.of("x"), "m", "axes", new long[] {-1})
                .node("Sub", List.of("x", "m"), "d").node("Pow", List.of("d", "two"), "p")
                .node("ReduceMean", List.of("p"), "v", "axes", new long[] {-1})
                .node("Add", List.of("v", "eps"), "ve").node("Sqrt", List.of("ve"), "s")
                .node("Div", List.of("d", "s"), "n");
        if (affine) {
            g.node("Mul", List.of("n", "gamma"), "ng").node("Add", List.of("ng", "beta"), "y").output("y");
        } else {
            g.output("n");
        }
        return g;
    }

    @Test
    void fusesLayerNorm() {
        Run r = compare(layerNorm(true), new Tensor[] {randn(rnd, 2, 5, 8)}, "FuseLayerNorm", 1);
        assertEquals(List.of("LayerNormalization"), r.ops());
        assertEquals(3, r.graph().nodes().get(0).inputs().size());
        r = compare(layerNorm(false), new Tensor[] {randn(rnd, 2, 5, 8)}, "FuseLayerNorm", 1);
        assertEquals(List.of("LayerNormalization"), r.ops());
    }

    /** BERT-style self-attention over [B, S, H * D] projections, with a [B, 1, 1, S] additive mask. */
    private G attention(boolean headTransposes) {
        long b = 2;
        long s = 5;
        long h = 3;
        long d = 4;
        G g = new G().input("q", b, s, h * d).input("k", b, s, h * d).input("v", b, s, h * d).input("mask", b, 1, 1, s)
                .init("split", Tensor.ofLongs(new long[] {b, s, h, d}, 4))
                .init("merge", Tensor.ofLongs(new long[] {b, s, h * d}, 3)).scalar("scale", (float) Math.sqrt(d));
        for (String t : List.of("q", "k", "v")) {
            g.node("Reshape", List.of(t, "split"), t + "4");
        }
        if (headTransposes) {
            g.node("Transpose", List.of("q4"), "qh", "perm", new long[] {0, 2, 1, 3})
                    .node("Transpose", List.of("k4"), "kt", "perm", new long[] {0, 2, 3, 1})
                    .node("Transpose", List.of("v4"), "vh", "perm", new long[] {0, 2, 1, 3});
        } else {
            // Heads stay where they are; attention runs over the last two dims [S?, D] per (b, s) -- any 4-D works.
            g.node("Identity", List.of("q4"), "qh").node("Transpose", List.of("k4"), "kt", "perm", new long[] {0, 1, 3, 2})
                    .node("Identity", List.of("v4"), "vh");
        }
        g.node("MatMul", List.of("qh", "kt"), "sc").node("Div", List.of("sc", "scale"), "scs");
        if (headTransposes) {
            g.node("Add", List.of("scs", "mask"), "sm");
        }
        g.node("Softmax", List.of(headTransposes ? "sm" : "scs"), "p", "axis", -1L).node("MatMul", List.of("p", "vh"), "o");
        if (headTransposes) {
            g.node("Transpose", List.of("o"), "ot", "perm", new long[] {0, 2, 1, 3})
                    .node("Reshape", List.of("ot", "merge"), "y");
        } else {
            g.node("Identity", List.of("o"), "y");
        }
        return g.output("y");
    }

    @Test
    void fusesAttentionWithHeadTransposes() {
        Tensor mask = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 2, 1, 1, 5);
        mask.setDouble(4, -10000);
        mask.setDouble(8, -10000);
        Run r = compare(attention(true), new Tensor[] {randn(rnd, 2, 5, 12), randn(rnd, 2, 5, 12), randn(rnd, 2, 5, 12),
            mask}, "FuseAttention", 1);
        assertTrue(r.ops().contains("FusedAttention"));
        assertTrue(!r.ops().contains("Transpose") && !r.ops().contains("Softmax"), r.ops().toString());
        assertEquals("BSHD", r.graph().nodes().stream().filter(n -> n.opType().equals("FusedAttention")).findFirst()
                .orElseThrow().attrString("layout", ""));
    }

    @Test
    void fusesAttentionWithoutMaskInPlace() {
        Tensor unused = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 2, 1, 1, 5);
        Run r = compare(attention(false), new Tensor[] {randn(rnd, 2, 5, 12), randn(rnd, 2, 5, 12), randn(rnd, 2, 5, 12),
            unused}, "FuseAttention", 1);
        assertEquals("BHSD", r.graph().nodes().stream().filter(n -> n.opType().equals("FusedAttention")).findFirst()
                .orElseThrow().attrString("layout", ""));
    }
}
