package dev.clinfer.opencl.ops;

import dev.clinfer.opencl.DeviceOp;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The OpenCL launchers by op type (default domain). Families register themselves here. */
public final class DeviceOps {
    private static final DeviceOps DEFAULT = createDefault();
    private final Map<String, DeviceOp> ops = new HashMap<>();

    /** @return the launchers of every built-in family */
    public static DeviceOps defaultOps() {
        return DEFAULT;
    }

    private static DeviceOps createDefault() {
        DeviceOps r = new DeviceOps();
        ElementwiseLaunchers.register(r);
        LayoutLaunchers.register(r);
        GemmLaunchers.register(r);
        ConvLaunchers.register(r);
        PoolLaunchers.register(r);
        NormLaunchers.register(r);
        FusedLaunchers.register(r);
        return r;
    }

    /** @param opType op type @param op its launcher */
    public void register(String opType, DeviceOp op) {
        ops.put(opType, op);
    }

    /**
     * Registers a launcher of another domain (the graph optimiser's {@code dev.clinfer} ops).
     *
     * @param domain the domain
     * @param opType op type
     * @param op     its launcher
     */
    public void register(String domain, String opType, DeviceOp op) {
        ops.put(domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType, op);
    }

    /** @param domain node domain @param opType op type @return the launcher, or null */
    public DeviceOp find(String domain, String opType) {
        return domain.isEmpty() || domain.equals("ai.onnx") ? ops.get(opType) : ops.get(domain + ":" + opType);
    }

    /** @return op types with a launcher */
    public Set<String> supported() {
        return new TreeSet<>(ops.keySet());
    }
}
