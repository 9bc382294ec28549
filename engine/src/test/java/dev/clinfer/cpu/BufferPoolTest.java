package dev.clinfer.cpu;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferPoolTest {
    @Test
    void sizeClassesWasteAtMostAnEighth() {
        for (int b = 1025; b < 50_000_000; b = b * 3 / 2 + 7) {
            int c = BufferPool.sizeClass(b);
            assertTrue(c >= b && c <= b + b / 8 + 1, b + " -> " + c);
        }
    }

    @Test
    void recyclesZeroedBuffers() {
        BufferPool pool = new BufferPool(1 << 20);
        ByteBuffer a = pool.acquire(5000);
        a.put(0, (byte) 7);
        pool.release(a);
        assertEquals(0, pool.outstanding());
        ByteBuffer b = pool.acquire(4990);
        assertSame(a, b);
        assertEquals(0, b.get(0));
        assertEquals(1, pool.reuses());
    }
}
