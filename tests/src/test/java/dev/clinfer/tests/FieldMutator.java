package dev.clinfer.tests;

import dev.clinfer.onnx.proto.Onnx.AttributeProto;
import dev.clinfer.onnx.proto.Onnx.GraphProto;
import dev.clinfer.onnx.proto.Onnx.ModelProto;
import dev.clinfer.onnx.proto.Onnx.NodeProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import dev.clinfer.onnx.proto.Onnx.TensorShapeProto;
import dev.clinfer.onnx.proto.Onnx.ValueInfoProto;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Protobuf-aware mutations that keep the file parseable, so that they reach the importer's checks,
 * the graph passes and the kernels instead of stopping in the protobuf parser (where nearly all
 * byte-level mutations end): attribute values set to edge cases, node inputs dropped or rewired,
 * op types swapped, initializer dims and types changed, graph input types and dims changed, and the
 * opset version changed.
 */
final class FieldMutator {
    private static final long[] INTERESTING = {0, 1, -1, 2, 3, -2, 7, 64, 1 << 16, 1 << 20, Integer.MAX_VALUE,
        1L << 31, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final float[] INTERESTING_FLOATS = {0f, -1f, 1e30f, -1e-30f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE};

    /**
     * A mutation's result.
     *
     * @param bytes       the serialized mutated model
     * @param description what was changed
     */
    record Change(byte[] bytes, String description) {
    }

    private FieldMutator() {
    }

    /**
     * @param model the parsed original
     * @param r     randomness
     * @return the mutated model, serialized
     */
    static Change mutate(ModelProto model, SplittableRandom r) {
        ModelProto.Builder m = model.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        String d;
        switch (r.nextInt(7)) {
            case 0:
                d = attribute(g, r);
                break;
            case 1:
                d = rewireInput(g, r);
                break;
            case 2:
                d = swapOpType(g, r);
                break;
            case 3:
                d = initializer(g, r);
                break;
            case 4:
                d = graphInput(g, r);
                break;
            case 5:
                d = output(g, r);
                break;
            default:
                d = opset(m, r);
                break;
        }
        return new Change(m.build().toByteArray(), "field: " + d);
    }

    private static long interesting(SplittableRandom r) {
        return INTERESTING[r.nextInt(INTERESTING.length)];
    }

    private static String attribute(GraphProto.Builder g, SplittableRandom r) {
        List<Integer> withAttrs = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getAttributeCount() > 0) {
                withAttrs.add(i);
            }
        }
        if (withAttrs.isEmpty()) {
            return rewireInput(g, r);
        }
        int ni = withAttrs.get(r.nextInt(withAttrs.size()));
        NodeProto.Builder n = g.getNodeBuilder(ni);
        int ai = r.nextInt(n.getAttributeCount());
        AttributeProto.Builder a = n.getAttributeBuilder(ai);
        String where = "attribute '" + a.getName() + "' of node #" + ni + " (" + n.getOpType() + ")";
        if (a.getIntsCount() > 0) {
            int k = r.nextInt(a.getIntsCount());
            if (r.nextInt(4) == 0) {
                a.addInts(interesting(r));
                return where + ": one more int";
            }
            long v = interesting(r);
            a.setInts(k, v);
            return where + ": ints[" + k + "] = " + v;
        }
        if (a.getFloatsCount() > 0) {
            int k = r.nextInt(a.getFloatsCount());
            float v = INTERESTING_FLOATS[r.nextInt(INTERESTING_FLOATS.length)];
            a.setFloats(k, v);
            return where + ": floats[" + k + "] = " + v;
        }
        if (a.hasT()) {
            TensorProto.Builder t = a.getTBuilder();
            return where + ": " + tensor(t, r);
        }
        switch (a.getType()) {
            case FLOAT: {
                float v = INTERESTING_FLOATS[r.nextInt(INTERESTING_FLOATS.length)];
                a.setF(v);
                return where + " = " + v;
            }
            case STRING:
                a.setS(com.google.protobuf.ByteString.copyFromUtf8(r.nextBoolean() ? "" : "bogus"));
                return where + " = '" + a.getS().toStringUtf8() + "'";
            default: {
                long v = interesting(r);
                a.setI(v);
                return where + " = " + v;
            }
        }
    }

    private static String rewireInput(GraphProto.Builder g, SplittableRandom r) {
        if (g.getNodeCount() == 0) {
            return "nothing (no nodes)";
        }
        int ni = r.nextInt(g.getNodeCount());
        NodeProto.Builder n = g.getNodeBuilder(ni);
        String where = "node #" + ni + " (" + n.getOpType() + ")";
        int choice = r.nextInt(3);
        if (n.getInputCount() == 0 || choice == 0) {
            n.addInput(r.nextBoolean() ? "" : anyValue(g, r));
            return where + ": one more input '" + n.getInput(n.getInputCount() - 1) + "'";
        }
        int k = r.nextInt(n.getInputCount());
        if (choice == 1) {
            List<String> ins = new ArrayList<>(n.getInputList());
            String gone = ins.remove(k);
            n.clearInput().addAllInput(ins);
            return where + ": input " + k + " ('" + gone + "') dropped";
        }
        String v = anyValue(g, r);
        n.setInput(k, v);
        return where + ": input " + k + " now reads '" + v + "'";
    }

    /** A value name defined before some node: a graph input, an initializer or a node output. */
    private static String anyValue(GraphProto.Builder g, SplittableRandom r) {
        int pick = r.nextInt(3);
        if (pick == 0 && g.getInputCount() > 0) {
            return g.getInput(r.nextInt(g.getInputCount())).getName();
        }
        if (pick == 1 && g.getInitializerCount() > 0) {
            return g.getInitializer(r.nextInt(g.getInitializerCount())).getName();
        }
        NodeProto n = g.getNode(r.nextInt(g.getNodeCount()));
        return n.getOutputCount() > 0 ? n.getOutput(0) : "";
    }

    private static String swapOpType(GraphProto.Builder g, SplittableRandom r) {
        if (g.getNodeCount() < 2) {
            return rewireInput(g, r);
        }
        int a = r.nextInt(g.getNodeCount());
        String from = g.getNode(a).getOpType();
        String to = g.getNode(r.nextInt(g.getNodeCount())).getOpType();
        g.getNodeBuilder(a).setOpType(to);
        return "node #" + a + " op " + from + " -> " + to;
    }

    private static String initializer(GraphProto.Builder g, SplittableRandom r) {
        if (g.getInitializerCount() == 0) {
            return graphInput(g, r);
        }
        int i = r.nextInt(g.getInitializerCount());
        TensorProto.Builder t = g.getInitializerBuilder(i);
        return "initializer '" + t.getName() + "': " + tensor(t, r);
    }

    private static String tensor(TensorProto.Builder t, SplittableRandom r) {
        int choice = r.nextInt(3);
        if (choice == 0 || t.getDimsCount() < 2) {
            int dt = r.nextInt(18);
            t.setDataType(dt);
            return "data_type = " + dt;
        }
        if (choice == 1) {
            // Same element count, other order: the data still fits, the shape no longer matches its users.
            int a = r.nextInt(t.getDimsCount());
            int b = r.nextInt(t.getDimsCount());
            long x = t.getDims(a);
            t.setDims(a, t.getDims(b));
            t.setDims(b, x);
            return "dims " + a + " and " + b + " swapped";
        }
        int k = r.nextInt(t.getDimsCount());
        long v = interesting(r);
        t.setDims(k, v);
        return "dims[" + k + "] = " + v;
    }

    private static String graphInput(GraphProto.Builder g, SplittableRandom r) {
        if (g.getInputCount() == 0) {
            return output(g, r);
        }
        int i = r.nextInt(g.getInputCount());
        ValueInfoProto.Builder v = g.getInputBuilder(i);
        String where = "graph input '" + v.getName() + "'";
        if (!v.getType().hasTensorType()) {
            return where + ": unchanged (not a tensor)";
        }
        var tt = v.getTypeBuilder().getTensorTypeBuilder();
        if (r.nextBoolean() || !tt.hasShape() || tt.getShape().getDimCount() == 0) {
            int dt = r.nextInt(18);
            tt.setElemType(dt);
            return where + ": elem_type = " + dt;
        }
        TensorShapeProto.Builder s = tt.getShapeBuilder();
        int k = r.nextInt(s.getDimCount());
        if (r.nextInt(3) == 0) {
            s.removeDim(k);
            return where + ": dim " + k + " removed";
        }
        long val = r.nextInt(8) - 1L;
        s.setDim(k, TensorShapeProto.Dimension.newBuilder().setDimValue(val));
        return where + ": dim " + k + " = " + val;
    }

    private static String output(GraphProto.Builder g, SplittableRandom r) {
        if (g.getOutputCount() == 0 || g.getNodeCount() == 0) {
            return "nothing (no outputs)";
        }
        int i = r.nextInt(g.getOutputCount());
        String v = anyValue(g, r);
        ValueInfoProto.Builder o = g.getOutputBuilder(i);
        String was = o.getName();
        o.setName(v);
        return "graph output " + i + " '" + was + "' -> '" + v + "'";
    }

    private static String opset(ModelProto.Builder m, SplittableRandom r) {
        if (m.getOpsetImportCount() == 0) {
            return "nothing (no opset_import)";
        }
        int i = r.nextInt(m.getOpsetImportCount());
        long was = m.getOpsetImport(i).getVersion();
        long v = 1 + r.nextInt(24);
        m.getOpsetImportBuilder(i).setVersion(v);
        return "opset of '" + m.getOpsetImport(i).getDomain() + "' " + was + " -> " + v;
    }
}
