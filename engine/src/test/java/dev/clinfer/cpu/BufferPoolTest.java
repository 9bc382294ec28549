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

    @Test
    void uninitialisedAcquireKeepsOldContentsAndZeroingStaysTheDefault() {
        BufferPool pool = new BufferPool(1 << 20);
        ByteBuffer a = pool.acquire(5000);
        a.put(100, (byte) 7);
        pool.release(a);
        ByteBuffer b = pool.acquire(5000, false);
        assertSame(a, b);
        assertEquals(7, b.get(100)); // not cleared: the caller overwrites it
        pool.release(b);
        ByteBuffer c = pool.acquire(5000);
        assertSame(a, c);
        assertEquals(0, c.get(100));
        assertEquals(2, pool.reuses());
    }
}
