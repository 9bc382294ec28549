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

/** MatMul + Add to Gemm / FusedMatMul, and transposes folded into Gemm operands. */
class GemmFusionTest {
    private final Random rnd = new Random(3);

    @Test
    void matMulPlusBiasBecomesGemm() {
        G g = new G().input("a", 5, 6).init("w", randn(rnd, 6, 4)).init("b", randn(rnd, 4))
                .node("MatMul", List.of("a", "w"), "m").node("Add", List.of("b", "m"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 5, 6)}, "MatMulAddToGemm", 1);
        assertEquals(List.of("Gemm"), r.ops());
    }

    @Test
    void batchedMatMulPlusBiasBecomesFusedMatMul() {
        G g = new G().input("a", 2, 3, 6).init("w", randn(rnd, 6, 4)).init("b", randn(rnd, 1, 1, 4))
                .node("MatMul", List.of("a", "w"), "m").node("Add", List.of("m", "b"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 2, 3, 6)}, "MatMulAddToGemm", 1);
        assertEquals(List.of("FusedMatMul"), r.ops());
    }

    @Test
    void leavesBiasThatVariesAlongRows() {
        G g = new G().input("a", 5, 6).init("w", randn(rnd, 6, 4)).init("b", randn(rnd, 5, 4))
                .node("MatMul", List.of("a", "w"), "m").node("Add", List.of("m", "b"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 5, 6)}, "MatMulAddToGemm", 0);
        assertEquals(List.of("MatMul", "Add"), r.ops());
    }

    @Test
    void foldsTransposesIntoGemmFlags() {
        G g = new G().input("a", 6, 5).input("bt", 4, 6)
                .node("Transpose", List.of("a"), "at", "perm", new long[] {1, 0})
                .node("Transpose", List.of("bt"), "b", "perm", new long[] {1, 0})
                .node("MatMul", List.of("at", "b"), "y").output("y");
        Run r = compare(g, new Tensor[] {randn(rnd, 6, 5), randn(rnd, 4, 6)}, "FoldTransposeIntoGemm", 2);
        assertEquals(List.of("Gemm"), r.ops());
        assertEquals(1, r.graph().nodes().get(0).attrInt("transA", 0));
        assertEquals(1, r.graph().nodes().get(0).attrInt("transB", 0));
        G t = new G().input("a", 5, 6).input("b", 6, 4).init("c", randn(rnd, 4))
                .node("Transpose", List.of("b"), "bt", "perm", new long[] {1, 0})
                .node("Gemm", List.of("a", "bt", "c"), "y", "transB", 1L).output("y");
        r = compare(t, new Tensor[] {randn(rnd, 5, 6), randn(rnd, 6, 4)}, "FoldTransposeIntoGemm", 1);
        assertEquals(0, r.graph().nodes().get(0).attrInt("transB", 1));
    }
}
