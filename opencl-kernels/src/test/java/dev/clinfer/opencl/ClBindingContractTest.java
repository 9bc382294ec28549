package dev.clinfer.opencl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same contract, run against both bindings. */
class ClBindingContractTest {
    private static final String SRC = "__kernel void axpy(__global const float* x, __global float* y, float a, int n) {"
            + " int i = get_global_id(0); if (i < n) y[i] = a * x[i] + y[i]; }";

    @ParameterizedTest
    @ValueSource(strings = {"jocl", "lwjgl"})
    void runsAKernelAndReleasesEverything(String binding) {
        ClBinding b = ClTestSupport.openOrSkip(binding);
        Map<ClObjects.Kind, Long> before = ClObjects.snapshot();
        ClDevice dev = b.devices().get(0);
        assertTrue(dev.maxAllocBytes() > 0 && dev.computeUnits() > 0, dev.toString());
        int n = 1000;
        ByteBuffer x = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        ByteBuffer y = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            x.putFloat(i * 4, i);
            y.putFloat(i * 4, 1);
        }
        try (ClContext ctx = b.createContext(dev);
             ClQueue q = ctx.createQueue(true);
             ClBuffer bx = ctx.createBuffer(n * 4L);
             ClBuffer by = ctx.createBuffer(n * 4L);
             ClProgram p = ctx.buildProgram(SRC, "-cl-std=CL1.2");
             ClKernel k = p.kernel("axpy")) {
            try (ClEvent w1 = q.write(bx, 0, x, false, List.of());
                 ClEvent w2 = q.write(by, 0, y, false, List.of());
                 ClEvent run = q.launch(k.arg(0, bx).arg(1, by).arg(2, 2f).arg(3, n), new long[] {1024}, null,
                         List.of(w1, w2))) {
                ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
                try (ClEvent r = q.read(by, 0, out, false, List.of(run))) {
                    r.await();
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(2f * i + 1, out.getFloat(i * 4), 0f);
                }
                long[] prof = run.profile();
                assertTrue(prof[2] >= prof[1] && prof[1] >= prof[0], java.util.Arrays.toString(prof));
            }
            byte[] bin = p.binary();
            assertTrue(bin.length > 0);
            try (ClProgram again = ctx.buildProgramFromBinary(bin, "");
                 ClKernel k2 = again.kernel("axpy")) {
                assertEquals("axpy", k2.name());
            }
            ClBuildException e = assertThrows(ClBuildException.class, () -> ctx.buildProgram("__kernel void f( {", ""));
            assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE") && !e.log().isEmpty(), e.getMessage());
            ClException bad = assertThrows(ClException.class, () -> ctx.createBuffer(dev.maxAllocBytes() * 4));
            assertTrue(bad.code() < 0);
        }
        assertEquals(before, ClObjects.snapshot());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jocl", "lwjgl"})
    void copiesBetweenBuffers(String binding) {
        ClBinding b = ClTestSupport.openOrSkip(binding);
        ClDevice dev = b.devices().get(0);
        ByteBuffer src = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 64; i++) {
            src.put(i, (byte) i);
        }
        try (ClContext ctx = b.createContext(dev); ClQueue q = ctx.createQueue(false);
             ClBuffer a = ctx.createBuffer(64); ClBuffer c = ctx.createBuffer(64)) {
            q.write(a, 0, src, true, List.of()).close();
            q.copy(a, c, 16, 0, 32, List.of()).close();
            ByteBuffer out = ByteBuffer.allocateDirect(32);
            q.read(c, 0, out, true, List.of()).close();
            byte[] got = new byte[32];
            out.get(got);
            byte[] want = new byte[32];
            for (int i = 0; i < 32; i++) {
                want[i] = (byte) (i + 16);
            }
            assertArrayEquals(want, got);
        }
    }
}
