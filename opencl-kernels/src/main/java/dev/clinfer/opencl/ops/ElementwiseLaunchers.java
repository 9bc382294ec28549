package dev.clinfer.opencl.ops;

/** OpenCL launchers: unary and binary elementwise ops and activations, one template (elementwise.cl). */
public final class ElementwiseLaunchers {
    private ElementwiseLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
