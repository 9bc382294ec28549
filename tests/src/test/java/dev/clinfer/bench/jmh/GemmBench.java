package dev.clinfer.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** MatMul shapes from MiniLM plus a 1024^3 square, through a one-node model (see {@link KernelShapes}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmBench extends SessionState {
    /** A key of {@link KernelShapes#GEMM}. */
    @Param({"square_1024", "minilm_ffn_32x384x1536", "minilm_ffn_128x384x1536", "minilm_qk_2x12x16x64x16",
            "minilm_qk_1x12x128x64x128"})
    public String shape;

    @Override
    protected String shapeName() {
        return shape;
    }

    /** @param bh sink */
    @Benchmark
    public void matmul(Blackhole bh) {
        runOnce(bh);
    }
}
