package dev.clinfer.bench;

import com.google.protobuf.ByteString;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One-node ONNX models (MatMul, Conv) built with the {@code Onnx} protobuf builders, for the GEMM
 * comparison and the kernel micro-benchmarks. Weights and inputs are uniform in [-0.5, 0.5) from a
 * fixed seed, so every engine and every run sees the same numbers.
 */
public final class OneNodeModels {
    private static final int OPSET = 13;

    private OneNodeModels() {
    }

    /**
     * A serialized model plus the feed it wants and the work one run does.
     *
     * @param bytes the ONNX model
     * @param feed  graph inputs by name
     * @param flops floating-point operations of one run (a multiply-add counts 2)
     */
    public record Built(byte[] bytes, Map<String, Tensor> feed, double flops) {
        /**
         * @param prefix temp file prefix
         * @return the model in a temp file (deleted on exit), for engines that load from a path
         */
        public Path writeTemp(String prefix) {
            try {
                Path f = Files.createTempFile(prefix, ".onnx");
                f.toFile().deleteOnExit();
                Files.write(f, bytes);
                return f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a temp model", e);
            }
        }
    }

    /**
     * {@code Y = MatMul(A, B)} with A {@code [batch..., m, k]} and B {@code [batch..., k, n]} (or
     * {@code [k, n]} when {@code batch} is empty).
     *
     * @param batch      leading batch dims (may be empty)
     * @param m          rows of A
     * @param k          inner dim
     * @param n          columns of B
     * @param bConstant  B is an initializer (a weight, as in a Linear layer) rather than a graph input
     *                   (as in attention's Q·Kᵀ)
     * @return the model
     */
    public static Built matMul(long[] batch, int m, int k, int n, boolean bConstant) {
        long[] aShape = concat(batch, m, k);
        long[] bShape = concat(batch, k, n);
        long[] yShape = concat(batch, m, n);
        SplittableRandom rnd = new SplittableRandom(42);
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("matmul")
                .addNode(node("MatMul", new String[] {"A", "B"}, "Y"))
                .addInput(floatInfo("A", aShape))
                .addOutput(floatInfo("Y", yShape));
        Map<String, Tensor> feed = new LinkedHashMap<>();
        feed.put("A", random(rnd, aShape));
        Tensor b = random(rnd, bShape);
        if (bConstant) {
            g.addInitializer(initializer("B", b));
        } else {
            g.addInput(floatInfo("B", bShape));
            feed.put("B", b);
        }
        return new Built(model(g), feed, 2.0 * prod(batch) * m * k * n);
    }

    /**
     * {@code Y = Conv(X, W, B)} in NCHW with symmetric padding and unit dilation.
     *
     * @param n      batch
     * @param c      input channels
     * @param h      input height
     * @param w      input width
     * @param m      output channels
     * @param kernel square kernel size
     * @param stride stride (both axes)
     * @param pad    padding on every side
     * @param group  groups (c for depthwise)
     * @return the model
     */
    public static Built conv(int n, int c, int h, int w, int m, int kernel, int stride, int pad, int group) {
        int oh = (h + 2 * pad - kernel) / stride + 1;
        int ow = (w + 2 * pad - kernel) / stride + 1;
        long[] xShape = {n, c, h, w};
        long[] wShape = {m, c / group, kernel, kernel};
        SplittableRandom rnd = new SplittableRandom(7);
        Onnx.NodeProto.Builder node = node("Conv", new String[] {"X", "W", "Bias"}, "Y").toBuilder()
                .addAttribute(ints("kernel_shape", kernel, kernel))
                .addAttribute(ints("strides", stride, stride))
                .addAttribute(ints("pads", pad, pad, pad, pad))
                .addAttribute(ints("dilations", 1, 1))
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("group").setI(group)
                        .setType(Onnx.AttributeProto.AttributeType.INT));
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("conv")
                .addNode(node)
                .addInput(floatInfo("X", xShape))
                .addInitializer(initializer("W", random(rnd, wShape)))
                .addInitializer(initializer("Bias", random(rnd, new long[] {m})))
                .addOutput(floatInfo("Y", new long[] {n, m, oh, ow}));
        Map<String, Tensor> feed = new LinkedHashMap<>();
        feed.put("X", random(rnd, xShape));
        double flops = 2.0 * n * m * oh * ow * (c / group) * kernel * kernel;
        return new Built(model(g), feed, flops);
    }

    /**
     * @param rnd   random source
     * @param shape dims
     * @return a float32 tensor uniform in [-0.5, 0.5)
     */
    public static Tensor random(SplittableRandom rnd, long[] shape) {
        Tensor t = Tensor.allocate(dev.clinfer.api.DataType.FLOAT, shape);
        java.nio.FloatBuffer f = t.floats();
        for (int i = 0; i < t.numel(); i++) {
            f.put(i, (float) (rnd.nextDouble() - 0.5));
        }
        return t;
    }

    private static byte[] model(Onnx.GraphProto.Builder g) {
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("clinfer-bench")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g).build().toByteArray();
    }

    private static Onnx.NodeProto node(String op, String[] in, String out) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_0");
        for (String s : in) {
            n.addInput(s);
        }
        return n.addOutput(out).build();
    }

    private static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static Onnx.ValueInfoProto floatInfo(String name, long[] dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static Onnx.TensorProto initializer(String name, Tensor t) {
        ByteBuffer b = t.buffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        Onnx.TensorProto.Builder p = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(raw));
        for (long d : t.shape()) {
            p.addDims(d);
        }
        return p.build();
    }

    private static long[] concat(long[] batch, long a, long b) {
        long[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = a;
        s[batch.length + 1] = b;
        return s;
    }

    private static long prod(long[] d) {
        long p = 1;
        for (long x : d) {
            p *= x;
        }
        return p;
    }
}
