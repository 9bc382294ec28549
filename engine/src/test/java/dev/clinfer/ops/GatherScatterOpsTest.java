package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import org.junit.jupiter.api.Test;

import static dev.clinfer.ops.GatherScatterTestSupport.node;
import static dev.clinfer.ops.GatherScatterTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GatherScatterOpsTest {
    @Test
    void gatherAxis0CopiesRowsWithNegativeIndices() {
        Tensor data = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor idx = Tensor.ofLongs(new long[] {0, 2, -1, 1}, 2, 2);
        Tensor y = run(node("Gather", 13), data, idx)[0];
        assertArrayEquals(new long[] {2, 2, 2}, y.shape());
        assertArrayEquals(new float[] {1, 2, 5, 6, 5, 6, 3, 4}, y.toFloatArray());
    }

    @Test
    void gatherAxis1OnInt64AndScalarIndex() {
        Tensor data = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = run(node("Gather", 13, "axis", 1L), data, Tensor.ofInts(new int[] {2}))[0];
        assertArrayEquals(new long[] {2}, y.shape());
        assertArrayEquals(new long[] {3, 6}, y.toLongArray());
    }

    @Test
    void gatherStrings() {
        Tensor data = Tensor.ofStrings(new String[] {"a", "b", "c"}, 3);
        Tensor y = run(node("Gather", 13), data, Tensor.ofLongs(new long[] {2, 0}, 2))[0];
        assertArrayEquals(new String[] {"c", "a"}, y.strings());
    }

    @Test
    void gatherRejectsOutOfRangeIndex() {
        Tensor data = Tensor.of(new float[] {1, 2, 3}, 3);
        assertThrows(InvalidInputException.class,
                () -> run(node("Gather", 13), data, Tensor.ofLongs(new long[] {3}, 1)));
    }

    @Test
    void gatherElementsAxis1() {
        Tensor data = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor idx = Tensor.ofLongs(new long[] {0, 0, -1, 0}, 2, 2);
        Tensor y = run(node("GatherElements", 13, "axis", 1L), data, idx)[0];
        assertArrayEquals(new float[] {1, 1, 4, 3}, y.toFloatArray());
    }

    @Test
    void gatherNdWithBatchDims() {
        Tensor data = Tensor.ofInts(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        Tensor idx = Tensor.ofLongs(new long[] {1, 0}, 2, 1);
        Tensor y = run(node("GatherND", 13, "batch_dims", 1L), data, idx)[0];
        assertArrayEquals(new long[] {2, 2}, y.shape());
        assertArrayEquals(new int[] {2, 3, 4, 5}, y.toIntArray());
    }

    @Test
    void scatterElementsAddAccumulatesDuplicates() {
        Tensor data = Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 5);
        Tensor idx = Tensor.ofLongs(new long[] {1, 1}, 1, 2);
        Tensor upd = Tensor.of(new float[] {1.1f, 2.1f}, 1, 2);
        Tensor y = run(node("ScatterElements", 16, "axis", 1L, "reduction", "add"), data, idx, upd)[0];
        assertArrayEquals(new float[] {1, 5.2f, 3, 4, 5}, y.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, data.toFloatArray(), "input must not change");
    }

    @Test
    void scatterNdMultipliesSlices() {
        Tensor data = Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2);
        Tensor idx = Tensor.ofLongs(new long[] {1}, 1, 1);
        Tensor upd = Tensor.ofLongs(new long[] {10, 100}, 1, 2);
        Tensor y = run(node("ScatterND", 16, "reduction", "mul"), data, idx, upd)[0];
        assertArrayEquals(new long[] {1, 2, 30, 400}, y.toLongArray());
    }

    @Test
    void oneHotAxis0WithNegativeIndexAndOutOfRange() {
        Tensor idx = Tensor.ofLongs(new long[] {0, -1, 5}, 3);
        Tensor y = run(node("OneHot", 11, "axis", 0L), idx, Tensor.of(new float[] {3}, 1),
                Tensor.of(new float[] {0, 7}, 2))[0];
        assertArrayEquals(new long[] {3, 3}, y.shape());
        // column j is the one-hot of index j: 0 -> row 0, -1 -> row 2, 5 -> none
        assertArrayEquals(new float[] {7, 0, 0, 0, 0, 0, 0, 7, 0}, y.toFloatArray());
    }

    @Test
    void nonMaxSuppressionSuppressesOverlap() {
        // box 0 and 1 overlap with IoU 0.81, box 2 is far away
        Tensor boxes = Tensor.of(new float[] {0, 0, 1, 1, 0, 0, 0.9f, 0.9f, 5, 5, 6, 6}, 1, 3, 4);
        Tensor scores = Tensor.of(new float[] {0.8f, 0.9f, 0.3f}, 1, 1, 3);
        Tensor y = run(node("NonMaxSuppression", 11), boxes, scores, Tensor.ofLongs(new long[] {10}, 1),
                Tensor.of(new float[] {0.5f}, 1), Tensor.of(new float[] {0.0f}, 1))[0];
        assertEquals(DataType.INT64, y.dataType());
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 2}, y.toLongArray());
    }
}
