package dev.clinfer.opencl.tune;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GemmConfigTest {
    @Test
    void encodesAndParses() {
        GemmConfig c = new GemmConfig(16, 4, 3, Integer.MAX_VALUE);
        assertEquals(c, GemmConfig.parse(c.encode()));
        assertEquals(new GemmConfig(8, 2, 6, 128), GemmConfig.parse(" 8x2x6p128\n"));
        assertEquals(64, c.nr());
        assertEquals("-DVW=16 -DNV=4 -DRM=3", c.options());
        assertEquals(new GemmConfig(16, 4, 3, 1), c.withPackMinM(1));
    }

    @Test
    void rejectsMalformedOrOutOfRange() {
        for (String s : new String[] {"", "8x2x6", "8x2p1", "7x2x6p1", "8x5x6p1", "8x2x9p1", "8x2x0p1", "8x2x6p0",
            "8x2x6x1p1", "axbxcpd"}) {
            assertThrows(IllegalArgumentException.class, () -> GemmConfig.parse(s), s);
        }
    }
}
