package dev.clinfer.opencl.ops;

/**
 * OpenCL launchers: views (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout, float Cast),
 * Transpose, Concat, Slice, Expand, Pad, Gather and Resize (layout.cl).
 *
 * <p>Integer parameter inputs (shapes, axes, starts, pads) that are not constants are accepted:
 * no launcher produces integer tensors on the device, so they live on the host and
 * {@code hostInput} reads them without a sync.
 */
public final class LayoutLaunchers {
    /** The kernel source. */
    static final String FILE = "layout.cl";

    private LayoutLaunchers() {
    }

    /** @param r the registry to fill */
    public static void register(DeviceOps r) {
        LayoutViews views = new LayoutViews();
        for (String op : new String[] {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast",
                "CastLike"}) {
            r.register(op, views);
        }
        LayoutCopies copies = new LayoutCopies();
        for (String op : new String[] {"Transpose", "Concat", "Slice", "Expand"}) {
            r.register(op, copies);
        }
        r.register("Pad", new LayoutPad());
        r.register("Gather", new LayoutGather());
        LayoutResize resize = new LayoutResize();
        r.register("Resize", resize);
        r.register("Upsample", resize);
    }
}
