package dev.clinfer.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps (domain, op type) to the {@link Operator} that runs it on the Java CPU path. The default
 * registry holds every built-in operator family.
 */
public final class OpRegistry {
    private static final OpRegistry DEFAULT = createDefault();

    private final Map<String, Operator> ops = new HashMap<>();

    /** @return the registry with all built-in operators */
    public static OpRegistry defaultRegistry() {
        return DEFAULT;
    }

    private static OpRegistry createDefault() {
        OpRegistry r = new OpRegistry();
        ElementwiseOps.register(r);
        ActivationOps.register(r);
        MatMulOps.register(r);
        ConvOps.register(r);
        PoolOps.register(r);
        NormalizationOps.register(r);
        ShapeOps.register(r);
        GatherScatterOps.register(r);
        ReduceOps.register(r);
        ResizeOps.register(r);
        EinsumOps.register(r);
        RecurrentOps.register(r);
        ControlFlowOps.register(r);
        QuantizeOps.register(r);
        MiscOps.register(r);
        LossOps.register(r);
        SignalOps.register(r);
        SequenceOps.register(r);
        StringOps.register(r);
        TrainingOps.register(r);
        FusedOps.register(r);
        return r;
    }

    /**
     * Registers an operator of the default domain (also reachable as {@code ai.onnx}).
     *
     * @param opType the op type
     * @param op     its implementation
     */
    public void register(String opType, Operator op) {
        register("", opType, op);
    }

    /**
     * @param domain operator domain
     * @param opType op type
     * @param op     implementation
     */
    public void register(String domain, String opType, Operator op) {
        ops.put(key(domain, opType), op);
    }

    /**
     * @param domain domain ("" or ai.onnx for the default)
     * @param opType op type
     * @return the operator, or null when unsupported
     */
    public Operator find(String domain, String opType) {
        return ops.get(key(domain, opType));
    }

    /** @return "domain:op" keys of every registered operator, sorted */
    public Set<String> supported() {
        return new TreeSet<>(ops.keySet());
    }

    private static String key(String domain, String opType) {
        String d = domain == null || domain.equals("ai.onnx") ? "" : domain;
        return d + ":" + opType;
    }
}
