package dev.clinfer.opencl.ops;

/** OpenCL launchers: views (Reshape, Flatten, Squeeze, Unsqueeze, Identity), Transpose, Concat, Slice, Pad, Gather, Resize, Cast (layout.cl). */
public final class LayoutLaunchers {
    private LayoutLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
    }
}
