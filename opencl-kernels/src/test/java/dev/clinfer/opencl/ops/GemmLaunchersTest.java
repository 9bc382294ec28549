package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.tune.GemmConfig;
import dev.clinfer.opencl.tune.GemmTuner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.GemmTestNodes.LONG_TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.f;
import static dev.clinfer.opencl.ops.GemmTestNodes.i;
import static dev.clinfer.opencl.ops.GemmTestNodes.node;
import static dev.clinfer.opencl.ops.LauncherHarness.randn;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MatMul and Gemm launchers against the Java operators on PoCL. */
class GemmLaunchersTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(7);

    @BeforeAll
    static void open() {
        h = new LauncherHarness("jocl");
    }

    @AfterAll
    static void close() {
        if (h != null) {
            h.close();
        }
    }

    private void matMul(long[] a, long[] b) {
        Node n = node("MatMul", 13, 2, 1);
        h.checkSupported(n, new Tensor[] {randn(rnd, a), randn(rnd, b)}, Set.of(), a[a.length - 1] > 200 ? LONG_TOL : TOL);
    }

    @Test
    void matMulOddSizesTiledAndDirect() {
        matMul(new long[] {67, 45}, new long[] {45, 83});
        matMul(new long[] {100, 129}, new long[] {129, 33});
        matMul(new long[] {3, 7}, new long[] {7, 5});
        matMul(new long[] {1, 300}, new long[] {300, 70});
        matMul(new long[] {64, 64}, new long[] {64, 64});
        matMul(new long[] {40, 3}, new long[] {3, 50});
        matMul(new long[] {40, 0}, new long[] {0, 50});
        // B rows 1 KiB apart and enough rows: B is packed on CPU devices
        matMul(new long[] {130, 40}, new long[] {40, 256});
    }

    @Test
    void matMulVectorsPromote() {
        matMul(new long[] {37}, new long[] {37, 41});
        matMul(new long[] {41, 37}, new long[] {37});
        matMul(new long[] {37}, new long[] {37});
        matMul(new long[] {2, 3, 37}, new long[] {37});
        matMul(new long[] {37}, new long[] {4, 37, 9});
    }

    @Test
    void matMulBatchedBroadcast() {
        matMul(new long[] {2, 12, 16, 64}, new long[] {2, 12, 64, 16});
        matMul(new long[] {2, 16, 384}, new long[] {384, 384});
        matMul(new long[] {3, 1, 35, 20}, new long[] {1, 4, 20, 33});
        matMul(new long[] {5, 40, 47}, new long[] {1, 47, 39});
        matMul(new long[] {33, 20}, new long[] {3, 20, 50});
        matMul(new long[] {2, 1, 3, 1, 9, 17}, new long[] {2, 1, 2, 17, 40});
    }

    @Test
    void gemmTransposesAlphaBetaAndBias() {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                int m = 45;
                int k = 71;
                int n = 39;
                long[] as = ta == 1 ? new long[] {k, m} : new long[] {m, k};
                long[] bs = tb == 1 ? new long[] {n, k} : new long[] {k, n};
                for (long[] cs : new long[][] {{m, n}, {n}, {1, n}, {m, 1}, {1}, {}}) {
                    Node nd = node("Gemm", 13, 3, 1, i("transA", ta), i("transB", tb), f("alpha", 0.7f),
                            f("beta", -1.3f));
                    h.checkSupported(nd, new Tensor[] {randn(rnd, as), randn(rnd, bs), randn(rnd, cs)}, Set.of(2), TOL);
                }
                Node nd = node("Gemm", 13, 2, 1, i("transA", ta), i("transB", tb), f("alpha", 2f));
                h.checkSupported(nd, new Tensor[] {randn(rnd, as), randn(rnd, bs)}, Set.of(), TOL);
            }
        }
    }

    @Test
    void gemmClassifierRowAndBetaZero() {
        Node nd = node("Gemm", 11, 3, 1, i("transB", 1));
        h.checkSupported(nd, new Tensor[] {randn(rnd, 1, 512), randn(rnd, 1000, 512), randn(rnd, 1000)}, Set.of(1, 2), LONG_TOL);
        Node z = node("Gemm", 11, 3, 1, f("beta", 0f));
        h.checkSupported(z, new Tensor[] {randn(rnd, 70, 33), randn(rnd, 33, 90), randn(rnd, 70, 90)}, Set.of(), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemm_tiled", "gemm_cpu", "gemm_cpu_packed", "gemm_direct"})
    void everyKernelOnEveryShape(String kernel) {
        GemmCall.forceKernel = kernel;
        try {
            matMulOddSizesTiledAndDirect();
            matMulBatchedBroadcast();
            gemmTransposesAlphaBetaAndBias();
        } finally {
            GemmCall.forceKernel = null;
        }
    }

    /** Every tuning candidate's block, B packed and in place, on the odd shapes (edges, batches, strides). */
    @ParameterizedTest
    @ValueSource(strings = {"8x2x6p1", "8x3x4p1", "16x2x6p1", "16x4x3p1"})
    void everyCandidateBlock(String config) {
        assertTrue(GemmTuner.candidates(null).contains(GemmConfig.parse(config).withPackMinM(GemmConfig.CPU_DEFAULT.packMinM())));
        String old = System.getProperty(GemmTuner.PROPERTY);
        System.setProperty(GemmTuner.PROPERTY, config);
        try {
            for (String kernel : new String[] {"gemm_cpu", "gemm_cpu_packed"}) {
                GemmCall.forceKernel = kernel;
                matMulOddSizesTiledAndDirect();
                matMulBatchedBroadcast();
                gemmTransposesAlphaBetaAndBias();
            }
        } finally {
            GemmCall.forceKernel = null;
            if (old == null) {
                System.clearProperty(GemmTuner.PROPERTY);
            } else {
                System.setProperty(GemmTuner.PROPERTY, old);
            }
        }
    }

    @Test
    void declinesNonFloat() {
        Node n = node("MatMul", 13, 2, 1);
        Tensor a = Tensor.allocate(dev.clinfer.api.DataType.INT32, new long[] {3, 4});
        Tensor b = Tensor.allocate(dev.clinfer.api.DataType.INT32, new long[] {4, 5});
        assertFalse(h.check(n, new Tensor[] {a, b}, Set.of(), TOL));
    }
}
