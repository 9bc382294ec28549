package dev.clinfer.tests;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.clinfer.onnx.proto.Onnx.ModelProto;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of serialized models. Seven in twenty are byte-level: truncation, bit flips, random
 * overwrites, splices (within a model or from another), duplicated and deleted spans, and corrupted
 * varints; eight in twenty are the deliberate attacks of {@link HostileMutator} (huge length fields,
 * huge/negative/overflowing dims, initializers larger than the file, deeply nested subgraphs); three offsets in four land in the graph-describing bytes (outside tensor data, see
 * {@link ProtoLayout}), the rest anywhere in the file. Nearly all of these end in the protobuf parser,
 * so one mutation in four is a parse-preserving field mutation ({@link FieldMutator}) that reaches the
 * importer, the passes and the kernels.
 */
final class ModelMutator {
    /** The mutation kinds. */
    enum Kind { TRUNCATE, FLIP_BITS, OVERWRITE, SPLICE, DUPLICATE, DELETE, VARINT, FIELD,
        HUGE_LENGTH, HUGE_DIM, OVERSIZE, NEST }

    /**
     * A mutated model.
     *
     * @param kind        what was done
     * @param bytes       the mutated file
     * @param description the mutation, reproducibly, in words
     * @param structural  whether bytes outside tensor data changed, or the length changed
     */
    record Mutant(Kind kind, byte[] bytes, String description, boolean structural) {
    }

    /** A model file to mutate, with the map of its structural bytes. */
    static final class Target {
        final String name;
        final byte[] bytes;
        private final int[] bulkStart;
        private final int[] bulkEnd;
        private final int[] structStart;
        private final long[] structCum; // structCum[i] = structural bytes before range i; last = total
        private ModelProto parsed;

        Target(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
            List<int[]> bulk = ProtoLayout.bulkRanges(bytes);
            bulkStart = new int[bulk.size()];
            bulkEnd = new int[bulk.size()];
            for (int i = 0; i < bulk.size(); i++) {
                bulkStart[i] = bulk.get(i)[0];
                bulkEnd[i] = bulk.get(i)[1];
            }
            // The structural ranges are the gaps between bulk ranges.
            structStart = new int[bulk.size() + 1];
            structCum = new long[bulk.size() + 2];
            int prev = 0;
            for (int i = 0; i <= bulk.size(); i++) {
                int stop = i < bulk.size() ? bulkStart[i] : bytes.length;
                structStart[i] = prev;
                structCum[i + 1] = structCum[i] + Math.max(0, stop - prev);
                prev = i < bulk.size() ? bulkEnd[i] : prev;
            }
        }

        /** @return the original model, parsed (once) */
        synchronized ModelProto parsed() {
            if (parsed == null) {
                try {
                    parsed = ModelProto.parseFrom(bytes);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(name + " is not a valid ModelProto", e);
                }
            }
            return parsed;
        }

        /** @return bytes outside tensor data */
        long structuralBytes() {
            return structCum[structCum.length - 1];
        }

        /** @param r randomness @return an offset in [0, length), usually a structural one */
        int pick(SplittableRandom r) {
            long total = structuralBytes();
            if (total > 0 && r.nextInt(4) != 0) {
                long k = r.nextLong(total);
                int i = Arrays.binarySearch(structCum, k);
                i = i >= 0 ? i : -i - 2;
                while (i + 1 < structCum.length && structCum[i + 1] <= k) {
                    i++; // skip empty gaps
                }
                return (int) (structStart[i] + (k - structCum[i]));
            }
            return r.nextInt(bytes.length);
        }

        /** @param offset a byte offset @return whether it lies outside tensor data */
        boolean structural(int offset) {
            int i = Arrays.binarySearch(bulkStart, offset);
            i = i >= 0 ? i : -i - 2;
            return i < 0 || offset >= bulkEnd[i];
        }
    }

    private ModelMutator() {
    }

