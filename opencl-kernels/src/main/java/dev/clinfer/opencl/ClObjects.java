package dev.clinfer.opencl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live-object counters of the access layer: every create increments, every close decrements.
 * Tests use them to prove that no context, queue, buffer, program, kernel or event leaks.
 */
public final class ClObjects {
    /** Kinds of counted objects. */
    public enum Kind { CONTEXT, QUEUE, BUFFER, PROGRAM, KERNEL, EVENT }

    private static final AtomicLong[] LIVE = new AtomicLong[Kind.values().length];
    private static final AtomicLong BUFFER_BYTES = new AtomicLong();

    static {
        for (int i = 0; i < LIVE.length; i++) {
            LIVE[i] = new AtomicLong();
        }
    }

    private ClObjects() {
    }

    /** @param k kind created */
    public static void created(Kind k) {
        LIVE[k.ordinal()].incrementAndGet();
    }

    /** @param k kind released */
    public static void released(Kind k) {
        LIVE[k.ordinal()].decrementAndGet();
    }

    /** @param delta change in live device-buffer bytes */
    public static void bufferBytes(long delta) {
        BUFFER_BYTES.addAndGet(delta);
    }

    /** @param k a kind @return objects of that kind alive now */
    public static long live(Kind k) {
        return LIVE[k.ordinal()].get();
    }

    /** @return device-buffer bytes alive now */
    public static long liveBufferBytes() {
        return BUFFER_BYTES.get();
    }

    /** @return every kind's live count */
    public static Map<Kind, Long> snapshot() {
        Map<Kind, Long> m = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            m.put(k, live(k));
        }
        return m;
    }
}
