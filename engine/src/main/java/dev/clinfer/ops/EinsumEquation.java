package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed Einsum equation: per operand the label of each axis, and the output labels. Letters
 * are labels 0..51; the axes an ellipsis stands for get labels from 52 on, right-aligned across
 * operands so they broadcast like numpy. Without {@code ->} the output is the ellipsis axes
 * followed by the letters used exactly once, in alphabetical order.
 */
final class EinsumEquation {
    private static final int LETTERS = 52;

    /** Labels of each operand's axes, in axis order (repeats mean a diagonal). */
    final int[][] inputs;
    /** Labels of the output axes. */
    final int[] output;
    /** Size of each label, numbered 0..labelCount-1. */
    final int[] sizes;

    private EinsumEquation(int[][] inputs, int[] output, int[] sizes) {
        this.inputs = inputs;
        this.output = output;
        this.sizes = sizes;
    }

    /**
     * @param equation the equation attribute
     * @param shapes   the operands' shapes
     * @param node     for messages
     * @return the parsed equation with label sizes
     */
    static EinsumEquation parse(String equation, long[][] shapes, Node node) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String lhs = arrow >= 0 ? eq.substring(0, arrow) : eq;
        String[] terms = lhs.split(",", -1);
        if (terms.length != shapes.length) {
            throw new InvalidInputException(node + ": equation '" + equation + "' has " + terms.length
                    + " operands but the node has " + shapes.length + " inputs");
        }
        int ellRank = 0;
        List<List<Integer>> parsed = new ArrayList<>();
        int[] ellPos = new int[terms.length];
        for (int i = 0; i < terms.length; i++) {
            List<Integer> letters = letters(terms[i], node, equation);
            ellPos[i] = letters.indexOf(-1);
            int named = letters.size() - (ellPos[i] >= 0 ? 1 : 0);
            int e = shapes[i].length - named;
            if (e < 0 || (ellPos[i] < 0 && e != 0)) {
                throw new InvalidInputException(node + ": operand " + i + " of rank " + shapes[i].length
                        + " does not match term '" + terms[i] + "' of equation '" + equation + "'");
            }
            ellRank = Math.max(ellRank, e);
            parsed.add(letters);
        }
        int[][] inputs = new int[terms.length][];
        int labelCount = LETTERS + ellRank;
        int[] sizes = new int[labelCount];
        Arrays.fill(sizes, -1);
        int[] counts = new int[labelCount];
        for (int i = 0; i < terms.length; i++) {
            int rank = shapes[i].length;
            int[] labels = new int[rank];
            int e = rank - (parsed.get(i).size() - (ellPos[i] >= 0 ? 1 : 0));
            int ax = 0;
            for (int l : parsed.get(i)) {
                if (l == -1) {
                    for (int j = 0; j < e; j++) {
                        labels[ax++] = LETTERS + ellRank - e + j;
                    }
                } else {
                    labels[ax++] = l;
                }
            }
            for (int a = 0; a < rank; a++) {
                int l = labels[a];
                int d = (int) shapes[i][a];
                counts[l]++;
                if (sizes[l] < 0 || sizes[l] == 1 && l >= LETTERS) {
                    sizes[l] = d;
                } else if (sizes[l] != d && !(l >= LETTERS && d == 1)) {
                    throw new InvalidInputException(node + ": label '" + name(l) + "' of equation '" + equation
                            + "' has size " + sizes[l] + " and " + d);
                }
            }
            inputs[i] = labels;
        }
        int[] output;
        if (arrow >= 0) {
            List<Integer> letters = letters(eq.substring(arrow + 2), node, equation);
            List<Integer> out = new ArrayList<>();
            for (int l : letters) {
                if (l == -1) {
                    for (int j = 0; j < ellRank; j++) {
                        out.add(LETTERS + j);
                    }
                } else {
                    if (counts[l] == 0) {
                        throw new InvalidInputException(node + ": output label '" + name(l) + "' of equation '"
                                + equation + "' appears in no operand");
                    }
                    if (out.contains(l)) {
                        throw new InvalidInputException(node + ": output label '" + name(l) + "' repeats in '"
                                + equation + "'");
                    }
                    out.add(l);
                }
            }
            output = out.stream().mapToInt(Integer::intValue).toArray();
        } else {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < ellRank; j++) {
                out.add(LETTERS + j);
            }
            // alphabetical = character order: uppercase (labels 26..51) sort before lowercase
            for (int l = 26; l < 52; l++) {
                if (counts[l] == 1) {
                    out.add(l);
                }
            }
            for (int l = 0; l < 26; l++) {
                if (counts[l] == 1) {
                    out.add(l);
                }
            }
            output = out.stream().mapToInt(Integer::intValue).toArray();
        }
        for (int l = 0; l < labelCount; l++) {
            if (sizes[l] < 0) {
                sizes[l] = 1;
            }
        }
        return new EinsumEquation(inputs, output, sizes);
    }

    /** Letters of one term as labels, with -1 for the ellipsis. */
    private static List<Integer> letters(String term, Node node, String equation) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '.') {
                if (!term.startsWith("...", i) || out.contains(-1)) {
                    throw new InvalidInputException(node + ": bad ellipsis in equation '" + equation + "'");
                }
                out.add(-1);
                i += 2;
            } else if (c >= 'a' && c <= 'z') {
                out.add(c - 'a');
            } else if (c >= 'A' && c <= 'Z') {
                out.add(26 + c - 'A');
            } else {
                throw new InvalidInputException(node + ": unexpected character '" + c + "' in equation '" + equation
                        + "'");
            }
        }
        return out;
    }

    private static String name(int l) {
        return l < 26 ? String.valueOf((char) ('a' + l)) : l < LETTERS ? String.valueOf((char) ('A' + l - 26)) : "...";
    }
}
