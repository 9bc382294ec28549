package dev.clinfer.onnx;

import dev.clinfer.api.ModelFormatException;

import java.util.Set;

/**
 * The least number of inputs an ai.onnx node must have, checked at load so that a malformed node
 * (a required input dropped) is a {@link ModelFormatException} naming the node rather than a kernel
 * indexing past its input array at run time. Deliberately coarse: nearly every op needs its first
 * input; the common binary ops need two. Optional inputs written as "" still count as present here
 * (the kernels check those).
 */
final class NodeArity {
    /** ai.onnx ops that may have no inputs at all. */
    private static final Set<String> NO_INPUT = Set.of("Constant", "RandomNormal", "RandomUniform", "Optional", "SequenceEmpty");
    /** ai.onnx ops that need two inputs. */
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "And", "Or", "Xor",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "BitShift", "MatMul", "MatMulInteger",
            "PRelu", "Gemm", "Conv", "ConvTranspose", "Gather", "GatherElements", "GatherND", "Reshape", "Expand",
            "Tile", "Where", "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss");

    private NodeArity() {
    }

    /**
     * @param domain  the node's domain ("" = ai.onnx)
     * @param opType  its op type
     * @param inputs  how many inputs it lists
     * @param name    its name, for the message
     */
    static void check(String domain, String opType, int inputs, String name) {
        if (!domain.isEmpty()) {
            return;
        }
        int need = NO_INPUT.contains(opType) ? 0 : BINARY.contains(opType) ? 2 : 1;
        if (inputs < need) {
            throw new ModelFormatException("node '" + name + "' (" + opType + ") has " + inputs + " input"
                    + (inputs == 1 ? "" : "s") + " but needs at least " + need);
        }
    }
}
