package dev.clinfer.ops;

import static dev.clinfer.ops.ControlFlowTestSupport.CTX;
import static dev.clinfer.ops.ControlFlowTestSupport.f;
import static dev.clinfer.ops.ControlFlowTestSupport.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ai.onnx.preview.training optimizers against hand-computed updates. */
class TrainingOpsTest {
    private static final OpRegistry REG = new OpRegistry();

    static {
        TrainingOps.register(REG);
    }

    private static Tensor[] run(String op, int outputs, Tensor[] in, Attribute... attrs) {
        Map<String, Attribute> m = new HashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            ins.add("i" + k);
        }
        List<String> outs = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            outs.add("o" + k);
        }
        Node n = new Node(op + "0", op, TrainingOps.DOMAIN, ins, outs, m, 1);
        Operator o = REG.find(TrainingOps.DOMAIN, op);
        assertNotNull(o);
        return o.run(n, in, CTX);
    }

    private static Tensor v(float... x) {
        return Tensor.of(x, x.length);
    }

    @Test
    void adagrad() {
        // rate = 1 / (1 + 1 * 1) = 0.5; g = 1 * x + G = 3; h' = 0 + 9; x' = 1 - 0.5 * 3 / 3 = 0.5.
        // Second tensor, same rate: g = 1 * 2 + 2 = 4; h' = 9 + 16 = 25; x' = 2 - 0.5 * 4 / 5 = 1.6.
        Tensor[] out = run("Adagrad", 4, new Tensor[] {Tensor.scalar(1f), Tensor.scalar(1L), v(1), v(2), v(2), v(2),
            v(0), v(9)}, f("decay_factor", 1), f("norm_coefficient", 1), f("epsilon", 0));
        assertArrayEquals(new float[] {0.5f}, out[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1.6f}, out[1].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {9}, out[2].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {25}, out[3].toFloatArray(), 1e-6f);
    }

    @Test
    void adam() {
        // v' = 0.5 * 0 + 0.5 * 2 = 1; h' = 0.75 * 0 + 0.25 * 4 = 1;
        // T = 1: rate = 1 * sqrt(1 - 0.75) / (1 - 0.5) = 1; x' = (1 - 0.5) * (3 - 1 * 1 / 1) = 1.
        Attribute[] attrs = {f("alpha", 0.5f), f("beta", 0.75f), f("epsilon", 0), f("norm_coefficient_post", 0.5f)};
        Tensor[] out = run("Adam", 3, new Tensor[] {Tensor.scalar(1f), Tensor.scalar(1L), v(3), v(2), v(0), v(0)}, attrs);
        assertArrayEquals(new float[] {1}, out[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1}, out[1].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1}, out[2].toFloatArray(), 1e-6f);
        // T = 0: no bias correction, rate = R = 2; x' = 0.5 * (3 - 2 * 1 / 1) = 0.5.
        Tensor[] t0 = run("Adam", 3, new Tensor[] {Tensor.scalar(2f), Tensor.scalar(0L), v(3), v(2), v(0), v(0)}, attrs);
        assertArrayEquals(new float[] {0.5f}, t0[0].toFloatArray(), 1e-6f);
    }

    @Test
    void momentumStandardAndNesterov() {
        Tensor[] in = {Tensor.scalar(0.5f), Tensor.scalar(1L), v(1, 2), v(1, -1), v(2, 0)};
        Attribute[] std = {f("alpha", 0.5f), f("beta", 0.25f), s("mode", "standard"), f("norm_coefficient", 0)};
        // v' = 0.5 * [2, 0] + 0.25 * [1, -1] = [1.25, -0.25]; x' = x - 0.5 * v' = [0.375, 2.125].
        Tensor[] out = run("Momentum", 2, in, std);
        assertArrayEquals(new float[] {0.375f, 2.125f}, out[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1.25f, -0.25f}, out[1].toFloatArray(), 1e-6f);
        // T = 0: the gradient's coefficient is 1: v' = [1 + 1, 0 - 1] = [2, -1]; x' = [0, 2.5].
        in[1] = Tensor.scalar(0L);
        out = run("Momentum", 2, in, std);
        assertArrayEquals(new float[] {0, 2.5f}, out[0].toFloatArray(), 1e-6f);
        // Nesterov, T = 0: x' = x - R * (g + alpha * v') = [1 - 0.5 * 2, 2 - 0.5 * (-1.5)] = [0, 2.75].
        out = run("Momentum", 2, in, f("alpha", 0.5f), f("beta", 0.25f), s("mode", "nesterov"),
                f("norm_coefficient", 0));
        assertArrayEquals(new float[] {0, 2.75f}, out[0].toFloatArray(), 1e-6f);
        assertEquals(2, out.length);
    }

    @Test
    void rejectsUnevenGroups() {
        assertThrows(InvalidInputException.class, () -> run("Momentum", 2, new Tensor[] {Tensor.scalar(0.5f),
            Tensor.scalar(1L), v(1), v(1)}, f("alpha", 0.5f), f("beta", 1), s("mode", "standard"),
            f("norm_coefficient", 0)));
        assertThrows(InvalidInputException.class, () -> run("Adagrad", 2, new Tensor[] {Tensor.scalar(0.5f),
            Tensor.scalar(1L), v(1), v(1, 2), v(1)}));
    }
}
