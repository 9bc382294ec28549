package dev.clinfer.passes;

import dev.clinfer.api.Tensor;
import dev.clinfer.passes.FusionTestSupport.G;
import dev.clinfer.passes.FusionTestSupport.Run;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.clinfer.passes.FusionTestSupport.compare;
import static dev.clinfer.passes.FusionTestSupport.randn;
import static dev.clinfer.passes.FusionTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Elementwise chains fused into one FusedElementwise node. */
class ElementwiseFusionTest {
    private final Random rnd = new Random(11);

    @Test
    void fusesChainWithBroadcastOperands() {
        // y = Sigmoid(x * 0.5 + bias[C,1]) * x - z[W], with x [2, C, H, W]
        G g = new G().input("x", 2, 3, 4, 5).input("z", 5).init("bias", randn(rnd, 3, 1, 1)).scalar("half", 0.5f)
                .node("Mul", List.of("x", "half"), "a").node("Add", List.of("a", "bias"), "b")
                .node("Sigmoid", List.of("b"), "c").node("Mul", List.of("c", "x"), "d")
                .node("Sub", List.of("d", "z"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 4, 5), randn(rnd, 5)}, "FuseElementwise", 1);
        assertEquals(List.of("FusedElementwise"), r.ops());
        assertEquals(5, r.report().fusions().get("FuseElementwise.nodes"));
    }

    @Test
    void fusesHardSwishChainAndUnaryOps() {
        G g = new G().input("x", 4, 33).scalar("three", 3f).scalar("six", 6f)
                .node("Add", List.of("x", "three"), "a").node("Clip", List.of("a"), "cl", "min", 0f, "max", 6f)
                .node("Mul", List.of("x", "cl"), "m").node("Div", List.of("m", "six"), "h")
                .node("Abs", List.of("h"), "ab").node("Sqrt", List.of("ab"), "s").node("Neg", List.of("s"), "n")
                .node("Exp", List.of("n"), "e").node("Tanh", List.of("e"), "t").node("Erf", List.of("t"), "y")
                .output("y");
        g.opset = 13;
        compare(g, new Tensor[] {uniform(rnd, -6, 6, 4, 33)}, "FuseElementwise", 1);
    }

    @Test
    void stopsAtValuesReadTwice() {
        // b is read by c and by the output Add: the chain splits there.
        G g = new G().input("x", 3, 7).scalar("two", 2f)
                .node("Mul", List.of("x", "two"), "a").node("Relu", List.of("a"), "b")
                .node("Exp", List.of("b"), "c").node("Neg", List.of("c"), "d")
                .node("Add", List.of("b", "d"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 3, 7)}, "FuseElementwise", 2);
        assertEquals(List.of("FusedElementwise", "FusedElementwise"), r.ops());
    }

    @Test
    void scalarConstantOfHigherRankKeepsOutputRank() {
        // x is 1-D, the constant [1, 1] lifts the result to rank 2: it must stay an input.
        G g = new G().input("x", 4).init("c", Tensor.of(new float[] {2f}, 1, 1))
                .node("Mul", List.of("x", "c"), "a").node("Relu", List.of("a"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 4)}, "FuseElementwise", 1);
        assertEquals(2, r.outputs()[0].rank());
    }

    @Test
    void integerChainsAreLeftAlone() {
        G g = new G().input("x", 3).node("Cast", List.of("x"), "i", "to", 7L).node("Neg", List.of("i"), "n")
                .node("Abs", List.of("n"), "a").node("Cast", List.of("a"), "y", "to", 1L).output("y");
        compare(g, new Tensor[] {randn(rnd, 3)}, "FuseElementwise", 0);
    }
}
