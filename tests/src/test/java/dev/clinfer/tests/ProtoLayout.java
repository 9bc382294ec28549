package dev.clinfer.tests;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the bulk payloads (tensor element data) in a serialized ONNX model by walking the protobuf
 * wire format, so that a fuzzer can aim most mutations at the bytes that describe the graph (node
 * lists, attributes, tensor headers, value infos, opset imports) rather than at weights, where a
 * mutation only changes numbers.
 */
final class ProtoLayout {
    /** Tensor payloads shorter than this count as structure: they are shapes, small constants. */
    private static final int MIN_BULK = 64;
    /** Any length-delimited field this long is bulk, whatever it is. */
    private static final int HUGE = 1 << 16;

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, OTHER }

    private ProtoLayout() {
    }

    /**
     * @param b a serialized ModelProto
     * @return sorted, disjoint {@code [start, end)} byte ranges holding tensor element data
     */
    static List<int[]> bulkRanges(byte[] b) {
        List<int[]> out = new ArrayList<>();
        try {
            walk(b, 0, b.length, Kind.MODEL, out);
        } catch (RuntimeException e) {
            // A model this class cannot walk is fuzzed uniformly: whatever was found so far stays valid.
        }
        return out;
    }

    /**
     * @param b a serialized ModelProto
     * @return {@code [start, end)} of the length varint of every length-delimited field in the
     *         structural part of the file (model, graph, node, attribute and tensor headers)
     */
    static List<int[]> lengthVarints(byte[] b) {
        List<int[]> out = new ArrayList<>();
        try {
            walk(b, 0, b.length, Kind.MODEL, new ArrayList<>(), out);
        } catch (RuntimeException e) {
            // as in bulkRanges: what was found so far is valid
        }
        return out;
    }

    private static void walk(byte[] b, int pos, int end, Kind kind, List<int[]> out) {
        walk(b, pos, end, kind, out, null);
    }

    private static void walk(byte[] b, int pos, int end, Kind kind, List<int[]> out, List<int[]> lengths) {
        while (pos < end) {
            long[] tag = varint(b, pos);
            pos = (int) tag[1];
            int field = (int) (tag[0] >>> 3);
            int wire = (int) (tag[0] & 7);
            switch (wire) {
                case 0:
                    pos = (int) varint(b, pos)[1];
                    break;
                case 1:
                    pos += 8;
                    break;
                case 5:
                    pos += 4;
                    break;
                case 2: {
                    long[] len = varint(b, pos);
                    int start = (int) len[1];
                    if (lengths != null) {
                        lengths.add(new int[] {pos, start});
                    }
                    long stop = start + len[0];
                    if (len[0] < 0 || stop > end) {
                        return;
                    }
                    Kind child = child(kind, field);
                    if (kind == Kind.TENSOR && isData(field) && len[0] >= MIN_BULK) {
                        out.add(new int[] {start, (int) stop});
                    } else if (child != Kind.OTHER) {
                        walk(b, start, (int) stop, child, out, lengths);
                    } else if (len[0] >= HUGE) {
                        out.add(new int[] {start, (int) stop});
                    }
                    pos = (int) stop;
                    break;
                }
                default:
                    return; // groups: not used by ONNX
            }
        }
    }

    /** Which message a length-delimited field holds, for the fields that lead to tensors. */
    private static Kind child(Kind parent, int field) {
        switch (parent) {
            case MODEL:
                return field == 7 ? Kind.GRAPH : Kind.OTHER;
            case GRAPH:
                return field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : Kind.OTHER;
            case NODE:
                return field == 5 ? Kind.ATTRIBUTE : Kind.OTHER;
            case ATTRIBUTE:
                return field == 5 || field == 10 ? Kind.TENSOR : field == 6 || field == 11 ? Kind.GRAPH : Kind.OTHER;
            default:
                return Kind.OTHER;
        }
    }

    /** TensorProto fields holding elements: float_data, int32_data, int64_data, raw_data, double_data, uint64_data. */
    private static boolean isData(int field) {
        return field == 4 || field == 5 || field == 7 || field == 9 || field == 10 || field == 11;
    }

    /** @return {value, position after it} */
    private static long[] varint(byte[] b, int pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[pos++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return new long[] {v, pos};
            }
        }
        throw new IllegalStateException("malformed varint");
    }
}
