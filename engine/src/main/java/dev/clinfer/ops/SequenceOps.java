package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Graph;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Java CPU kernels of the ONNX sequence and optional operators: SequenceEmpty,
 * SequenceConstruct, SequenceInsert, SequenceAt, SequenceErase, SequenceLength, SequenceMap,
 * Optional, OptionalHasElement and OptionalGetElement (SplitToSequence and ConcatFromSequence
 * live in {@link SequenceSplitConcat}). Sequences are immutable {@link Tensor#sequence} values:
 * every op that "changes" one returns a new sequence sharing the unchanged items.
 */
public final class SequenceOps {
    private SequenceOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("SequenceEmpty", SequenceOps::sequenceEmpty);
        r.register("SequenceConstruct", SequenceOps::sequenceConstruct);
        r.register("SequenceInsert", SequenceOps::sequenceInsert);
        r.register("SequenceAt", SequenceOps::sequenceAt);
        r.register("SequenceErase", SequenceOps::sequenceErase);
        r.register("SequenceLength", (node, in, ctx) -> new Tensor[] {
            Tensor.scalar((long) sequence(node, in, 0).items().size())});
        r.register("SequenceMap", SequenceOps::sequenceMap);
        r.register("SplitToSequence", SequenceSplitConcat::splitToSequence);
        r.register("ConcatFromSequence", SequenceSplitConcat::concatFromSequence);
        r.register("Optional", SequenceOps::optional);
        r.register("OptionalHasElement", SequenceOps::optionalHasElement);
        r.register("OptionalGetElement", SequenceOps::optionalGetElement);
    }

    /** @return input {@code k}, which must be a sequence */
    static Tensor sequence(Node node, Tensor[] in, int k) {
        Tensor t = ShapeOps.required(node, in, k);
        if (t.dataType() != DataType.SEQUENCE) {
            throw new InvalidInputException(node + ": input #" + k + " ('" + node.inputs().get(k)
                    + "') must be a sequence, got " + t);
        }
        return t;
    }

    private static Tensor[] sequenceEmpty(Node node, Tensor[] in, ExecContext ctx) {
        DataType t = DataType.fromOnnx((int) node.attrInt("dtype", DataType.FLOAT.onnxCode()));
        if (t == null) {
            throw new InvalidInputException(node + ": unknown dtype " + node.attrInt("dtype", 0));
        }
        return new Tensor[] {Tensor.sequence(t, List.of())};
    }

    private static Tensor[] sequenceConstruct(Node node, Tensor[] in, ExecContext ctx) {
        List<Tensor> items = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            items.add(ShapeOps.required(node, in, k));
        }
        if (items.isEmpty()) {
            throw new InvalidInputException(node + ": SequenceConstruct needs at least one input");
        }
        DataType t = items.get(0).dataType();
        for (int k = 1; k < items.size(); k++) {
            if (items.get(k).dataType() != t) {
                throw new InvalidInputException(node + ": input #" + k + " is " + items.get(k).dataType()
                        + ", input #0 is " + t + "; a sequence holds one element type");
            }
        }
        return new Tensor[] {Tensor.sequence(t, items)};
    }

    /** {@code position} input {@code k}, or {@code def} when omitted; negative counts from the end. */
    private static int position(Node node, Tensor[] in, int k, int n, int def, boolean inclusiveEnd) {
        Tensor p = ShapeOps.input(node, in, k);
        if (p == null) {
            return def;
        }
        if (p.size() != 1 || !(p.dataType() == DataType.INT64 || p.dataType() == DataType.INT32)) {
            throw new InvalidInputException(node + ": 'position' must be an int32/int64 scalar, got " + p);
        }
        long v = p.getLong(0);
        long hi = inclusiveEnd ? n : n - 1;
        if (v < -n || v > hi) {
            throw new InvalidInputException(node + ": position " + v + " is out of range [" + (-n) + ", " + hi
                    + "] for a sequence of " + n + " items");
        }
        return (int) (v < 0 ? v + n : v);
    }

    private static Tensor[] sequenceInsert(Node node, Tensor[] in, ExecContext ctx) {
        Tensor seq = sequence(node, in, 0);
        Tensor t = ShapeOps.required(node, in, 1);
        DataType et = seq.elementType();
        if (et != null && et != t.dataType()) {
            throw new InvalidInputException(node + ": cannot insert a " + t.dataType() + " tensor into a sequence of "
                    + et);
        }
        List<Tensor> items = new ArrayList<>(seq.items());
        int at = position(node, in, 2, items.size(), items.size(), true);
        items.add(at, t);
        return new Tensor[] {Tensor.sequence(t.dataType(), items)};
    }

    private static Tensor[] sequenceAt(Node node, Tensor[] in, ExecContext ctx) {
        Tensor seq = sequence(node, in, 0);
        if (ShapeOps.input(node, in, 1) == null) {
            throw new InvalidInputException(node + ": required input 'position' is missing");
        }
        List<Tensor> items = seq.items();
        return new Tensor[] {items.get(position(node, in, 1, items.size(), 0, false))};
    }

    private static Tensor[] sequenceErase(Node node, Tensor[] in, ExecContext ctx) {
        Tensor seq = sequence(node, in, 0);
        List<Tensor> items = new ArrayList<>(seq.items());
        if (items.isEmpty()) {
            throw new InvalidInputException(node + ": cannot erase from an empty sequence");
        }
        items.remove(position(node, in, 1, items.size(), items.size() - 1, false));
        return new Tensor[] {Tensor.sequence(seq.elementType(), items)};
    }

    /**
     * Runs {@code body} once per item of the input sequences: sequence inputs give the body their
     * i-th item, tensor inputs are passed whole every time; each body output is collected into
     * an output sequence.
     */
    private static Tensor[] sequenceMap(Node node, Tensor[] in, ExecContext ctx) {
        Graph body = node.attrGraph("body");
        Tensor first = sequence(node, in, 0);
        int n = first.items().size();
        List<ValueInfo> formal = body.inputs();
        if (formal.size() != in.length) {
            throw new InvalidInputException(node + ": body has " + formal.size() + " inputs, the node " + in.length);
        }
        for (int k = 0; k < in.length; k++) {
            Tensor t = ShapeOps.required(node, in, k);
            if (t.dataType() == DataType.SEQUENCE && t.items().size() != n) {
                throw new InvalidInputException(node + ": input sequence #" + k + " has " + t.items().size()
                        + " items, input #0 has " + n);
            }
        }
        int outs = body.outputs().size();
        List<List<Tensor>> collected = new ArrayList<>();
        for (int j = 0; j < outs; j++) {
            collected.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            Map<String, Tensor> feed = new HashMap<>();
            for (int k = 0; k < in.length; k++) {
                feed.put(formal.get(k).name(), in[k].dataType() == DataType.SEQUENCE ? in[k].items().get(i) : in[k]);
            }
            Tensor[] out = ctx.runSubgraph(body, feed);
            for (int j = 0; j < outs; j++) {
                collected.get(j).add(out[j]);
            }
        }
        Tensor[] result = new Tensor[outs];
        for (int j = 0; j < outs; j++) {
            List<Tensor> items = collected.get(j);
            DataType et = items.isEmpty() ? body.outputs().get(j).type() : items.get(0).dataType();
            result[j] = Tensor.sequence(et, items);
        }
        return result;
    }

    /** An optional holding the input, or none when the input is omitted. */
    private static Tensor[] optional(Node node, Tensor[] in, ExecContext ctx) {
        Tensor v = ShapeOps.input(node, in, 0);
        return new Tensor[] {v == null ? Tensor.optional(null, null) : Tensor.optional(v.dataType(), v)};
    }

    /**
     * True when the input is an optional holding a value. From opset 18 the input may also be a
     * plain tensor or sequence (always true) or omitted (false); earlier opsets get the same
     * lenient reading, which a Loop that carries an optional into a plain sequence needs.
     */
    private static Tensor[] optionalHasElement(Node node, Tensor[] in, ExecContext ctx) {
        Tensor v = ShapeOps.input(node, in, 0);
        boolean has = v != null && !v.isNone();
        return new Tensor[] {Tensor.ofBooleans(new boolean[] {has})};
    }

    /** The value of an optional (an error when none); a plain tensor or sequence passes through. */
    private static Tensor[] optionalGetElement(Node node, Tensor[] in, ExecContext ctx) {
        Tensor v = ShapeOps.required(node, in, 0);
        if (v.dataType() != DataType.OPTIONAL) {
            return new Tensor[] {v};
        }
        if (v.isNone()) {
            throw new InvalidInputException(node + ": input '" + node.inputs().get(0) + "' is an empty optional");
        }
        return new Tensor[] {v.optionalValue()};
    }
}
