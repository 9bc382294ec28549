package dev.clinfer.passes;

import dev.clinfer.api.Tensor;
import dev.clinfer.passes.FusionTestSupport.G;
import dev.clinfer.passes.FusionTestSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static dev.clinfer.passes.FusionTestSupport.compare;
import static dev.clinfer.passes.FusionTestSupport.randn;
import static dev.clinfer.passes.FusionTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNorm/affine folding into Conv/Gemm/MatMul, and Conv + activation fusion. */
class ConvFusionTest {
    private final Random rnd = new Random(7);

    private G conv(boolean bias) {
        G g = new G().input("x", 2, 3, 9, 9).init("w", randn(rnd, 4, 3, 3, 3));
        if (bias) {
            g.init("b", randn(rnd, 4));
        }
        return g.node("Conv", bias ? List.of("x", "w", "b") : List.of("x", "w"), "c",
                "pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 1});
    }

    private G batchNorm(G g, String in, int c) {
        return g.init("s", randn(rnd, c)).init("bb", randn(rnd, c)).init("m", randn(rnd, c))
                .init("v", uniform(rnd, 0.5, 1.5, c))
                .node("BatchNormalization", List.of(in, "s", "bb", "m", "v"), "y", "epsilon", 1e-3f).output("y");
    }

    @Test
    void foldsBatchNormIntoConv() {
        for (boolean bias : new boolean[] {true, false}) {
            G g = batchNorm(conv(bias), "c", 4);
            Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FoldBatchNorm", 1);
            assertEquals(List.of("Conv"), r.ops());
        }
    }

    @Test
    void foldsBatchNormIntoGemmAndMatMul() {
        G gemm = new G().input("a", 5, 6).init("w", randn(rnd, 4, 6)).init("c", randn(rnd, 4))
                .node("Gemm", List.of("a", "w", "c"), "g", "transB", 1L, "beta", 0.5f, "alpha", 2f);
        Run r = compare(batchNorm(gemm, "g", 4), new Tensor[] {randn(rnd, 5, 6)}, "FoldBatchNorm", 1);
        assertEquals(List.of("Gemm"), r.ops());
        G mm = new G().input("a", 5, 6).init("w", randn(rnd, 6, 4)).node("MatMul", List.of("a", "w"), "g");
        r = compare(batchNorm(mm, "g", 4), new Tensor[] {randn(rnd, 5, 6)}, "FoldBatchNorm", 1);
        assertEquals(List.of("Gemm"), r.ops());
    }

    @Test
    void keepsBatchNormWhenConvOutputIsReadTwice() {
        G g = batchNorm(conv(true), "c", 4).node("Relu", List.of("c"), "r").output("r");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FoldBatchNorm", 0);
        assertEquals(1, r.ops().stream().filter("BatchNormalization"::equals).count());
    }

    @Test
    void foldsPerChannelMulAndAddIntoConv() {
        G g = conv(true).init("k", randn(rnd, 1)).init("t", randn(rnd, 4, 1, 1))
                .node("Mul", List.of("k", "c"), "m").node("Add", List.of("m", "t"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FoldConvAffine", 2);
        assertEquals(List.of("Conv"), r.ops());
    }

    @Test
    void foldsBiasAddAndBatchNormIntoGroupedConvTranspose() {
        // PP-OCR det's head: ConvTranspose -> Add bias [1, M, 1, 1] -> BatchNorm -> Relu; M = 2 groups * 3.
        G g = new G().input("x", 1, 4, 5, 5).init("w", randn(rnd, 4, 3, 2, 2)).init("bias", randn(rnd, 1, 6, 1, 1))
                .node("ConvTranspose", List.of("x", "w"), "c", "group", 2L, "strides", new long[] {2, 2})
                .node("Add", List.of("c", "bias"), "cb");
        g.init("s", randn(rnd, 6)).init("bb", randn(rnd, 6)).init("m", randn(rnd, 6)).init("v", uniform(rnd, 0.5, 1.5, 6))
                .node("BatchNormalization", List.of("cb", "s", "bb", "m", "v"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 1, 4, 5, 5)}, "FoldBatchNorm", 1);
        assertEquals(List.of("ConvTranspose"), r.ops());
        assertEquals(1, r.report().fusions().get("FoldConvAffine"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "HardSigmoid", "HardSwish", "LeakyRelu", "Sigmoid", "Clip"})
    void fusesActivation(String act) {
        G g = conv(true);
        if (act.equals("Clip")) {
            g.scalar("lo", 0f).scalar("hi", 6f).node("Clip", List.of("c", "lo", "hi"), "y");
        } else if (act.equals("LeakyRelu")) {
            g.node(act, List.of("c"), "y", "alpha", 0.1f);
        } else if (act.equals("HardSigmoid")) {
            g.node(act, List.of("c"), "y", "alpha", 0.3f, "beta", 0.4f);
        } else {
            g.node(act, List.of("c"), "y");
        }
        g.output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FuseConvActivation", 1);
        assertEquals(List.of("FusedConv"), r.ops());
        assertEquals(act, r.graph().nodes().get(0).attrString("activation", ""));
    }

    @Test
    void fusesClipOfOldOpsetAndSwish() {
        G g = conv(false);
        g.opset = 9;
        g.node("Clip", List.of("c"), "y", "min", 0f, "max", 6f).output("y");
        compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FuseConvActivation", 1);
        G s = conv(true).node("Sigmoid", List.of("c"), "sg").node("Mul", List.of("sg", "c"), "y").output("y");
        Run r = compare(s, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FuseConvActivation", 1);
        assertEquals("Swish", r.graph().nodes().get(0).attrString("activation", ""));
    }

    @Test
    void fusesDecomposedHardSwishAfterFoldedBatchNorm() {
        // PP-OCR's pattern: Conv -> BN -> x * Clip(x + 3, 0, 6) / 6
        G g = conv(true).init("s", randn(rnd, 4)).init("bb", randn(rnd, 4)).init("m", randn(rnd, 4))
                .init("v", uniform(rnd, 0.5, 1.5, 4))
                .node("BatchNormalization", List.of("c", "s", "bb", "m", "v"), "n")
                .scalar("three", 3f).scalar("zero", 0f).scalar("six", 6f)
                .node("Add", List.of("n", "three"), "a").node("Clip", List.of("a", "zero", "six"), "cl")
                .node("Mul", List.of("n", "cl"), "mu").node("Div", List.of("mu", "six"), "y").output("y");
        Run r = compare(g, new Tensor[] {uniform(rnd, -8, 8, 2, 3, 9, 9)}, "FuseConvActivation", 1);
        assertEquals(List.of("FusedConv"), r.ops());
        assertEquals("HardSwish", r.graph().nodes().get(0).attrString("activation", ""));
        assertEquals(1, r.report().fusions().get("FoldBatchNorm"));
    }

    @Test
    void leavesActivationWhenConvOutputIsAGraphOutput() {
        G g = conv(true).node("Relu", List.of("c"), "y").output("y").output("c");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9)}, "FuseConvActivation", 0);
        assertFalse(r.ops().contains("FusedConv"));
    }

    private G residual(long... rShape) {
        return new G().input("x", 2, 3, 9, 9).input("r", rShape).init("w", randn(rnd, 4, 3, 3, 3))
                .init("b", randn(rnd, 4)).node("Conv", List.of("x", "w", "b"), "c", "pads", new long[] {1, 1, 1, 1});
    }

    @Test
    void fusesResidualAddAndActivation() {
        // ResNet's block end: Relu(Add(r, Conv(x))).
        G g = residual(2, 4, 9, 9).node("Add", List.of("r", "c"), "s").node("Relu", List.of("s"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9), randn(rnd, 2, 4, 9, 9)}, "FuseConvAdd", 1);
        assertEquals(List.of("FusedConvAdd"), r.ops());
        assertEquals("Relu", r.graph().nodes().get(0).attrString("activation", ""));
        assertEquals(List.of("x", "w", "b", "r"), r.graph().nodes().get(0).inputs());
    }

    @Test
    void fusesResidualAddWithoutActivation() {
        // MobileNet v2's block end: Add(Conv(x), r), read by two later nodes.
        G g = residual(2, 4, 9, 9).node("Add", List.of("c", "r"), "s").node("Relu", List.of("s"), "y1")
                .node("Sigmoid", List.of("s"), "y2").output("y1").output("y2");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9), randn(rnd, 2, 4, 9, 9)}, "FuseConvAdd", 1);
        assertEquals("FusedConvAdd", r.ops().get(0));
        assertEquals("", r.graph().nodes().get(0).attrString("activation", ""));
    }

    @Test
    void leavesBroadcastResidualAndSharedConvOutput() {
        G g = residual(1, 4, 1, 1).node("Add", List.of("c", "r"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 9, 9), randn(rnd, 1, 4, 1, 1)}, "FuseConvAdd", 0);
        assertTrue(r.ops().contains("Add"));
        G shared = residual(2, 4, 9, 9).node("Add", List.of("c", "r"), "y").output("y").output("c");
        compare(shared, new Tensor[] {randn(rnd, 2, 3, 9, 9), randn(rnd, 2, 4, 9, 9)}, "FuseConvAdd", 0);
    }
}
