package dev.clinfer.opencl.tune;

import dev.clinfer.opencl.ClDevice;

public final class GemmTuner {
    private GemmTuner() {
    }

    public static GemmConfig config(ClDevice device) {
        String p = System.getProperty("clinfer.gemm.config");
        return p != null ? GemmConfig.parse(p) : GemmConfig.CPU_DEFAULT;
    }
}
