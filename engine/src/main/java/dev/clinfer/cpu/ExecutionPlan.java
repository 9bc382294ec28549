package dev.clinfer.cpu;

import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.ops.OpRegistry;
import dev.clinfer.ops.Operator;
import dev.clinfer.passes.GraphScopes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sorted graph compiled for the Java CPU interpreter: each value gets a slot, each node its
 * operator, and each step the list of slots whose last reader it is (freed right after it).
 * Immutable and shared by all concurrent runs.
 */
public final class ExecutionPlan {
    /** One node to run. */
    static final class Step {
        final Node node;
        final Operator op;
        final int[] inputSlots;
        final int[] outputSlots;
        int[] freeAfter = new int[0];

        Step(Node node, Operator op, int[] inputSlots, int[] outputSlots) {
            this.node = node;
            this.op = op;
            this.inputSlots = inputSlots;
            this.outputSlots = outputSlots;
        }
    }

    final Graph graph;
    final Map<String, Integer> slots = new HashMap<>();
    final List<String> slotNames = new ArrayList<>();
    final Step[] steps;
    final int[] inputSlots;
    final int[] outputSlots;
    final int[] constSlots;
    final Tensor[] constValues;
    final String[] outerNames;
    final int[] outerSlots;
    private final OpRegistry registry;
    private final Map<Graph, ExecutionPlan> subPlans = new IdentityHashMap<>();

    /**
     * @param graph    a sorted graph
     * @param registry operators
     * @throws UnsupportedOperatorException naming the first node no operator runs
     */
    public ExecutionPlan(Graph graph, OpRegistry registry) {
        this.graph = graph;
        this.registry = registry;
        List<Integer> cs = new ArrayList<>();
        List<Tensor> cv = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
            cs.add(slot(e.getKey()));
            cv.add(e.getValue());
            // Constant for the plan's life: kernels may cache packed forms of it (GEMM weights).
            GemmWeightCache.markConstant(e.getValue());
        }
        constSlots = cs.stream().mapToInt(Integer::intValue).toArray();
        constValues = cv.toArray(new Tensor[0]);
        inputSlots = new int[graph.inputs().size()];
        for (int i = 0; i < inputSlots.length; i++) {
            inputSlots[i] = slot(graph.inputs().get(i).name());
        }
        Set<String> outer = new LinkedHashSet<>(GraphScopes.outerReads(graph));
        outerNames = outer.toArray(new String[0]);
        outerSlots = new int[outerNames.length];
        for (int i = 0; i < outerNames.length; i++) {
            outerSlots[i] = slot(outerNames[i]);
        }
        steps = new Step[graph.nodes().size()];
        for (int i = 0; i < steps.length; i++) {
            Node n = graph.nodes().get(i);
            Operator op = registry.find(n.domain(), n.opType());
            if (op == null) {
                throw new UnsupportedOperatorException("unsupported operator " + describe(n) + ": no kernel for op '"
                        + n.opType() + "' in domain '" + (n.domain().isEmpty() ? "ai.onnx" : n.domain()) + "' (opset "
                        + n.opset() + ")");
            }
            int[] in = new int[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String s = n.inputs().get(k);
                in[k] = s.isEmpty() ? -1 : slot(s);
            }
            int[] out = new int[n.outputs().size()];
            for (int k = 0; k < out.length; k++) {
                String s = n.outputs().get(k);
                out[k] = s.isEmpty() ? -1 : slot(s);
            }
            steps[i] = new Step(n, op, in, out);
        }
        outputSlots = new int[graph.outputs().size()];
        for (int i = 0; i < outputSlots.length; i++) {
            outputSlots[i] = slot(graph.outputs().get(i).name());
        }
        planLifetimes();
    }

    private static String describe(Node n) {
        return n.toString();
    }

    private int slot(String name) {
        Integer s = slots.get(name);
        if (s == null) {
            s = slotNames.size();
            slots.put(name, s);
            slotNames.add(name);
        }
        return s;
    }

    /** Frees each value after its last reader; values nobody reads are freed right after their producer. */
    private void planLifetimes() {
        int[] last = new int[slotNames.size()];
        Arrays.fill(last, -1);
        for (int i = 0; i < steps.length; i++) {
            for (int s : steps[i].inputSlots) {
                if (s >= 0) {
                    last[s] = i;
                }
            }
            for (String r : GraphScopes.reads(steps[i].node)) {
                Integer s = slots.get(r);
                if (s != null) {
                    last[s] = Math.max(last[s], i);
                }
            }
            for (int s : steps[i].outputSlots) {
                if (s >= 0 && last[s] < i) {
                    last[s] = i;
                }
            }
        }
        for (int s : outputSlots) {
            last[s] = Integer.MAX_VALUE;
        }
        List<List<Integer>> free = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            free.add(new ArrayList<>());
        }
        for (int s = 0; s < last.length; s++) {
            if (last[s] >= 0 && last[s] < steps.length) {
                free.get(last[s]).add(s);
            }
        }
        for (int i = 0; i < steps.length; i++) {
            steps[i].freeAfter = free.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** @return the graph this plan runs */
    public Graph graph() {
        return graph;
    }

    /** @return the number of steps */
    public int size() {
        return steps.length;
    }

    /** @param g a subgraph of one of this plan's nodes @return its plan, built once */
    synchronized ExecutionPlan subPlan(Graph g) {
        ExecutionPlan p = subPlans.get(g);
        if (p == null) {
            p = new ExecutionPlan(g, registry);
            subPlans.put(g, p);
        }
        return p;
    }

    /** @return input infos in slot order */
    List<ValueInfo> inputs() {
        return graph.inputs();
    }

    /**
     * Drops the plan's references to the graph's constants, so that a closed session that is still
     * referenced somewhere does not keep its weights alive. The plan must not run afterwards.
     */
    public void releaseConstants() {
        java.util.Arrays.fill(constValues, null);
    }
}
