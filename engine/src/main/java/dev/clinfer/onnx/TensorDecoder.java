package dev.clinfer.onnx;

import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.StringStringEntryProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Turns an ONNX {@code TensorProto} into a {@link Tensor}: inline typed fields, {@code raw_data}
 * and external data files. Every size the file claims is checked against the bytes actually
 * present before anything is allocated.
 */
public final class TensorDecoder {
    private final Path baseDir;

    /** @param baseDir folder that external data locations are relative to; null when none is allowed */
    public TensorDecoder(Path baseDir) {
        this.baseDir = baseDir;
    }

    /**
     * @param p    the proto
     * @param what where it sits, for error messages (e.g. "initializer 'w'")
     * @return the tensor
     */
    public Tensor decode(TensorProto p, String what) {
        DataType type = DataType.fromOnnx(p.getDataType());
        if (type == null) {
            throw new ModelFormatException(what + ": unsupported data type " + p.getDataType());
        }
        long[] dims = new long[p.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = p.getDims(i);
            if (dims[i] < 0) {
                throw new ModelFormatException(what + ": negative dimension in " + p.getDimsList());
            }
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(what + ": dims " + p.getDimsList() + " overflow");
            }
        }
        if (type == DataType.STRING) {
            if (p.getStringDataCount() != count) {
                throw new ModelFormatException(what + ": " + p.getStringDataCount() + " strings for dims " + p.getDimsList());
            }
            String[] s = new String[(int) count];
            for (int i = 0; i < s.length; i++) {
                s[i] = p.getStringData(i).toString(StandardCharsets.UTF_8);
            }
            return Tensor.ofStrings(s, dims);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(count, (long) type.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(what + ": dims " + p.getDimsList() + " overflow");
        }
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(p, type, dims, bytes, what);
        }
        if (!p.getRawData().isEmpty() || count == 0) {
            if (p.getRawData().size() != bytes) {
                throw new ModelFormatException(what + ": raw_data holds " + p.getRawData().size() + " bytes but "
                        + type + " " + Arrays.toString(dims) + " needs " + bytes);
            }
            Tensor t = Tensor.allocate(type, dims);
            ByteBuffer src = p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            copyLittleEndian(src, t.buffer(), type.byteSize());
            return t;
        }
        return typedFields(p, type, dims, count, what);
    }

    private Tensor typedFields(TensorProto p, DataType type, long[] dims, long count, String what) {
        long have;
        switch (type) {
            case FLOAT: have = p.getFloatDataCount(); break;
            case DOUBLE: have = p.getDoubleDataCount(); break;
            case INT64: have = p.getInt64DataCount(); break;
            case UINT32: case UINT64: have = p.getUint64DataCount(); break;
            default: have = p.getInt32DataCount(); break;
        }
        if (have != count) {
            throw new ModelFormatException(what + ": holds " + have + " values but " + type + " "
                    + Arrays.toString(dims) + " needs " + count);
        }
        Tensor t = Tensor.allocate(type, dims);
        int n = (int) count;
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT: t.setDouble(i, p.getFloatData(i)); break;
                case DOUBLE: t.setDouble(i, p.getDoubleData(i)); break;
                case INT64: t.setLong(i, p.getInt64Data(i)); break;
                case UINT32: case UINT64: t.setLong(i, p.getUint64Data(i)); break;
                case FLOAT16: case BFLOAT16: t.buffer().putShort(i * 2, (short) p.getInt32Data(i)); break;
                default: t.setLong(i, p.getInt32Data(i)); break;
            }
        }
        return t;
    }

    private Tensor external(TensorProto p, DataType type, long[] dims, long bytes, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location": location = e.getValue(); break;
                    case "offset": offset = Long.parseLong(e.getValue()); break;
                    case "length": length = Long.parseLong(e.getValue()); break;
                    default: break;
                }
            } catch (NumberFormatException ex) {
                throw new ModelFormatException(what + ": bad external_data " + e.getKey() + " '" + e.getValue() + "'");
            }
        }
        if (location == null) {
            throw new ModelFormatException(what + ": external data without a location");
        }
        if (baseDir == null) {
            throw new ModelFormatException(what + ": external data '" + location
                    + "' but the model was not loaded from a file, so there is no folder to resolve it in");
        }
        Path file = resolveInside(location, what);
        if (length >= 0 && length != bytes) {
            throw new ModelFormatException(what + ": external length " + length + " but " + type + " "
                    + Arrays.toString(dims) + " needs " + bytes);
        }
        if (bytes > Tensor.MAX_BYTES || offset < 0) {
            throw new ModelFormatException(what + ": external data of " + bytes + " bytes at offset " + offset + " is out of range");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset + bytes > size) {
                throw new ModelFormatException(what + ": external file '" + location + "' has " + size
                        + " bytes, but the tensor needs " + bytes + " at offset " + offset);
            }
            Tensor t = Tensor.allocate(type, dims);
            ByteBuffer raw = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            long pos = offset;
            while (raw.hasRemaining()) {
                int r = ch.read(raw, pos);
                if (r < 0) {
                    throw new ModelFormatException(what + ": external file '" + location + "' ended early");
                }
                pos += r;
            }
            raw.flip();
            copyLittleEndian(raw, t.buffer(), type.byteSize());
            return t;
        } catch (IOException e) {
            throw new ModelFormatException(what + ": cannot read external data '" + location + "': " + e.getMessage(), e);
        }
    }

    /** Resolves {@code location} and rejects anything that leaves the model's folder. */
    private Path resolveInside(String location, String what) {
        Path rel = Path.of(location);
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
            throw new ModelFormatException(what + ": external data location '" + location + "' is absolute; it must be inside the model's folder");
        }
        Path base = baseDir.toAbsolutePath().normalize();
        Path file = base.resolve(rel).normalize();
        if (!file.startsWith(base)) {
            throw new ModelFormatException(what + ": external data location '" + location + "' escapes the model's folder");
        }
        if (!Files.exists(file)) {
            throw new ModelFormatException(what + ": external data file '" + location + "' not found in " + base);
        }
        try {
            Path realBase = base.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realBase)) {
                throw new ModelFormatException(what + ": external data location '" + location
                        + "' links outside the model's folder");
            }
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelFormatException(what + ": external data '" + location + "' is not a regular file");
            }
            return real;
        } catch (IOException e) {
            throw new ModelFormatException(what + ": cannot resolve external data '" + location + "': " + e.getMessage(), e);
        }
    }

    private static void copyLittleEndian(ByteBuffer src, ByteBuffer dst, int elemSize) {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || elemSize == 1) {
            dst.put(src.duplicate());
            return;
        }
        ByteBuffer s = src.duplicate();
        while (s.hasRemaining()) {
            for (int k = elemSize - 1; k >= 0; k--) {
                dst.put(s.get(s.position() + k));
            }
            s.position(s.position() + elemSize);
        }
    }
}
