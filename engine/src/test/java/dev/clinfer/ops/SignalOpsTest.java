package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.i;
import static dev.clinfer.ops.ControlFlowTestSupport.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Window functions, DFT, STFT and MelWeightMatrix against hand-computed values. */
class SignalOpsTest {
    private static final float EPS = 1e-5f;
    private static final float H = (float) (Math.sqrt(3) / 2);

    private static Node n(String op, List<String> in, Attribute... a) {
        return node(op, 17, in, List.of("y"), a);
    }

    private static Tensor[] run(String op, Node node, Tensor... in) {
        OpRegistry r = new OpRegistry();
        SignalOps.register(r);
        return r.find("", op).run(node, in, CTX);
    }

    @Test
    void windows() {
        assertArrayEquals(new float[] {0, 0.5f, 1, 0.5f},
                run("HannWindow", n("HannWindow", List.of("n")), Tensor.scalar(4L))[0].toFloatArray(), EPS);
        assertArrayEquals(new float[] {0, 1, 0}, run("HannWindow", n("HannWindow", List.of("n"), i("periodic", 0)),
                Tensor.scalar(3L))[0].toFloatArray(), EPS);
        // Hamming: 25/46 - 21/46 cos; Blackman: 0.42 - 0.5 cos + 0.08 cos 2x, at x = 0 and pi.
        assertArrayEquals(new float[] {4f / 46, 1, 4f / 46}, run("HammingWindow",
                n("HammingWindow", List.of("n"), i("periodic", 0)), Tensor.scalar(3L))[0].toFloatArray(), EPS);
        assertArrayEquals(new float[] {0, 1}, run("BlackmanWindow", n("BlackmanWindow", List.of("n")),
                Tensor.scalar(2L))[0].toFloatArray(), EPS);
    }

    @Test
    void dftPowerOfTwoAndOddLengths() {
        Tensor x4 = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4, 1);
        assertArrayEquals(new float[] {10, 0, -2, 2, -2, 0, -2, -2},
                run("DFT", n("DFT", List.of("x")), x4)[0].toFloatArray(), EPS);
        Tensor x3 = Tensor.of(new float[] {1, 2, 3}, 1, 3, 1);
        assertArrayEquals(new float[] {6, 0, -1.5f, H, -1.5f, -H},
                run("DFT", n("DFT", List.of("x")), x3)[0].toFloatArray(), EPS);
        // onesided keeps bins 0..n/2; dft_length 2 truncates the signal to [1, 2].
        assertArrayEquals(new float[] {10, 0, -2, 2, -2, 0},
                run("DFT", n("DFT", List.of("x"), i("onesided", 1)), x4)[0].toFloatArray(), EPS);
        assertArrayEquals(new float[] {3, 0, -1, 0},
                run("DFT", n("DFT", List.of("x", "len")), x4, Tensor.scalar(2L))[0].toFloatArray(), EPS);
    }

    @Test
    void dftInverseAlongAxis2() {
        // [1, 2, 3, 2] complex along axis 2: row 0 holds the spectrum of [1, 2, 3], row 1 of [1, 0, 0].
        Tensor spec = Tensor.of(new float[] {6, 0, -1.5f, H, -1.5f, -H, 1, 0, 1, 0, 1, 0}, 1, 2, 3, 2);
        assertArrayEquals(new float[] {1, 0, 2, 0, 3, 0, 1, 0, 0, 0, 0, 0},
                run("DFT", n("DFT", List.of("x"), i("axis", 2), i("inverse", 1)), spec)[0].toFloatArray(), EPS);
    }

    @Test
    void stftFramesWithWindow() {
        Tensor sig = Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 5, 1);
        Tensor win = Tensor.of(new float[] {1, 0.5f}, 2);
        Tensor out = run("STFT", n("STFT", List.of("s", "step", "w")), sig, Tensor.scalar(2L), win)[0];
        // frames [1, 2] and [3, 4] weighted to [1, 1] and [3, 2]; bins x0 + x1, x0 - x1.
        assertArrayEquals(new long[] {1, 2, 2, 2}, out.shape());
        assertArrayEquals(new float[] {2, 0, 0, 0, 5, 0, 1, 0}, out.toFloatArray(), EPS);
    }

    @Test
    void melWeightMatrixSmallCase() {
        // 0..8000 Hz at 16 kHz, dft 8: the mel points land in bins 0, 0, 1, so the one filter is [1, 0, 0, 0, 0].
        Tensor out = run("MelWeightMatrix", n("MelWeightMatrix", List.of("a", "b", "c", "d", "e")),
                Tensor.ofInts(new int[] {1}), Tensor.ofInts(new int[] {8}), Tensor.ofInts(new int[] {16000}),
                Tensor.scalar(0f), Tensor.scalar(8000f))[0];
        assertArrayEquals(new long[] {5, 1}, out.shape());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0}, out.toFloatArray(), EPS);
    }
}
