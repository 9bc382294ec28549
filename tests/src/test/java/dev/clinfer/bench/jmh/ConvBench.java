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

/** Conv shapes from resnet18 and mobilenet_v2, with bias, through a one-node model (see {@link KernelShapes}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvBench extends SessionState {
    /** A key of {@link KernelShapes#CONV}. */
    @Param({"r18_7x7s2_3to64_224", "r18_3x3_64to64_56", "r18_3x3_256to256_14", "r18_1x1s2_256to512_14",
            "mv2_dw3x3_32_112", "mv2_dw3x3s2_96_112", "mv2_pw1x1_16to96_112", "mv2_pw1x1_144to24_56",
            "mv2_pw1x1_960to160_7"})
    public String shape;

    @Override
    protected String shapeName() {
        return shape;
    }

    /** @param bh sink */
    @Benchmark
    public void conv(Blackhole bh) {
        runOnce(bh);
    }
}
