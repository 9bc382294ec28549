package dev.clinfer.tests;

import com.google.protobuf.ByteString;
import dev.clinfer.onnx.proto.Onnx.GraphProto;
import dev.clinfer.onnx.proto.Onnx.ModelProto;
import dev.clinfer.onnx.proto.Onnx.NodeProto;
import dev.clinfer.onnx.proto.Onnx.SparseTensorProto;
import dev.clinfer.onnx.proto.Onnx.StringStringEntryProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import dev.clinfer.onnx.proto.Onnx.TensorShapeProto;
import dev.clinfer.onnx.proto.Onnx.ValueInfoProto;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mutations a hostile file author would write on purpose, rather than the ones noise produces:
 * length fields planted with enormous values, dims that are huge, negative or overflow when
 * multiplied, initializers (dense, sparse, external) that claim far more data than the file holds,
 * and subgraphs nested hundreds or thousands deep. Each one aims at a specific importer check
 * (allocate only what the file backs; bound the recursion).
 */
final class HostileMutator {
    /** Dims a file may claim: negative, overflowing, or just far beyond any file's size. */
    private static final long[] HOSTILE_DIMS = {-1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 31, 1L << 32,
        (1L << 31) - 1, 1L << 40, 1L << 62, 3037000500L /* squares past 2^63 */};
    /** Lengths planted in place of a real length-delimited field's length. */
    private static final long[] HOSTILE_LENGTHS = {(1L << 31) - 1, 1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE,
        -1L /* a ten-byte varint */};
    /** Depths for nested subgraphs: within the importer's limit, at it, and far beyond protobuf's. */
    private static final int[] DEPTHS = {2, 16, 63, 64, 65, 66, 100, 300, 1000};

    private HostileMutator() {
    }

    /** A length field planted with a huge value (the byte-level attack on a length-prefixed parser). */
    static ModelMutator.Mutant hugeLength(ModelMutator.Target t, SplittableRandom r) {
        List<int[]> lengths = ProtoLayout.lengthVarints(t.bytes);
        long v = HOSTILE_LENGTHS[r.nextInt(HOSTILE_LENGTHS.length)];
        if (lengths.isEmpty()) {
            byte[] m = concat(t.bytes, tagLen(1 + r.nextInt(20), v));
            return new ModelMutator.Mutant(ModelMutator.Kind.HUGE_LENGTH, m, "append a field of length " + v, true);
        }
        int[] at = lengths.get(r.nextInt(lengths.size()));
        byte[] planted = varint(v);
        byte[] m = new byte[t.bytes.length - (at[1] - at[0]) + planted.length];
        System.arraycopy(t.bytes, 0, m, 0, at[0]);
        System.arraycopy(planted, 0, m, at[0], planted.length);
        System.arraycopy(t.bytes, at[1], m, at[0] + planted.length, t.bytes.length - at[1]);
        return new ModelMutator.Mutant(ModelMutator.Kind.HUGE_LENGTH, m,
                "length field at " + at[0] + " set to " + v, true);
    }

