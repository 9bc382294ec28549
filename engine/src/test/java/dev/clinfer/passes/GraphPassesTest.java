package dev.clinfer.passes;

import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphPassesTest {
    private static Node node(String op, String name, List<String> in, List<String> out) {
        return new Node(name, op, "", in, out, Map.of(), 13);
    }

    private static Graph graph(List<Node> nodes, String output) {
        ValueInfo x = ValueInfo.tensor("x", DataType.FLOAT, Shape.of(2, 3));
        ValueInfo y = ValueInfo.tensor(output, DataType.FLOAT, Shape.of(2, 3));
        return new Graph("g", nodes, List.of(x), List.of(y), Map.of(), Map.of());
    }

    @Test
    void sortsNodesByDataDependency() {
        List<Node> nodes = new ArrayList<>(List.of(
                node("Relu", "c", List.of("b"), List.of("y")),
                node("Relu", "a", List.of("x"), List.of("a1")),
                node("Neg", "b", List.of("a1"), List.of("b"))));
        Graph g = graph(nodes, "y");
        TopologicalSort.apply(g, java.util.Set.of());
        assertEquals(List.of("a", "b", "c"), g.nodes().stream().map(Node::name).toList());
    }

    @Test
    void rejectsCyclesAndUndefinedValues() {
        Graph cyc = graph(new ArrayList<>(List.of(
                node("Relu", "a", List.of("b1"), List.of("a1")),
                node("Relu", "b", List.of("a1"), List.of("b1")))), "a1");
        assertTrue(assertThrows(ModelFormatException.class, () -> TopologicalSort.apply(cyc, java.util.Set.of()))
                .getMessage().contains("cycle"));
        Graph undef = graph(new ArrayList<>(List.of(node("Relu", "a", List.of("nope"), List.of("y")))), "y");
        assertTrue(assertThrows(ModelFormatException.class, () -> TopologicalSort.apply(undef, java.util.Set.of()))
                .getMessage().contains("'nope'"));
    }

    @Test
    void removesDeadNodesAndUnusedInitializers() {
        Graph g = graph(new ArrayList<>(List.of(
                node("Relu", "live", List.of("x"), List.of("y")),
                node("Add", "dead", List.of("x", "w"), List.of("z")))), "y");
        g.initializers().put("w", Tensor.of(new float[] {1}, 1));
        assertEquals(1, DeadNodeElimination.apply(g));
        assertEquals(List.of("live"), g.nodes().stream().map(Node::name).toList());
        assertTrue(g.initializers().isEmpty());
    }

    @Test
    void plansMemoryWithReuse() {
        // x -> a -> b -> c -> y: each intermediate dies once the next node has run, so two
        // 24-byte buffers (rounded to 64) suffice at any time.
        Graph g = graph(new ArrayList<>(List.of(
                node("Relu", "n1", List.of("x"), List.of("a")),
                node("Relu", "n2", List.of("a"), List.of("b")),
                node("Relu", "n3", List.of("b"), List.of("c")),
                node("Relu", "n4", List.of("c"), List.of("y")))), "y");
        Map<String, ValueInfo> infos = new java.util.HashMap<>();
        for (String v : List.of("a", "b", "c", "y")) {
            infos.put(v, ValueInfo.tensor(v, DataType.FLOAT, Shape.of(2, 3)));
        }
        MemoryPlanner.Plan p = MemoryPlanner.plan(g, infos, 1);
        assertEquals(4 * 24, p.totalBytes());
        assertEquals(2 * 64, p.peakBytes());
        assertEquals(4, p.plannedValues());
    }

    @Test
    void viewsShareTheirInputsBuffer() {
        // a = Relu(x); b = Reshape(a) is a view of a; y = Relu(b). Only a and y need buffers,
        // and a lives until y's producer has read b.
        Graph g = graph(new ArrayList<>(List.of(
                node("Relu", "n1", List.of("x"), List.of("a")),
                node("Reshape", "n2", List.of("a", "shape"), List.of("b")),
                node("Relu", "n3", List.of("b"), List.of("y")))), "y");
        Map<String, ValueInfo> infos = new java.util.HashMap<>();
        for (String v : List.of("a", "b", "y")) {
            infos.put(v, ValueInfo.tensor(v, DataType.FLOAT, Shape.of(2, 3)));
        }
        MemoryPlanner.Plan p = MemoryPlanner.plan(g, infos, 1);
        assertEquals(2, p.plannedValues());
        assertEquals(2 * 64, p.peakBytes());
    }
}