    /**
     * @param t      the model to mutate
     * @param others every target, for splices from another model
     * @param r      randomness (the case's own generator)
     * @return the mutant
     */
    static Mutant mutate(Target t, List<Target> others, SplittableRandom r) {
        int p = r.nextInt(20);
        // 5 in 20 noise-like byte mutations would mostly stop in the parser; 5 field mutations and
        // 8 hostile ones (2 each) reach the importer's checks; the rest are byte-level.
        Kind kind = p < 5 ? Kind.FIELD : p < 13 ? Kind.values()[Kind.HUGE_LENGTH.ordinal() + (p - 5) / 2]
                : Kind.values()[r.nextInt(Kind.FIELD.ordinal())];
        byte[] b = t.bytes;
        int n = b.length;
        switch (kind) {
            case HUGE_LENGTH:
                return HostileMutator.hugeLength(t, r);
            case HUGE_DIM:
                return HostileMutator.hugeDim(t, r);
            case OVERSIZE:
                return HostileMutator.oversize(t, r);
            case NEST:
                return HostileMutator.nest(t, r);
            case FIELD: {
                FieldMutator.Change c = FieldMutator.mutate(t.parsed(), r);
                return new Mutant(kind, c.bytes(), c.description(), true);
            }
            case TRUNCATE: {
                int at = t.pick(r);
                return new Mutant(kind, Arrays.copyOf(b, at), "truncate to " + at + " of " + n + " bytes", true);
            }
            case FLIP_BITS: {
                byte[] m = b.clone();
                int flips = 1 + r.nextInt(16);
                StringBuilder d = new StringBuilder("flip " + flips + " bits at");
                boolean structural = false;
                for (int i = 0; i < flips; i++) {
                    int at = t.pick(r);
                    int bit = r.nextInt(8);
                    m[at] ^= (byte) (1 << bit);
                    structural |= t.structural(at);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(kind, m, d.toString(), structural);
            }
            case OVERWRITE: {
                byte[] m = b.clone();
                int at = t.pick(r);
                int len = Math.min(spanLength(r), n - at);
                for (int i = 0; i < len; i++) {
                    m[at + i] = (byte) r.nextInt(256);
                }
                return new Mutant(kind, m, "overwrite " + len + " bytes at " + at + " with random bytes",
                        touches(t, at, len));
            }
            case SPLICE: {
                Target src = r.nextBoolean() ? t : others.get(r.nextInt(others.size()));
                int from = src.pick(r);
                int len = Math.min(spanLength(r), src.bytes.length - from);
                int to = t.pick(r);
                boolean insert = r.nextBoolean();
                String what = "splice " + len + " bytes from " + (src == t ? "" : src.name + " ") + "offset " + from
                        + (insert ? " inserted at " : " over ") + to;
                if (insert) {
                    return new Mutant(kind, insert(b, to, src.bytes, from, len), what, true);
                }
                byte[] m = b.clone();
                int k = Math.min(len, n - to);
                System.arraycopy(src.bytes, from, m, to, k);
                return new Mutant(kind, m, what, touches(t, to, k));
            }
            case DUPLICATE: {
                int at = t.pick(r);
                int len = Math.min(spanLength(r), n - at);
                return new Mutant(kind, insert(b, at + len, b, at, len), "duplicate " + len + " bytes at " + at, true);
            }
            case DELETE: {
                int at = t.pick(r);
                int len = Math.min(spanLength(r), n - at);
                byte[] m = new byte[n - len];
                System.arraycopy(b, 0, m, 0, at);
                System.arraycopy(b, at + len, m, at, n - at - len);
                return new Mutant(kind, m, "delete " + len + " bytes at " + at, true);
            }
            case VARINT: {
                // Setting the continuation bit on a run of bytes turns a length, tag or dim into a longer,
                // usually enormous, varint: the classic way to ask a parser for gigabytes.
                byte[] m = b.clone();
                int at = t.pick(r);
                int len = Math.min(1 + r.nextInt(10), n - at);
                for (int i = 0; i < len; i++) {
                    m[at + i] |= (byte) 0x80;
                }
                return new Mutant(kind, m, "set the high bit of " + len + " bytes at " + at, touches(t, at, len));
            }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** Mostly short spans, sometimes a few KB, rarely up to 64 KB. */
    private static int spanLength(SplittableRandom r) {
        int p = r.nextInt(100);
        if (p < 70) {
            return 1 + r.nextInt(32);
        }
        if (p < 95) {
            return 33 + r.nextInt(1024 - 32);
        }
        return 1025 + r.nextInt(65536 - 1024);
    }

    private static boolean touches(Target t, int at, int len) {
        for (int i = at; i < at + len; i++) {
            if (t.structural(i)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] insert(byte[] dst, int at, byte[] src, int from, int len) {
        byte[] m = new byte[dst.length + len];
        System.arraycopy(dst, 0, m, 0, at);
        System.arraycopy(src, from, m, at, len);
        System.arraycopy(dst, at, m, at + len, dst.length - at);
        return m;
    }
}