    /** Huge, negative or overflowing dims on an initializer, a Constant, a graph input or output. */
    static ModelMutator.Mutant hugeDim(ModelMutator.Target t, SplittableRandom r) {
        ModelProto.Builder m = t.parsed().toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        long v = HOSTILE_DIMS[r.nextInt(HOSTILE_DIMS.length)];
        String d;
        int choice = r.nextInt(4);
        if (choice == 0 && g.getInitializerCount() > 0) {
            TensorProto.Builder tp = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
            d = dims(tp, v, r, "initializer '" + tp.getName() + "'");
        } else if (choice == 1 && constant(g) >= 0) {
            NodeProto.Builder n = g.getNodeBuilder(constant(g));
            TensorProto.Builder tp = n.getAttributeBuilder(0).getTBuilder();
            d = dims(tp, v, r, "Constant '" + n.getName() + "' value");
        } else {
            boolean in = choice != 3 && g.getInputCount() > 0;
            if (!in && g.getOutputCount() == 0) {
                return new ModelMutator.Mutant(ModelMutator.Kind.HUGE_DIM, t.bytes, "nothing (no inputs/outputs)", false);
            }
            ValueInfoProto.Builder vi = in ? g.getInputBuilder(r.nextInt(g.getInputCount()))
                    : g.getOutputBuilder(r.nextInt(g.getOutputCount()));
            TensorShapeProto.Builder s = vi.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            if (s.getDimCount() == 0 || r.nextInt(3) == 0) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(v));
                d = (in ? "input '" : "output '") + vi.getName() + "': one more dim " + v;
            } else {
                int k = r.nextInt(s.getDimCount());
                s.setDim(k, TensorShapeProto.Dimension.newBuilder().setDimValue(v));
                d = (in ? "input '" : "output '") + vi.getName() + "': dim " + k + " = " + v;
            }
        }
        return new ModelMutator.Mutant(ModelMutator.Kind.HUGE_DIM, m.build().toByteArray(), d, true);
    }

    /** An initializer (dense, sparse or external) claiming far more data than the file holds. */
    static ModelMutator.Mutant oversize(ModelMutator.Target t, SplittableRandom r) {
        ModelProto.Builder m = t.parsed().toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        long claim = Math.max(16, (long) t.bytes.length * (2 + r.nextInt(1 << 12)));
        if (r.nextInt(8) == 0) {
            claim = 1L << (28 + r.nextInt(8)); // 256 M to 32 G elements
        }
        String name = g.getInitializerCount() > 0 && r.nextBoolean()
                ? g.getInitializer(r.nextInt(g.getInitializerCount())).getName() : "fuzz_big";
        String d;
        switch (r.nextInt(4)) {
            case 0: { // raw_data far shorter than the dims say
                TensorProto tp = TensorProto.newBuilder().setName(name).setDataType(1).addDims(claim)
                        .setRawData(ByteString.copyFrom(new byte[16])).build();
                d = replaceInitializer(g, tp);
                d = "dense initializer '" + name + "' of " + claim + " floats with 16 bytes" + d;
                break;
            }
            case 1: { // typed field count far below the dims
                TensorProto tp = TensorProto.newBuilder().setName(name).setDataType(1).addDims(claim / 4).addDims(4)
                        .addFloatData(1f).addFloatData(2f).build();
                d = "dense initializer '" + name + "' of [" + claim / 4 + ", 4] floats with 2 values"
                        + replaceInitializer(g, tp);
                break;
            }
            case 2: { // sparse: the dense form is what the importer would build
                TensorProto values = TensorProto.newBuilder().setName(name).setDataType(1).addDims(1)
                        .addFloatData(1f).build();
                TensorProto idx = TensorProto.newBuilder().setDataType(7).addDims(1).addInt64Data(claim - 1).build();
                g.addSparseInitializer(SparseTensorProto.newBuilder().setValues(values).setIndices(idx).addDims(claim));
                d = "sparse initializer '" + name + "' with dense dims [" + claim + "] and 1 value";
                break;
            }
            default: { // external data: there is no folder for a model loaded from bytes, or no such file
                TensorProto tp = TensorProto.newBuilder().setName(name).setDataType(1).addDims(claim)
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(kv("location", r.nextBoolean() ? "weights.bin" : "../../../etc/passwd"))
                        .addExternalData(kv("length", Long.toString(claim * 4))).build();
                d = "external initializer '" + name + "' of " + claim + " floats" + replaceInitializer(g, tp);
                break;
            }
        }
        return new ModelMutator.Mutant(ModelMutator.Kind.OVERSIZE, m.build().toByteArray(), d, true);
    }

    /**
     * Subgraphs nested {@code depth} deep: If nodes whose branches hold an If node, and so on. Built
     * byte by byte from the inside out, so that neither this test nor protobuf's serializer recurses.
     */
    static ModelMutator.Mutant nest(ModelMutator.Target t, SplittableRandom r) {
        int depth = DEPTHS[r.nextInt(DEPTHS.length)];
        // Innermost graph: one Identity of the outer input, one output.
        byte[] inner = cat(
                tagBytes(1, cat(tagStr(1, "x"), tagStr(2, "y0"), tagStr(4, "Identity"))), // node
                tagStr(2, "g0"),
                tagBytes(12, tagStr(1, "y0"))); // output (value info with no type)
        byte[] graph = inner;
        for (int level = 1; level <= depth; level++) {
            byte[] attrThen = cat(tagStr(1, "then_branch"), tagBytes(6, graph), tagVarint(20, 5 /* GRAPH */));
            byte[] attrElse = cat(tagStr(1, "else_branch"), tagBytes(6, inner), tagVarint(20, 5));
            String out = "y" + level;
            byte[] node = cat(tagStr(1, "c"), tagStr(2, out), tagStr(4, "If"), tagBytes(5, attrThen), tagBytes(5, attrElse));
            graph = cat(tagBytes(1, node), tagStr(2, "g" + level), tagBytes(12, tagStr(1, out)));
        }
        ModelProto.Builder m = t.parsed().toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        // Wrap: graph inputs x (float) and c (bool) are added, so the outer node has its inputs.
        g.addInput(ValueInfoProto.newBuilder().setName("x"));
        g.addInput(ValueInfoProto.newBuilder().setName("c"));
        m.setGraph(g);
        byte[] base = m.build().toByteArray();
        // Append one more node to the main graph: protobuf merges a repeated field written twice.
        byte[] deep = cat(base, tagBytes(7, tagBytes(1, lastNode(graph))));
        return new ModelMutator.Mutant(ModelMutator.Kind.NEST, deep, "subgraphs nested " + depth + " deep", true);
    }

    /** The outermost node of a nested graph built by {@link #nest}: the first field's payload. */
    private static byte[] lastNode(byte[] graph) {
        int pos = 1; // tag 0x0a
        long len = 0;
        int shift = 0;
        while (true) {
            byte b = graph[pos++];
            len |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
        }
        byte[] out = new byte[(int) len];
        System.arraycopy(graph, pos, out, 0, out.length);
        return out;
    }

    private static int constant(GraphProto.Builder g) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("Constant") && n.getAttributeCount() > 0 && n.getAttribute(0).hasT()) {
                return i;
            }
        }
        return -1;
    }

    private static String dims(TensorProto.Builder tp, long v, SplittableRandom r, String where) {
        if (tp.getDimsCount() == 0 || r.nextInt(3) == 0) {
            tp.addDims(v);
            return where + ": one more dim " + v;
        }
        int k = r.nextInt(tp.getDimsCount());
        tp.setDims(k, v);
        return where + ": dims[" + k + "] = " + v;
    }

    private static String replaceInitializer(GraphProto.Builder g, TensorProto tp) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(tp.getName())) {
                g.setInitializer(i, tp);
                return " (replacing the original)";
            }
        }
        g.addInitializer(tp);
        return " (added)";
    }

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(10);
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }

    private static byte[] tagLen(int field, long len) {
        return cat(varint((long) field << 3 | 2), varint(len));
    }

    private static byte[] tagBytes(int field, byte[] payload) {
        return cat(tagLen(field, payload.length), payload);
    }

    private static byte[] tagStr(int field, String s) {
        return tagBytes(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] tagVarint(int field, long v) {
        return cat(varint((long) field << 3), varint(v));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return cat(a, b);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
