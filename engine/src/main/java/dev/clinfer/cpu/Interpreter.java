package dev.clinfer.cpu;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ops.ExecContext;
import dev.clinfer.ops.RangeBody;

import java.util.Map;

/**
 * Runs an {@link ExecutionPlan} on the Java CPU path: one frame of value slots per request
 * (and per subgraph call), kernels on the session's {@link ComputePool}, activations recycled
 * through the {@link BufferPool} as soon as their last reader has run.
 */
public final class Interpreter {
    private final ComputePool compute;
    private final BufferPool buffers;

    /**
     * @param compute worker threads
     * @param buffers activation pool, or null to allocate fresh buffers
     */
    public Interpreter(ComputePool compute, BufferPool buffers) {
        this.compute = compute;
        this.buffers = buffers;
    }

    /**
     * Runs a plan.
     *
     * @param plan   the plan
     * @param inputs one tensor per graph input, in graph-input order
     * @return one tensor per graph output
     */
    public Tensor[] run(ExecutionPlan plan, Tensor[] inputs) {
        return run(plan, inputs, null);
    }

    /**
     * Runs a plan and adds each top-level node's wall time to {@code times}.
     *
     * @param plan   the plan
     * @param inputs one tensor per graph input, in graph-input order
     * @param times  per-node timers of this plan, or null
     * @return one tensor per graph output
     */
    public Tensor[] run(ExecutionPlan plan, Tensor[] inputs, StepTimes times) {
        RunMemory memory = new RunMemory(buffers);
        try {
            Frame top = new Frame(plan, null, memory);
            top.times = times;
            Tensor[] out = top.execute(inputs, null);
            for (Tensor t : out) {
                memory.detach(t);
            }
            return out;
        } finally {
            memory.releaseAll();
        }
    }

    /**
     * Runs one node outside any plan (for backends that hand single nodes to the CPU lane).
     *
     * @param node   the node
     * @param op     its operator
     * @param inputs its inputs
     * @return its outputs
     */
    public Tensor[] runNode(Node node, dev.clinfer.ops.Operator op, Tensor[] inputs) {
        try {
            return op.run(node, inputs, new Frame(null, null, new RunMemory(null)));
        } catch (ClinferException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExecutionException(node + " failed: " + e, e);
        }
    }

    /** A context with no frame, for constant folding at load time. */
    public ExecContext loadTimeContext() {
        return new Frame(null, null, new RunMemory(null));
    }

    private final class Frame implements ExecContext {
        private final ExecutionPlan plan;
        private final Frame parent;
        private final RunMemory memory;
        private Tensor[] slots;
        /** Per-node timers (top-level frame of a timed run only). */
        private StepTimes times;

        Frame(ExecutionPlan plan, Frame parent, RunMemory memory) {
            this.plan = plan;
            this.parent = parent;
            this.memory = memory;
        }

        Tensor lookup(String name) {
            if (plan != null && slots != null) {
                Integer s = plan.slots.get(name);
                if (s != null && slots[s] != null) {
                    return slots[s];
                }
            }
            return parent == null ? null : parent.lookup(name);
        }

        Tensor[] execute(Tensor[] inputs, Map<String, Tensor> named) {
            slots = new Tensor[plan.slotNames.size()];
            for (int i = 0; i < plan.constSlots.length; i++) {
                slots[plan.constSlots[i]] = plan.constValues[i];
            }
            for (int i = 0; i < plan.outerSlots.length; i++) {
                Tensor t = parent == null ? null : parent.lookup(plan.outerNames[i]);
                if (t == null && (named == null || !named.containsKey(plan.outerNames[i]))) {
                    throw new ExecutionException("graph '" + plan.graph.name() + "' reads '" + plan.outerNames[i]
                            + "', which no enclosing graph defines");
                }
                slots[plan.outerSlots[i]] = t;
            }
            for (int i = 0; i < plan.inputSlots.length; i++) {
                Tensor t = inputs != null ? inputs[i] : named.get(plan.graph.inputs().get(i).name());
                slots[plan.inputSlots[i]] = t;
            }
            try {
                ExecutionPlan.Step[] steps = plan.steps;
                for (int i = 0; i < steps.length; i++) {
                    if (times == null) {
                        runStep(steps[i]);
                    } else {
                        long t0 = System.nanoTime();
                        runStep(steps[i]);
                        times.add(i, System.nanoTime() - t0);
                    }
                }
                Tensor[] out = new Tensor[plan.outputSlots.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = slots[plan.outputSlots[i]];
                    if (out[i] == null) {
                        throw new ExecutionException("graph output '" + plan.graph.outputs().get(i).name()
                                + "' was not produced");
                    }
                }
                return out;
            } finally {
                slots = null;
            }
        }

