package dev.clinfer.onnx;

import com.google.protobuf.CodedInputStream;
import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Attribute;
import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Model;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.onnx.proto.Onnx;
import dev.clinfer.onnx.proto.Onnx.AttributeProto;
import dev.clinfer.onnx.proto.Onnx.GraphProto;
import dev.clinfer.onnx.proto.Onnx.ModelProto;
import dev.clinfer.onnx.proto.Onnx.NodeProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;
import dev.clinfer.onnx.proto.Onnx.TypeProto;
import dev.clinfer.onnx.proto.Onnx.ValueInfoProto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads ONNX model files (protobuf) into the clinfer {@link Model} IR. */
public final class OnnxImporter {
    /** Deepest nesting of subgraphs accepted; deeper files are rejected rather than overflowing the stack. */
    public static final int MAX_GRAPH_DEPTH = 64;

    private final TensorDecoder decoder;
    private final Map<String, Integer> opsets = new LinkedHashMap<>();

    private OnnxImporter(Path baseDir) {
        this.decoder = new TensorDecoder(baseDir);
    }

    /**
     * @param file the .onnx file; external data is resolved in its folder
     * @return the model
     */
    public static Model load(Path file) {
        byte[] bytes;
        try {
            bytes = dev.clinfer.util.FileBytes.read(file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model file '" + file + "': " + e, e);
        } catch (OutOfMemoryError e) {
            throw new ModelFormatException("model file '" + file + "' is too large to read", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            return new OnnxImporter(dir).convert(parse(bytes));
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param bytes   the serialized model
     * @param baseDir folder for external data, or null to reject external data
     * @return the model
     */
    public static Model load(byte[] bytes, Path baseDir) {
        return new OnnxImporter(baseDir).convert(parse(bytes));
    }

    /**
     * @param in      a stream with the serialized model (read fully, not closed)
     * @param baseDir folder for external data, or null
     * @return the model
     */
    public static Model load(InputStream in, Path baseDir) {
        try {
            return load(in.readAllBytes(), baseDir);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model stream: " + e, e);
        }
    }

    private static ModelProto parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ModelFormatException("model file is empty");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(4 * MAX_GRAPH_DEPTH + 16);
            ModelProto m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return m;
        } catch (IOException e) {
            throw new ModelFormatException("not a valid ONNX model (corrupt or truncated protobuf): " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelFormatException("not a valid ONNX model: " + e, e);
        }
    }

    private Model convert(ModelProto m) {
        if (!m.hasGraph()) {
            throw new ModelFormatException("model has no graph (not an ONNX model, or truncated)");
        }
        for (Onnx.OperatorSetIdProto o : m.getOpsetImportList()) {
            String d = normDomain(o.getDomain());
            if (o.getVersion() < 1 || o.getVersion() > 10_000) {
                throw new ModelFormatException("opset_import of domain '" + d + "' has version " + o.getVersion());
            }
            opsets.merge(d, (int) o.getVersion(), Math::max);
        }
        if (!opsets.containsKey("")) {
            if (m.getOpsetImportCount() == 0) {
                opsets.put("", 1); // IR < 3 files carry no opset_import: they mean opset 1
            }
        }
        Graph g = graph(m.getGraph(), 0, Collections.emptySet());
        Map<String, String> meta = new LinkedHashMap<>();
        for (Onnx.StringStringEntryProto e : m.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        return new Model(g, m.getIrVersion(), m.getProducerName(), m.getProducerVersion(),
                Collections.unmodifiableMap(opsets), Collections.unmodifiableMap(meta), m.getDocString());
    }

    private Graph graph(GraphProto gp, int depth, Set<String> outerNames) {
        if (depth > MAX_GRAPH_DEPTH) {
            throw new ModelFormatException("subgraphs nested deeper than " + MAX_GRAPH_DEPTH);
        }
        String gname = gp.getName().isEmpty() ? (depth == 0 ? "main" : "subgraph") : gp.getName();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        for (TensorProto tp : gp.getInitializerList()) {
            if (tp.getName().isEmpty()) {
                throw new ModelFormatException("graph '" + gname + "' has an initializer without a name");
            }
            inits.put(tp.getName(), decoder.decode(tp, "initializer '" + tp.getName() + "'"));
        }
        if (gp.getSparseInitializerCount() > 0) {
            for (Onnx.SparseTensorProto sp : gp.getSparseInitializerList()) {
                inits.put(sp.getValues().getName(), SparseDecoder.densify(sp, decoder));
            }
        }
        List<ValueInfo> inputs = new ArrayList<>();
        Map<String, ValueInfo> infos = new LinkedHashMap<>();
        for (ValueInfoProto v : gp.getInputList()) {
            ValueInfo vi = valueInfo(v);
            infos.put(vi.name(), vi);
            if (!inits.containsKey(v.getName())) {
                inputs.add(vi);
            }
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : gp.getOutputList()) {
            ValueInfo vi = valueInfo(v);
            outputs.add(vi);
            infos.putIfAbsent(vi.name(), vi);
        }
        for (ValueInfoProto v : gp.getValueInfoList()) {
            infos.putIfAbsent(v.getName(), valueInfo(v));
        }
        Set<String> visible = new HashSet<>(outerNames);
        visible.addAll(inits.keySet());
        for (ValueInfo vi : inputs) {
            visible.add(vi.name());
        }
        for (NodeProto np : gp.getNodeList()) {
            visible.addAll(np.getOutputList());
        }
        List<Node> nodes = new ArrayList<>(gp.getNodeCount());
        int idx = 0;
        for (NodeProto np : gp.getNodeList()) {
            nodes.add(node(np, idx++, depth, visible));
        }
        return new Graph(gname, nodes, inputs, outputs, inits, infos);
    }

    private Node node(NodeProto np, int idx, int depth, Set<String> visible) {
        String name = np.getName().isEmpty() ? np.getOpType() + "_" + idx : np.getName();
        String domain = normDomain(np.getDomain());
        if (np.getOpType().isEmpty()) {
            throw new ModelFormatException("node #" + idx + " ('" + name + "') has no op_type");
        }
        Integer opset = opsets.get(domain);
        if (opset == null) {
            throw new ModelFormatException("node '" + name + "' (" + np.getOpType() + ") uses domain '"
                    + domain + "' which the model does not import");
        }
        NodeArity.check(domain, np.getOpType(), np.getInputCount(), name);
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : np.getAttributeList()) {
            attrs.put(a.getName(), attribute(a, name, depth, visible));
        }
        return new Node(name, np.getOpType(), domain, np.getInputList(), np.getOutputList(), attrs, opset);
    }

    private Attribute attribute(AttributeProto a, String nodeName, int depth, Set<String> visible) {
        String what = "attribute '" + a.getName() + "' of node '" + nodeName + "'";
        AttributeProto.AttributeType t = a.getType();
        if (t == AttributeProto.AttributeType.UNDEFINED) {
            t = guessType(a); // IR 1 files have no type field
        }
        switch (t) {
            case FLOAT: return new Attribute(a.getName(), Attribute.Type.FLOAT, a.getF(), 0, null, null, null, null, null, null, null, null);
            case INT: return new Attribute(a.getName(), Attribute.Type.INT, 0, a.getI(), null, null, null, null, null, null, null, null);
            case STRING: return new Attribute(a.getName(), Attribute.Type.STRING, 0, 0, a.getS().toString(StandardCharsets.UTF_8), null, null, null, null, null, null, null);
            case TENSOR: return new Attribute(a.getName(), Attribute.Type.TENSOR, 0, 0, null, decoder.decode(a.getT(), what), null, null, null, null, null, null);
            case GRAPH: return new Attribute(a.getName(), Attribute.Type.GRAPH, 0, 0, null, null, graph(a.getG(), depth + 1, visible), null, null, null, null, null);
            case FLOATS: {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                return new Attribute(a.getName(), Attribute.Type.FLOATS, 0, 0, null, null, null, f, null, null, null, null);
            }
            case INTS: {
                long[] v = new long[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                return new Attribute(a.getName(), Attribute.Type.INTS, 0, 0, null, null, null, null, v, null, null, null);
            }
            case STRINGS: {
                List<String> s = new ArrayList<>();
                a.getStringsList().forEach(b -> s.add(b.toString(StandardCharsets.UTF_8)));
                return new Attribute(a.getName(), Attribute.Type.STRINGS, 0, 0, null, null, null, null, null, s, null, null);
            }
            case TENSORS: {
                List<Tensor> ts = new ArrayList<>();
                for (TensorProto tp : a.getTensorsList()) {
                    ts.add(decoder.decode(tp, what));
                }
                return new Attribute(a.getName(), Attribute.Type.TENSORS, 0, 0, null, null, null, null, null, null, ts, null);
            }
            case GRAPHS: {
                List<Graph> gs = new ArrayList<>();
                for (GraphProto gp : a.getGraphsList()) {
                    gs.add(graph(gp, depth + 1, visible));
                }
                return new Attribute(a.getName(), Attribute.Type.GRAPHS, 0, 0, null, null, null, null, null, null, null, gs);
            }
            case SPARSE_TENSOR: return new Attribute(a.getName(), Attribute.Type.TENSOR, 0, 0, null, SparseDecoder.densify(a.getSparseTensor(), decoder), null, null, null, null, null, null);
            default: return new Attribute(a.getName(), Attribute.Type.OTHER, 0, 0, null, null, null, null, null, null, null, null);
        }
    }

    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.hasT()) {
            return AttributeProto.AttributeType.TENSOR;
        }
        if (a.hasG()) {
            return AttributeProto.AttributeType.GRAPH;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeProto.AttributeType.FLOATS;
        }
        if (a.getIntsCount() > 0) {
            return AttributeProto.AttributeType.INTS;
        }
        if (a.getStringsCount() > 0) {
            return AttributeProto.AttributeType.STRINGS;
        }
        if (!a.getS().isEmpty()) {
            return AttributeProto.AttributeType.STRING;
        }
        if (a.getF() != 0) {
            return AttributeProto.AttributeType.FLOAT;
        }
        return AttributeProto.AttributeType.INT;
    }

    /**
     * @param v a value info proto
     * @return its IR form (type null when not a tensor of a known type)
     */
    static ValueInfo valueInfo(ValueInfoProto v) {
        TypeProto tp = v.getType();
        switch (tp.getValueCase()) {
            case TENSOR_TYPE: {
                TypeProto.Tensor tt = tp.getTensorType();
                Shape shape = tt.hasShape() ? shape(tt.getShape()) : Shape.unknownRank();
                return new ValueInfo(v.getName(), DataType.fromOnnx(tt.getElemType()), shape, "tensor");
            }
            case SEQUENCE_TYPE: return new ValueInfo(v.getName(), null, Shape.unknownRank(), "sequence");
            case OPTIONAL_TYPE: return new ValueInfo(v.getName(), null, Shape.unknownRank(), "optional");
            case MAP_TYPE: return new ValueInfo(v.getName(), null, Shape.unknownRank(), "map");
            case SPARSE_TENSOR_TYPE: return new ValueInfo(v.getName(), DataType.fromOnnx(tp.getSparseTensorType().getElemType()), Shape.unknownRank(), "sparse_tensor");
            default: return new ValueInfo(v.getName(), null, Shape.unknownRank(), "tensor");
        }
    }

    private static Shape shape(Onnx.TensorShapeProto sp) {
        List<Dim> dims = new ArrayList<>(sp.getDimCount());
        for (Onnx.TensorShapeProto.Dimension d : sp.getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims.add(Dim.of(d.getDimValue()));
            } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                dims.add(Dim.symbol(d.getDimParam()));
            } else {
                dims.add(Dim.unknown());
            }
        }
        return Shape.of(dims);
    }

    private static String normDomain(String d) {
        return d.equals("ai.onnx") ? "" : d;
    }
}
