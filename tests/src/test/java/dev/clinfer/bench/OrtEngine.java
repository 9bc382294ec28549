package dev.clinfer.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clinfer.api.Tensor;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime (Java API, CPU execution provider) on the same model and inputs: intra-op threads = T,
 * inter-op threads 1, sequential execution, default graph optimisation (all). Intra-op spinning is off
 * by default so that ORT's idle workers do not burn the cores while clinfer runs in between (the
 * engines alternate in one process); {@code --ort-spin} turns it back on.
 */
public final class OrtEngine implements BenchEngine {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();

    /**
     * @param threads intra-op threads
     * @param spin    allow intra-op spin-waiting (ORT's default)
     * @param model   the .onnx file
     * @param feed    inputs by name (direct buffers, shared without a copy)
     */
    public OrtEngine(int threads, boolean spin, Path model, Map<String, Tensor> feed) {
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
            session = env.createSession(model.toString(), o);
            for (Map.Entry<String, Tensor> e : feed.entrySet()) {
                inputs.put(e.getKey(), toOrt(e.getValue()));
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
    }

    /** @return the ONNX Runtime version */
    public String version() {
        return env.getVersion();
    }

    private OnnxTensor toOrt(Tensor t) throws OrtException {
        OnnxJavaType jt = switch (t.dataType()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("input type " + t.dataType() + " not mapped to ORT");
        };
        return OnnxTensor.createTensor(env, t.buffer(), t.shape(), jt);
    }

    @Override
    public String label() {
        return "ort";
    }

    @Override
    public void run() {
        try (OrtSession.Result r = session.run(inputs)) {
            if (r.size() == 0) {
                throw new IllegalStateException("no outputs");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Output> runAndCollect() {
        Map<String, Output> out = new LinkedHashMap<>();
        try (OrtSession.Result r = session.run(inputs)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                out.put(e.getKey(), new Output(t.getInfo().getShape(), values(t)));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static double[] values(OnnxTensor t) {
        switch (t.getInfo().type) {
            case FLOAT: {
                FloatBuffer b = t.getFloatBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            case DOUBLE: {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] v = new double[b.remaining()];
                b.get(v);
                return v;
            }
            case INT64: {
                LongBuffer b = t.getLongBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            case INT32: {
                IntBuffer b = t.getIntBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            default: {
                ByteBuffer b = t.getByteBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
        }
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
