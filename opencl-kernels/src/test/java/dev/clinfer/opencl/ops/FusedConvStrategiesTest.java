package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.FusedOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.GemmTestNodes.LONG_TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.i;
import static dev.clinfer.opencl.ops.GemmTestNodes.ints;
import static dev.clinfer.opencl.ops.GemmTestNodes.s;
import static dev.clinfer.opencl.ops.LauncherHarness.randn;

/**
 * FusedConv's activation epilogue through each Conv strategy (the direct kernel, and the GEMM /
 * im2col / depthwise kernels that GPUs use), against the Java kernel on PoCL.
 */
class FusedConvStrategiesTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(23);

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

    private static Node fused(Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return new Node("fusedconv0", "FusedConv", FusedOps.DOMAIN, List.of("in0", "in1", "in2"), List.of("out0"), m, 1);
    }

    private static Attribute floats(String name, float... v) {
        return new Attribute(name, Attribute.Type.FLOATS, 0, 0, null, null, null, v, null, null, null, null);
    }

    @Test
    void everyStrategyAppliesTheActivation() {
        Object[][] acts = {{"Relu", new float[0]}, {"Clip", new float[] {0f, 6f}}, {"HardSwish", new float[0]},
            {"LeakyRelu", new float[] {0.1f}}};
        for (String strategy : new String[] {"direct", "gemm"}) {
            ConvPlan.force = strategy;
            try {
                for (Object[] a : acts) {
                    Attribute act = s("activation", (String) a[0]);
                    Attribute p = floats("activation_params", (float[]) a[1]);
                    Tensor x = randn(rnd, 1, 8, 9, 11);
                    h.checkSupported(fused(act, p), new Tensor[] {x, randn(rnd, 5, 8, 1, 1), randn(rnd, 5)},
                            Set.of(1, 2), TOL);
                    h.checkSupported(fused(act, p, i("group", 8), ints("pads", 1, 1, 1, 1)),
                            new Tensor[] {x, randn(rnd, 8, 1, 3, 3), randn(rnd, 8)}, Set.of(1, 2), TOL);
                    // A wide depthwise row, through the tile and (tile 0) the in-place kernel's
                    // vector interior and scalar borders.
                    Tensor wide = randn(rnd, 1, 4, 5, 40);
                    for (int tile : new int[] {ConvLaunchers.DW_TILE, 0}) {
                        ConvLaunchersTestHook.setDwTile(tile);
                        try {
                            h.checkSupported(fused(act, p, i("group", 4), ints("pads", 1, 1, 1, 1)),
                                    new Tensor[] {wide, randn(rnd, 4, 1, 3, 3), randn(rnd, 4)}, Set.of(1, 2), TOL);
                        } finally {
                            ConvLaunchersTestHook.setDwTile(ConvLaunchers.DW_TILE);
                        }
                    }
                    h.checkSupported(fused(act, p, ints("pads", 1, 1, 1, 1), ints("strides", 2, 1)),
                            new Tensor[] {x, randn(rnd, 11, 8, 3, 3), randn(rnd, 11)}, Set.of(1, 2), LONG_TOL);
                }
            } finally {
                ConvPlan.force = null;
            }
        }
    }
}