        private void runStep(ExecutionPlan.Step step) {
            Node node = step.node;
            Tensor[] in = new Tensor[step.inputSlots.length];
            for (int k = 0; k < in.length; k++) {
                int s = step.inputSlots[k];
                in[k] = s < 0 ? null : slots[s];
                if (s >= 0 && in[k] == null) {
                    in[k] = parent == null ? null : parent.lookup(node.inputs().get(k));
                    if (in[k] == null) {
                        throw new ExecutionException(node + ": input '" + node.inputs().get(k) + "' has no value");
                    }
                }
            }
            Tensor[] out;
            try {
                out = step.op.run(node, in, this);
            } catch (ClinferException e) {
                throw e.getMessage() != null && e.getMessage().contains("'" + node.name() + "'") ? e
                        : rewrap(e, node);
            } catch (RuntimeException | StackOverflowError e) {
                throw new ExecutionException(node + " failed: " + e, e);
            } catch (OutOfMemoryError e) {
                throw new ExecutionException(node + " ran out of memory: " + e.getMessage(), e);
            }
            if (out == null || out.length < countRequired(step)) {
                throw new ExecutionException(node + " returned " + (out == null ? 0 : out.length) + " outputs, expected "
                        + step.outputSlots.length);
            }
            for (int k = 0; k < step.outputSlots.length; k++) {
                int s = step.outputSlots[k];
                if (s >= 0 && k < out.length && out[k] != null) {
                    slots[s] = out[k];
                    memory.retain(out[k]);
                }
            }
            for (int s : step.freeAfter) {
                Tensor t = slots[s];
                if (t != null && !isConstOrInput(s)) {
                    memory.release(t);
                }
                slots[s] = null;
            }
        }

        private boolean isConstOrInput(int s) {
            for (int c : plan.inputSlots) {
                if (c == s) {
                    return true;
                }
            }
            for (int c : plan.outerSlots) {
                if (c == s) {
                    return true;
                }
            }
            return false;
        }

        private int countRequired(ExecutionPlan.Step step) {
            int n = 0;
            for (int k = 0; k < step.outputSlots.length; k++) {
                if (step.outputSlots[k] >= 0) {
                    n = k + 1;
                }
            }
            return n;
        }

        private ClinferException rewrap(ClinferException e, Node node) {
            String msg = node + ": " + e.getMessage();
            try {
                return e.getClass().getConstructor(String.class, Throwable.class).newInstance(msg, e);
            } catch (ReflectiveOperationException r) {
                return new ExecutionException(msg, e);
            }
        }

        @Override
        public Tensor allocate(DataType type, long... shape) {
            return memory.allocate(type, shape, true);
        }

        @Override
        public Tensor allocateUninitialized(DataType type, long... shape) {
            return memory.allocate(type, shape, false);
        }

        @Override
        public void parallelFor(int n, long costPerItem, RangeBody body) {
            compute.parallelFor(n, costPerItem, body);
        }

        @Override
        public int threads() {
            return compute.threads();
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Map<String, Tensor> inputs) {
            if (plan == null) {
                throw new ExecutionException("subgraphs cannot run during constant folding");
            }
            ExecutionPlan sub = plan.subPlan(graph);
            Tensor[] out = new Frame(sub, this, memory).execute(null, inputs);
            for (Tensor t : out) {
                memory.detach(t);
            }
            return out;
        }
    }
}
