package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static dev.clinfer.ops.ControlFlowTestSupport.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NLL and softmax cross-entropy losses against hand-computed values. */
class LossOpsTest {
    private static final Tensor X = Tensor.of(new float[] {-1, -2, -3, -4, -5, -6}, 2, 3);
    private static final Tensor W = Tensor.of(new float[] {1, 2, 3}, 3);

    private static Node nll(Attribute... a) {
        return node("NegativeLogLikelihoodLoss", 13, List.of("x", "t", "w"), List.of("y"), a);
    }

    @Test
    void nllWeightedMean() {
        // rows pick class 0 (-1, w 1) and class 2 (-6, w 3): (1*1 + 6*3) / (1 + 3).
        Tensor[] out = LossOps.nll(nll(), new Tensor[] {X, Tensor.ofLongs(new long[] {0, 2}, 2), W}, CTX);
        assertEquals(0, out[0].rank());
        assertEquals(19.0 / 4, out[0].getDouble(0), 1e-6);
    }

    @Test
    void nllIgnoreIndexSumAndNone() {
        Tensor t = Tensor.ofLongs(new long[] {1, -1}, 2);
        assertEquals(4, LossOps.nll(nll(s("reduction", "sum"), i("ignore_index", -1)),
                new Tensor[] {X, t, W}, CTX)[0].getDouble(0), 1e-6);
        Tensor none = LossOps.nll(nll(s("reduction", "none"), i("ignore_index", -1)), new Tensor[] {X, t, null}, CTX)[0];
        assertArrayEquals(new float[] {2, 0}, none.toFloatArray());
    }

    @Test
    void nllKeepsSpatialDims() {
        // [N=1, C=2, d=2]: element d picks class t[d] at position d.
        Tensor x = Tensor.of(new float[] {-1, -2, -3, -4}, 1, 2, 2);
        Tensor out = LossOps.nll(nll(s("reduction", "none")), new Tensor[] {x, Tensor.ofLongs(new long[] {1, 0}, 1, 2)},
                CTX)[0];
        assertArrayEquals(new long[] {1, 2}, out.shape());
        assertArrayEquals(new float[] {3, 2}, out.toFloatArray());
    }

    @Test
    void softmaxCrossEntropyWithLogProb() {
        // scores [0, ln 3]: softmax [1/4, 3/4].
        Tensor sc = Tensor.of(new float[] {0, (float) Math.log(3)}, 1, 2);
        Node n = node("SoftmaxCrossEntropyLoss", 13, List.of("s", "l"), List.of("y", "lp"));
        Tensor[] out = LossOps.sce(n, new Tensor[] {sc, Tensor.ofLongs(new long[] {1}, 1)}, CTX);
        assertEquals(-Math.log(0.75), out[0].getDouble(0), 1e-6);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, out[1].toFloatArray(), 1e-6f);
    }
}
