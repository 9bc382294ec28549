package dev.clinfer.passes;

import dev.clinfer.ir.Dim;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Einsum shape rule: each output letter takes its dim from the inputs, "..." broadcasts. */
final class ShapeRulesEinsum {
    private ShapeRulesEinsum() {
    }

    static void register(Map<String, ShapeRules.Rule> m) {
        m.put("Einsum", ShapeRulesEinsum::einsum);
    }

    private static void einsum(Node n, ShapeInferenceContext c) {
        String eq = n.attrString("equation", "").replace(" ", "");
        int arrow = eq.indexOf("->");
        String[] terms = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        Map<Character, Dim> letters = new HashMap<>();
        Map<Character, Integer> uses = new TreeMap<>();
        List<Shape> ellipses = new ArrayList<>();
        for (int k = 0; k < terms.length; k++) {
            Shape s = c.shape(n, k);
            if (!s.hasRank()) {
                c.set(n, 0, c.type(n, 0), null);
                return;
            }
            String term = terms[k];
            int dots = term.indexOf("...");
            int named = term.replace("...", "").length();
            int ellRank = dots < 0 ? 0 : s.rank() - named;
            int at = 0;
            for (int i = 0; i < term.length(); i++) {
                if (term.startsWith("...", i)) {
                    ellipses.add(Shape.of(s.dims().subList(at, at + ellRank)));
                    at += ellRank;
                    i += 2;
                    continue;
                }
                char ch = term.charAt(i);
                Dim d = s.dim(at++);
                Dim prev = letters.get(ch);
                letters.put(ch, prev == null ? d : ShapeInferenceDims.broadcast(prev, d));
                uses.merge(ch, 1, Integer::sum);
            }
        }
        Shape ell = ShapeInferenceDims.broadcast(ellipses);
        String out;
        if (arrow >= 0) {
            out = eq.substring(arrow + 2);
        } else {
            StringBuilder b = new StringBuilder(ellipses.isEmpty() ? "" : "...");
            uses.forEach((ch, count) -> {
                if (count == 1) {
                    b.append(ch);
                }
            });
            out = b.toString();
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < out.length(); i++) {
            if (out.startsWith("...", i)) {
                dims.addAll(ell.dims());
                i += 2;
            } else {
                Dim d = letters.get(out.charAt(i));
                dims.add(d == null ? Dim.unknown() : d);
            }
        }
        c.set(n, 0, c.type(n, 0), Shape.of(dims));
    }
}
