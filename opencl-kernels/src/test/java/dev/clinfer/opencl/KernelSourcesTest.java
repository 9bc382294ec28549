package dev.clinfer.opencl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSourcesTest {
    @Test
    void includesAreInlinedOnce() {
        for (String f : new String[] {"conv.cl", "gemm.cl"}) {
            String s = KernelSources.get(f);
            assertFalse(s.contains("#include"), f);
            assertEquals(1, s.split("#define ACT_F\\(v\\) \\(v\\)", -1).length - 1, f);
            assertTrue(s.contains("__kernel"), f);
        }
    }
}
