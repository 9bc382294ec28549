package dev.clinfer.opencl.ops;

import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.FusedExpression;
import dev.clinfer.ops.FusedExpression.Op;
import dev.clinfer.ops.FusedExpression.Step;
import dev.clinfer.ops.FusedOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.clinfer.opencl.ops.GemmTestNodes.LONG_TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.TOL;
import static dev.clinfer.opencl.ops.GemmTestNodes.f;
import static dev.clinfer.opencl.ops.GemmTestNodes.i;
import static dev.clinfer.opencl.ops.GemmTestNodes.ints;
import static dev.clinfer.opencl.ops.GemmTestNodes.s;
import static dev.clinfer.opencl.ops.LauncherHarness.randn;

/** The launchers of the graph optimiser's fused nodes against their Java kernels, on PoCL. */
class FusedLaunchersTest {
    private static LauncherHarness h;
    private final Random rnd = new Random(17);

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

    private static Node fused(String op, int inputs, Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        List<String> in = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            in.add("in" + k);
        }
        return new Node(op.toLowerCase() + "0", op, FusedOps.DOMAIN, in, List.of("out0"), m, 1);
    }

    private static Attribute floats(String name, float... v) {
        return new Attribute(name, Attribute.Type.FLOATS, 0, 0, null, null, null, v, null, null, null, null);
    }

    private static Attribute strings(String name, List<String> v) {
        return new Attribute(name, Attribute.Type.STRINGS, 0, 0, null, null, null, null, null, v, null, null);
    }

    @Test
    void fusedConvAppliesEachActivation() {
        Object[][] acts = {{"Relu", new float[0]}, {"Clip", new float[] {0f, 6f}}, {"HardSigmoid", new float[] {0.2f, 0.5f}},
            {"HardSwish", new float[0]}, {"LeakyRelu", new float[] {0.1f}}, {"Sigmoid", new float[0]}, {"Swish", new float[0]}};
        for (Object[] a : acts) {
            Attribute act = s("activation", (String) a[0]);
            Attribute p = floats("activation_params", (float[]) a[1]);
            // 1x1 (GEMM), depthwise, and 3x3 (im2col + GEMM), all with bias.
            Tensor x = randn(rnd, 1, 8, 6, 7);
            h.checkSupported(fused("FusedConv", 3, act, p), new Tensor[] {x, randn(rnd, 5, 8, 1, 1), randn(rnd, 5)},
                    Set.of(1, 2), TOL);
            h.checkSupported(fused("FusedConv", 3, act, p, i("group", 8), ints("pads", 1, 1, 1, 1)),
                    new Tensor[] {x, randn(rnd, 8, 1, 3, 3), randn(rnd, 8)}, Set.of(1, 2), TOL);
            h.checkSupported(fused("FusedConv", 3, act, p, ints("pads", 1, 1, 1, 1), ints("strides", 2, 1)),
                    new Tensor[] {x, randn(rnd, 4, 8, 3, 3), randn(rnd, 4)}, Set.of(1, 2), LONG_TOL);
        }
    }

    @Test
    void fusedConvAddAddsTheResidualBeforeTheActivation() {
        Object[][] acts = {{"", new float[0]}, {"Relu", new float[0]}, {"Clip", new float[] {0f, 6f}}};
        for (Object[] a : acts) {
            List<Attribute> attrs = new ArrayList<>();
            if (!((String) a[0]).isEmpty()) {
                attrs.add(s("activation", (String) a[0]));
                attrs.add(floats("activation_params", (float[]) a[1]));
            }
            Tensor x = randn(rnd, 1, 8, 6, 7);
            // 3x3 with bias; odd element count (the add's tail)
            h.checkSupported(fused("FusedConvAdd", 4, with(attrs, ints("pads", 1, 1, 1, 1))),
                    new Tensor[] {x, randn(rnd, 5, 8, 3, 3), randn(rnd, 5), randn(rnd, 1, 5, 6, 7)}, Set.of(1, 2), LONG_TOL);
            // 1x1 stride 2 without bias (input 2 omitted)
            Node noBias = fused("FusedConvAdd", 4, with(attrs, ints("strides", 2, 2)));
            noBias = new Node(noBias.name(), noBias.opType(), noBias.domain(), List.of("in0", "in1", "", "in3"),
                    noBias.outputs(), noBias.attributes(), noBias.opset());
            h.checkSupported(noBias, new Tensor[] {x, randn(rnd, 16, 8, 1, 1), null, randn(rnd, 1, 16, 3, 4)},
                    Set.of(1), TOL);
        }
    }

    private static Attribute[] with(List<Attribute> attrs, Attribute more) {
        List<Attribute> l = new ArrayList<>(attrs);
        l.add(more);
        return l.toArray(new Attribute[0]);
    }

    @Test
    void fusedMatMulFlattensTheBatch() {
        h.checkSupported(fused("FusedMatMul", 3), new Tensor[] {randn(rnd, 2, 3, 24), randn(rnd, 24, 40), randn(rnd, 40)},
                Set.of(1, 2), TOL);
        h.checkSupported(fused("FusedMatMul", 3, i("transB", 1)),
                new Tensor[] {randn(rnd, 3, 5, 7), randn(rnd, 9, 7), randn(rnd, 9)}, Set.of(1, 2), TOL);
    }

    @Test
    void fusedGelu() {
        h.checkSupported(fused("FusedGelu", 1), new Tensor[] {randn(rnd, 3, 77)}, Set.of(), TOL);
        // eight per work-item: an exact multiple, and large and tiny magnitudes of both signs
        h.checkSupported(fused("FusedGelu", 1), new Tensor[] {randn(rnd, 4, 16)}, Set.of(), TOL);
        Tensor wide = Tensor.of(new float[] {-40, -12, -6, -3.5f, -1, -1e-3f, 0, 1e-3f, 0.5f, 1, 2.5f, 6, 12, 40, -0.25f},
                15);
        h.checkSupported(fused("FusedGelu", 1), new Tensor[] {wide}, Set.of(), TOL);
    }

    @Test
    void fusedElementwiseCompilesItsProgram() {
        // y = Sigmoid(x * 0.5 + bias) * x - z, clipped, with x [2,3,4,5], bias [3,1,1], z [5]
        List<Step> steps = List.of(new Step(Op.Const, -1, -1, 0.5f, 0f), new Step(Op.Mul, 0, 3, 0, 0),
                new Step(Op.Add, 4, 1, 0, 0), new Step(Op.Sigmoid, 5, -1, 0, 0), new Step(Op.Mul, 6, 0, 0, 0),
                new Step(Op.Sub, 7, 2, 0, 0), new Step(Op.Clip, 8, -1, -0.5f, 0.75f),
                new Step(Op.Abs, 9, -1, 0, 0), new Step(Op.Pow, 10, 3, 0, 0), new Step(Op.Erf, 11, -1, 0, 0));
        FusedExpression e = new FusedExpression(3, steps);
        Node n = fused("FusedElementwise", 3, strings("ops", e.opNames()),
                ints("args", e.argsAttribute()), floats("params", e.paramsAttribute()));
        h.checkSupported(n, new Tensor[] {randn(rnd, 2, 3, 4, 5), randn(rnd, 3, 1, 1), randn(rnd, 5)}, Set.of(1), TOL);
        // Same-shape inputs collapse to one dim; a scalar-shaped input broadcasts everywhere.
        h.checkSupported(n, new Tensor[] {randn(rnd, 6, 7), randn(rnd, 6, 7), randn(rnd, 1)}, Set.of(), TOL);
    }

    @Test
    void fusedAttentionBothLayouts() {
        Tensor mask = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 2, 1, 1, 6);
        mask.setDouble(5, -10000);
        h.checkSupported(fused("FusedAttention", 4, f("scale", 0.5f), s("layout", "BSHD")),
                new Tensor[] {randn(rnd, 2, 5, 3, 4), randn(rnd, 2, 6, 3, 4), randn(rnd, 2, 6, 3, 7), mask}, Set.of(), TOL);
        // Dv a multiple of 8 (the vector P V kernel) and rows longer than 8 (vector softmax + tail)
        h.checkSupported(fused("FusedAttention", 4, f("scale", 0.25f), s("layout", "BSHD")),
                new Tensor[] {randn(rnd, 1, 19, 2, 8), randn(rnd, 1, 21, 2, 8), randn(rnd, 1, 21, 2, 16),
                    Tensor.allocate(dev.clinfer.api.DataType.FLOAT, 1, 1, 1, 21)}, Set.of(), TOL);
        h.checkSupported(fused("FusedAttention", 3, f("scale", 0.3f), s("layout", "BHSD"), i("k_transposed", 1)),
                new Tensor[] {randn(rnd, 2, 3, 5, 4), randn(rnd, 2, 3, 4, 6), randn(rnd, 2, 3, 6, 8)}, Set.of(), TOL);
        h.checkSupported(fused("FusedAttention", 4, f("scale", 0.3f), s("layout", "BHSD")),
                new Tensor[] {randn(rnd, 2, 5, 4), randn(rnd, 2, 6, 4), randn(rnd, 2, 6, 8), randn(rnd, 5, 6)}, Set.of(),
                TOL);
    }
}
