package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.clinfer.ops.GemmTestContext.integer;
import static dev.clinfer.ops.GemmTestContext.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kernels that take their output from {@link ExecContext#allocateUninitialized} must write every
 * element: run here on a context whose uninitialised tensors are garbage (NaN / -1), against
 * values the test builds itself. Conv, Gemm, MatMul and pooling get the same context in their own
 * tests; this covers Concat.
 */
class UninitializedOutputTest {
    private static final GemmTestContext CTX = new GemmTestContext(2);

    @AfterAll
    static void close() {
        CTX.close();
    }

    @Test
    void concatWritesEveryElementOnEachAxis() {
        Random r = new Random(5);
        for (int axis = 0; axis < 3; axis++) {
            long[] sa = {2, 3, 4};
            long[] sb = {2, 3, 4};
            sb[axis] = 5;
            float[] a = new float[(int) Tensor.elementCount(sa)];
            float[] b = new float[(int) Tensor.elementCount(sb)];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat();
            }
            Tensor y = OpRegistry.defaultRegistry().find("", "Concat").run(node("Concat", integer("axis", axis)),
                    new Tensor[] {Tensor.of(a, sa), Tensor.of(b, sb)}, CTX)[0];
            long[] sy = sa.clone();
            sy[axis] += sb[axis];
            assertEquals(DataType.FLOAT, y.dataType());
            int idx = 0;
            for (int i = 0; i < sy[0]; i++) {
                for (int j = 0; j < sy[1]; j++) {
                    for (int k = 0; k < sy[2]; k++) {
                        long[] at = {i, j, k};
                        double want;
                        if (at[axis] < sa[axis]) {
                            want = a[(int) ((i * sa[1] + j) * sa[2] + k)];
                        } else {
                            at[axis] -= sa[axis];
                            want = b[(int) ((at[0] * sb[1] + at[1]) * sb[2] + at[2])];
                        }
                        assertEquals(want, y.getDouble(idx++), 0.0, "axis " + axis + " at " + i + "," + j + "," + k);
                    }
                }
            }
        }
    }
}
