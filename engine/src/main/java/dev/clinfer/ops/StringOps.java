package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Java CPU kernels for text: StringNormalizer, and TfIdfVectorizer (in {@link TfIdfVectorizer}).
 */
public final class StringOps {
    private StringOps() {
    }

    /** @param r the registry to fill */
    public static void register(OpRegistry r) {
        r.register("StringNormalizer", StringOps::stringNormalizer);
        r.register("TfIdfVectorizer", TfIdfVectorizer::run);
    }

    /**
     * Drops the elements equal to a stopword (compared case-insensitively unless
     * {@code is_case_sensitive=1}), then lower- or upper-cases the rest by
     * {@code case_change_action}. Input {@code [C]} or {@code [1, C]}; when every element is
     * dropped the output is one empty string, of shape {@code [1]} or {@code [1, 1]}.
     */
    static Tensor[] stringNormalizer(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = ShapeOps.required(node, in, 0);
        if (x.dataType() != DataType.STRING) {
            throw new InvalidInputException(node + ": input must be a string tensor, got " + x);
        }
        boolean twoDim = x.rank() == 2;
        if (!(x.rank() == 1 || twoDim && x.dim(0) == 1)) {
            throw new InvalidInputException(node + ": input must be [C] or [1, C], got " + x);
        }
        String action = node.attrString("case_change_action", "NONE");
        if (!action.equals("NONE") && !action.equals("LOWER") && !action.equals("UPPER")) {
            throw new InvalidInputException(node + ": case_change_action must be NONE, LOWER or UPPER, got '"
                    + action + "'");
        }
        boolean caseSensitive = node.attrInt("is_case_sensitive", 0) != 0;
        Locale locale = locale(node.attrString("locale", "en_US"));
        Set<String> stops = new HashSet<>();
        List<String> words = node.attrStrings("stopwords");
        if (words != null) {
            for (String w : words) {
                stops.add(caseSensitive ? w : w.toLowerCase(locale));
            }
        }
        List<String> kept = new ArrayList<>();
        for (String s : x.strings()) {
            if (stops.contains(caseSensitive ? s : s.toLowerCase(locale))) {
                continue;
            }
            kept.add(action.equals("LOWER") ? s.toLowerCase(locale) : action.equals("UPPER") ? s.toUpperCase(locale) : s);
        }
        if (kept.isEmpty()) {
            kept.add("");
        }
        String[] out = kept.toArray(new String[0]);
        return new Tensor[] {twoDim ? Tensor.ofStrings(out, 1, out.length) : Tensor.ofStrings(out, out.length)};
    }

    /** An ONNX locale name such as {@code en_US} as a Java locale (the root locale when empty). */
    private static Locale locale(String name) {
        return name == null || name.isEmpty() ? Locale.ROOT : Locale.forLanguageTag(name.replace('_', '-'));
    }
}
