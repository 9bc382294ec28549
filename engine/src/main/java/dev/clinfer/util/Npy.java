package dev.clinfer.util;

import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy {@code .npy} files (format versions 1.0, 2.0 and 3.0) for the numeric
 * types clinfer shares with numpy: float16/32/64, int8/16/32/64, uint8/16/32/64 and bool.
 * Only C-order (row-major) arrays are supported, as clinfer tensors are row-major.
 *
 * <pre>{@code
 * Tensor t = Npy.read(Path.of("x.npy"));
 * Npy.write(Path.of("y.npy"), t);
 * }</pre>
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy pads the header so the data starts at a multiple of this many bytes. */
    private static final int ALIGN = 64;

    /** numpy type character and size to clinfer type ('b' = bool, 'i' signed, 'u' unsigned, 'f' float). */
    private static final Map<String, DataType> TYPES = Map.ofEntries(
            Map.entry("f2", DataType.FLOAT16), Map.entry("f4", DataType.FLOAT), Map.entry("f8", DataType.DOUBLE),
            Map.entry("i1", DataType.INT8), Map.entry("i2", DataType.INT16), Map.entry("i4", DataType.INT32),
            Map.entry("i8", DataType.INT64), Map.entry("u1", DataType.UINT8), Map.entry("u2", DataType.UINT16),
            Map.entry("u4", DataType.UINT32), Map.entry("u8", DataType.UINT64), Map.entry("b1", DataType.BOOL));

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads an .npy file.
     *
     * @param file the file
     * @return the array as a tensor (native byte order)
     * @throws IOException          when the file cannot be read
     * @throws ModelFormatException when it is not a supported .npy array
     */
    public static Tensor read(Path file) throws IOException {
        return read(FileBytes.read(file), file.toString());
    }

    /**
     * Parses the bytes of an .npy file.
     *
     * @param bytes  the whole file
     * @param source what to call the file in error messages
     * @return the array as a tensor (native byte order)
     * @throws ModelFormatException when the bytes are not a supported .npy array
     */
    public static Tensor read(byte[] bytes, String source) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new ModelFormatException(source + ": not a numpy .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = in.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new ModelFormatException(source + ": truncated .npy header");
            }
            headerLen = in.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new ModelFormatException(source + ": unsupported .npy format version " + major + "."
                    + (bytes[7] & 0xff) + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new ModelFormatException(source + ": truncated .npy header (" + headerLen + " bytes announced, "
                    + (bytes.length - headerStart) + " present)");
        }
        int dataStart = (int) (headerStart + headerLen);
        // Version 3 headers are UTF-8; 1 and 2 are latin-1. Both read the ASCII we parse the same.
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr", source);
        String fortran = group(FORTRAN, header, "fortran_order", source);
        long[] shape = parseShape(group(SHAPE, header, "shape", source), source);
        if (fortran.equals("True")) {
            throw new ModelFormatException(source + ": fortran_order=True (column-major) arrays are not supported; "
                    + "save a C-order copy, e.g. numpy.save(f, numpy.ascontiguousarray(a))");
        }
        DataType type = parseDescr(descr, source);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long need = Math.multiplyExact(Tensor.elementCount(shape), (long) type.byteSize());
        long have = bytes.length - dataStart;
        if (have < need) {
            throw new ModelFormatException(source + ": " + type + " " + Arrays.toString(shape) + " needs " + need
                    + " data bytes, the file holds " + have);
        }
        Tensor t = Tensor.allocate(type, shape);
        ByteBuffer src = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(order);
        copyElements(src, t.buffer(), type.byteSize());
        return t;
    }

    /**
     * Writes a tensor as an .npy file (version 1.0, or 2.0 when the header needs it), little-endian.
     *
     * @param file   the file (replaced when it exists)
     * @param tensor a numeric tensor
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException for a type numpy .npy cannot hold here (string, bfloat16)
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        Files.write(file, toBytes(tensor));
    }

    /**
     * @param tensor a numeric tensor
     * @return the bytes of an .npy file holding it
     * @throws IllegalArgumentException for a type numpy .npy cannot hold here (string, bfloat16)
     */
    public static byte[] toBytes(Tensor tensor) {
        String descr = descr(tensor.dataType());
        StringBuilder h = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        long[] shape = tensor.shape();
        for (int i = 0; i < shape.length; i++) {
            h.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        h.append("), }");
        int prefix = 10;
        int total = padded(prefix + h.length() + 1);
        if (total - prefix > 0xffff) {
            prefix = 12;
            total = padded(prefix + h.length() + 1);
        }
        while (prefix + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        int dataBytes = (int) tensor.byteSize();
        ByteBuffer out = ByteBuffer.allocate(total + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        if (prefix == 10) {
            out.put((byte) 1).put((byte) 0).putShort((short) header.length);
        } else {
            out.put((byte) 2).put((byte) 0).putInt(header.length);
        }
        out.put(header);
        ByteBuffer data = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        copyElements(tensor.buffer(), data, tensor.dataType().byteSize());
        return out.array();
    }

    private static int padded(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static String descr(DataType t) {
        for (Map.Entry<String, DataType> e : TYPES.entrySet()) {
            if (e.getValue() == t) {
                return (t.byteSize() == 1 ? "|" : "<") + e.getKey();
            }
        }
        throw new IllegalArgumentException("cannot write a " + t + " tensor as .npy (numpy has no such dtype)");
    }

    private static DataType parseDescr(String descr, String source) {
        if (descr.length() >= 2) {
            char order = descr.charAt(0);
            String code = order == '<' || order == '>' || order == '|' || order == '=' ? descr.substring(1) : descr;
            DataType t = TYPES.get(code);
            if (t != null && (t.byteSize() == 1 || order != '|')) {
                return t;
            }
        }
        throw new ModelFormatException(source + ": unsupported .npy dtype '" + descr + "' (supported: "
                + "<f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1, either byte order)");
    }

    private static String group(Pattern p, String header, String key, String source) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new ModelFormatException(source + ": .npy header has no valid '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String s, String source) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String d = part.trim();
            if (d.isEmpty()) {
                continue;
            }
            // numpy may write Python 2 longs such as 3L
            if (d.endsWith("L")) {
                d = d.substring(0, d.length() - 1);
            }
            try {
                long v = Long.parseLong(d);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new ModelFormatException(source + ": bad dimension '" + part.trim() + "' in .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Copies whole elements between buffers whose byte orders may differ, swapping as needed. */
    private static void copyElements(ByteBuffer src, ByteBuffer dst, int size) {
        switch (size) {
            case 1: dst.put(src); break;
            case 2: dst.asShortBuffer().put(src.asShortBuffer()); break;
            case 4: dst.asIntBuffer().put(src.asIntBuffer()); break;
            case 8: dst.asLongBuffer().put(src.asLongBuffer()); break;
            default: throw new IllegalStateException("element size " + size);
        }
    }
}
