package dev.clinfer.bench;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** clinfer on one device: {@code java}, or an OpenCL device id ({@code P:D}), strict (no silent fallback). */
public final class ClinferEngine implements BenchEngine {
    private final String label;
    private final Session session;
    private final Map<String, Tensor> feed;

    /**
     * @param label   table label
     * @param device  a {@link SessionOptions#device(String)} value
     * @param threads worker threads
     * @param model   the .onnx file
     * @param feed    inputs by name
     */
    public ClinferEngine(String label, String device, int threads, Path model, Map<String, Tensor> feed) {
        this.label = label;
        this.session = Session.create(model, new SessionOptions().threads(threads).device(device)
                .strict(!device.equals("java")));
        this.feed = feed;
    }

    /** @return the session's device in words */
    public String device() {
        return session.device();
    }

    /** @return how many nodes run on the Java lane although an OpenCL device was asked for */
    public long javaNodes() {
        return session.placement().values().stream().filter("java"::equals).count();
    }

    /** @return nodes after the load-time passes */
    public int nodes() {
        return session.placement().size();
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void run() {
        try (Result r = session.run(feed)) {
            if (r.size() == 0) {
                throw new IllegalStateException("no outputs");
            }
        }
    }

    @Override
    public Map<String, Output> runAndCollect() {
        Map<String, Output> out = new LinkedHashMap<>();
        try (Result r = session.run(feed)) {
            for (Map.Entry<String, Tensor> e : r) {
                Tensor t = e.getValue();
                double[] v = new double[t.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.getDouble(i);
                }
                out.put(e.getKey(), new Output(t.shape(), v));
            }
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
    }
}
