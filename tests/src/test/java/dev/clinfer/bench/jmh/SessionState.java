package dev.clinfer.bench.jmh;

import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.bench.OneNodeModels;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Map;

/**
 * A clinfer session on a one-node model, shared by the GEMM and Conv benchmarks. One invocation is one
 * {@code Session.run}: on the OpenCL path that includes uploading the activation input(s) and downloading
 * the output (weights stay on the device), as in a real model's first and last layer.
 */
@State(Scope.Benchmark)
public abstract class SessionState {
    /** {@code java}, {@code opencl-cpu}, {@code gpu} or {@code P:D} (OpenCL device; strict, no fallback). */
    @Param({"java", "opencl-cpu"})
    public String path;

    /** clinfer worker threads (PoCL's own threads come from POCL_MAX_PTHREAD_COUNT). */
    @Param({"1"})
    public int threads;

    private Session session;
    private Map<String, Tensor> feed;

    /** @return the shape name of this trial */
    protected abstract String shapeName();

    /** Builds the model and runs it once (kernel compiles, weight upload and packing happen here). */
    @Setup
    public void open() {
        OneNodeModels.Built b = KernelShapes.build(shapeName());
        session = Session.create(b.bytes(), new SessionOptions().threads(threads).device(path)
                .strict(!path.equals("java")));
        feed = b.feed();
        runOnce(null);
    }

    /** @param bh sink for the result */
    protected void runOnce(Blackhole bh) {
        try (Result r = session.run(feed)) {
            if (bh != null) {
                bh.consume(r.get(0).numel());
            }
        }
    }

    /** Closes the session. */
    @TearDown
    public void close() {
        session.close();
    }
}
