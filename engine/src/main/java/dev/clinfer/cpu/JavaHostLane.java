package dev.clinfer.cpu;

import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.OpRegistry;
import dev.clinfer.ops.Operator;
import dev.clinfer.spi.HostLane;

/** The Java CPU lane offered to backends: single nodes on the session's interpreter and pool. */
public final class JavaHostLane implements HostLane {
    private final Interpreter interpreter;
    private final OpRegistry registry;
    private final int threads;

    /**
     * @param interpreter the session's interpreter
     * @param registry    Java operators
     * @param threads     pool size
     */
    public JavaHostLane(Interpreter interpreter, OpRegistry registry, int threads) {
        this.interpreter = interpreter;
        this.registry = registry;
        this.threads = threads;
    }

    @Override
    public OpRegistry operators() {
        return registry;
    }

    @Override
    public Tensor[] runNode(Node node, Tensor[] inputs) {
        Operator op = registry.find(node.domain(), node.opType());
        if (op == null) {
            throw new UnsupportedOperatorException("unsupported operator " + node);
        }
        return interpreter.runNode(node, op, inputs);
    }

    @Override
    public int threads() {
        return threads;
    }
}
