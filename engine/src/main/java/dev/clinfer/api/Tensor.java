package dev.clinfer.api;

import dev.clinfer.util.Half;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A dense, row-major tensor: a shape, an element type and the elements in a direct
 * {@link ByteBuffer} in native byte order (string tensors hold a {@code String[]} instead).
 *
 * <p>The ONNX non-tensor values are tensors too, so that they flow through graphs, If/Loop and
 * results like any other value: a {@link DataType#SEQUENCE} holds other tensors
 * ({@link #sequence}, shape {@code [n]}), a {@link DataType#OPTIONAL} holds one value or none
 * ({@link #optional}, shape {@code [1]} or {@code [0]}). Their {@link #items()} are shared, never
 * copied, and have no byte buffer.
 *
 * <p>Tensors are cheap to view: {@link #reshape(long...)} shares the elements. A tensor is not
 * synchronised; share it between threads only for reading.
 */
public final class Tensor implements AutoCloseable {
    /** Largest tensor, in bytes, that one direct buffer can hold. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final DataType type;
    private final long[] shape;
    private final long size;
    private final ByteBuffer data;
    private final String[] strings;
    /** Elements of a SEQUENCE, or the zero or one value of an OPTIONAL; null for other types. */
    private final Tensor[] items;
    /** Type of the items of a container: a tensor type, SEQUENCE or OPTIONAL; null when unknown. */
    private final DataType elementType;

    private Tensor(DataType type, long[] shape, ByteBuffer data, String[] strings) {
        this(type, shape, data, strings, null, null);
    }

    private Tensor(DataType type, long[] shape, ByteBuffer data, String[] strings, Tensor[] items,
                   DataType elementType) {
        this.type = type;
        this.shape = shape.clone();
        this.size = elementCount(shape);
        this.data = data;
        this.strings = strings;
        this.items = items;
        this.elementType = elementType;
    }

    /**
     * Number of elements of a shape, checked against overflow and negative dims.
     *
     * @param shape the dims
     * @return their product
     * @throws InvalidInputException when a dim is negative or the product overflows
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Allocates a zero-filled tensor.
     *
     * @param type  element type (not a container: use {@link #sequence} or {@link #optional})
     * @param shape dims
     * @return the new tensor
     */
    public static Tensor allocate(DataType type, long... shape) {
        if (type.isContainer()) {
            throw new InvalidInputException("a " + type + " is not allocated: build it with Tensor."
                    + (type == DataType.SEQUENCE ? "sequence" : "optional") + "(...)");
        }
        if (type == DataType.STRING) {
            String[] s = new String[Math.toIntExact(elementCount(shape))];
            Arrays.fill(s, "");
            return new Tensor(type, shape, null, s);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elementCount(shape), (long) type.byteSize());
        } catch (ArithmeticException e) {
            throw new InvalidInputException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException("tensor of " + type + " " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, over the " + MAX_BYTES + "-byte limit of one buffer");
        }
        return new Tensor(type, shape, ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()), null);
    }

    /**
     * Wraps a direct buffer without copying. The buffer's remaining bytes must hold exactly the
     * elements.
     *
     * @param type  element type
     * @param data  a direct buffer
     * @param shape dims
     * @return a tensor sharing {@code data}
     */
    public static Tensor wrap(DataType type, ByteBuffer data, long... shape) {
        if (type.isContainer() || type == DataType.STRING) {
            throw new InvalidInputException("Tensor.wrap cannot make a " + type + " tensor");
        }
        if (!data.isDirect()) {
            throw new InvalidInputException("Tensor.wrap needs a direct ByteBuffer; use Tensor.of(...) to copy heap data");
        }
        long want = elementCount(shape) * type.byteSize();
        if (data.remaining() != want) {
            throw new InvalidInputException("buffer holds " + data.remaining() + " bytes but " + type + " "
                    + Arrays.toString(shape) + " needs " + want);
        }
        return new Tensor(type, shape, data.slice().order(ByteOrder.nativeOrder()), null);
    }

    /** @param v elements @param shape dims @return a float32 tensor holding a copy of {@code v} */
    public static Tensor of(float[] v, long... shape) {
        Tensor t = allocate(DataType.FLOAT, checkLength(v.length, shape));
        t.floats().put(v);
        return t;
    }

    /** @param v elements @param shape dims @return a float64 tensor holding a copy of {@code v} */
    public static Tensor ofDoubles(double[] v, long... shape) {
        Tensor t = allocate(DataType.DOUBLE, checkLength(v.length, shape));
        t.doubles().put(v);
        return t;
    }

    /** @param v elements @param shape dims @return an int32 tensor holding a copy of {@code v} */
    public static Tensor ofInts(int[] v, long... shape) {
        Tensor t = allocate(DataType.INT32, checkLength(v.length, shape));
        t.ints().put(v);
        return t;
    }

    /** @param v elements @param shape dims @return an int64 tensor holding a copy of {@code v} */
    public static Tensor ofLongs(long[] v, long... shape) {
        Tensor t = allocate(DataType.INT64, checkLength(v.length, shape));
        t.longs().put(v);
        return t;
    }

    /** @param v elements @param shape dims @return a bool tensor holding a copy of {@code v} */
    public static Tensor ofBooleans(boolean[] v, long... shape) {
        Tensor t = allocate(DataType.BOOL, checkLength(v.length, shape));
        ByteBuffer b = t.buffer();
        for (boolean x : v) {
            b.put((byte) (x ? 1 : 0));
        }
        return t;
    }

    /**
     * @param type  a one-byte type (int8, uint8, bool)
     * @param v     elements
     * @param shape dims
     * @return a tensor holding a copy of {@code v}
     */
    public static Tensor ofBytes(DataType type, byte[] v, long... shape) {
        if (type.byteSize() != 1) {
            throw new InvalidInputException("ofBytes needs a one-byte type, not " + type);
        }
        Tensor t = allocate(type, checkLength(v.length, shape));
        t.buffer().put(v);
        return t;
    }

    /** @param v elements @param shape dims @return a string tensor */
    public static Tensor ofStrings(String[] v, long... shape) {
        checkLength(v.length, shape);
        return new Tensor(DataType.STRING, shape, null, v.clone());
    }

    /**
     * A sequence value: an ordered list of tensors of one element type (their shapes may differ).
     *
     * @param elementType type of every item (a tensor type, or SEQUENCE/OPTIONAL for nested
     *                    containers); null only when unknown, e.g. an empty sequence read from a
     *                    file that does not record it
     * @param items       the items (shared, not copied)
     * @return a SEQUENCE of shape {@code [items.size()]}
     * @throws InvalidInputException when an item is null or of another type
     */
    public static Tensor sequence(DataType elementType, List<Tensor> items) {
        Tensor[] a = items.toArray(new Tensor[0]);
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                throw new InvalidInputException("sequence item " + i + " is null");
            }
            if (elementType != null && a[i].type != elementType) {
                throw new InvalidInputException("sequence of " + elementType + " cannot hold item " + i + " of type "
                        + a[i].type);
            }
        }
        DataType et = elementType;
        if (et == null && a.length > 0) {
            et = a[0].type;
        }
        return new Tensor(DataType.SEQUENCE, new long[] {a.length}, null, null, a, et);
    }

    /**
     * An optional value: one tensor, or none.
     *
     * @param elementType the type of the value it may hold: a tensor type, or SEQUENCE when it
     *                    wraps a sequence; null when unknown (a none read from a file)
     * @param valueOrNull the value, or null for none
     * @return an OPTIONAL of shape {@code [1]}, or {@code [0]} when none
     * @throws InvalidInputException when the value is of another type than {@code elementType}
     */
    public static Tensor optional(DataType elementType, Tensor valueOrNull) {
        if (valueOrNull == null) {
            return new Tensor(DataType.OPTIONAL, new long[] {0}, null, null, new Tensor[0], elementType);
        }
        if (elementType != null && valueOrNull.type != elementType) {
            throw new InvalidInputException("optional of " + elementType + " cannot hold a " + valueOrNull.type);
        }
        return new Tensor(DataType.OPTIONAL, new long[] {1}, null, null, new Tensor[] {valueOrNull},
                valueOrNull.type);
    }

    /** @param v value @return a rank-0 float32 tensor */
    public static Tensor scalar(float v) {
        return of(new float[] {v});
    }

    /** @param v value @return a rank-0 int64 tensor */
    public static Tensor scalar(long v) {
        return ofLongs(new long[] {v});
    }

    private static long[] checkLength(int length, long[] shape) {
        if (elementCount(shape) != length) {
            throw new InvalidInputException(length + " elements do not fill shape " + Arrays.toString(shape));
        }
        return shape;
    }

    /** @return the element type */
    public DataType dataType() {
        return type;
    }

    /** @return true for SEQUENCE and OPTIONAL values, which hold {@link #items()} instead of elements */
    public boolean isContainer() {
        return items != null;
    }

    /**
     * @return the items of a SEQUENCE, or the value of an OPTIONAL as a list of zero or one
     *         (unmodifiable; the tensors themselves are shared)
     * @throws InvalidInputException for a plain tensor
     */
    public List<Tensor> items() {
        requireContainer();
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    /**
     * @return the type of a container's items (a tensor type, SEQUENCE or OPTIONAL), or null when
     *         unknown (an empty sequence or a none read from a file)
     * @throws InvalidInputException for a plain tensor
     */
    public DataType elementType() {
        requireContainer();
        return elementType;
    }

    /** @return true for an OPTIONAL that holds no value */
    public boolean isNone() {
        return type == DataType.OPTIONAL && items.length == 0;
    }

    /**
     * @return the value of an OPTIONAL, or null when it is none
     * @throws InvalidInputException when this is not an OPTIONAL
     */
    public Tensor optionalValue() {
        requireType(DataType.OPTIONAL);
        return items.length == 0 ? null : items[0];
    }

    /** @return a copy of the dims */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dims */
    public int rank() {
        return shape.length;
    }

    /** @param axis a dim index, negative counts from the end @return that dim */
    public long dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    /** @return the number of elements */
    public long size() {
        return size;
    }

    /** @return the number of elements as an int (tensors are limited to one buffer) */
    public int numel() {
        return (int) size;
    }

    /** @return bytes the elements take */
    public long byteSize() {
        return type == DataType.STRING ? 0 : size * type.byteSize();
    }

    /** @return a view of the bytes, position 0, native order; writes go to this tensor */
    public ByteBuffer buffer() {
        requireNumeric();
        return data.duplicate().order(ByteOrder.nativeOrder()).clear();
    }

    /** @return float32 view */
    public FloatBuffer floats() {
        requireType(DataType.FLOAT);
        return buffer().asFloatBuffer();
    }

    /** @return float64 view */
    public DoubleBuffer doubles() {
        requireType(DataType.DOUBLE);
        return buffer().asDoubleBuffer();
    }

    /** @return int32 (or uint32) view */
    public IntBuffer ints() {
        if (type != DataType.INT32 && type != DataType.UINT32) {
            requireType(DataType.INT32);
        }
        return buffer().asIntBuffer();
    }

    /** @return int64 (or uint64) view */
    public LongBuffer longs() {
        if (type != DataType.INT64 && type != DataType.UINT64) {
            requireType(DataType.INT64);
        }
        return buffer().asLongBuffer();
    }

    /** @return 16-bit view (float16, bfloat16, int16, uint16) */
    public ShortBuffer shorts() {
        if (type.byteSize() != 2) {
            requireType(DataType.FLOAT16);
        }
        return buffer().asShortBuffer();
    }

    /** @return the elements of a string tensor (shared, not copied) */
    public String[] strings() {
        requireType(DataType.STRING);
        return strings;
    }

    /** @return a copy of the elements of a float32 tensor */
    public float[] toFloatArray() {
        if (type != DataType.FLOAT) {
            float[] out = new float[numel()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) getDouble(i);
            }
            return out;
        }
        float[] out = new float[numel()];
        floats().get(out);
        return out;
    }

    /** @return the elements converted to double */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        if (type == DataType.DOUBLE) {
            doubles().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getDouble(i);
            }
        }
        return out;
    }

    /** @return the elements converted to long (integer and bool types; floats truncate) */
    public long[] toLongArray() {
        long[] out = new long[numel()];
        if (type == DataType.INT64) {
            longs().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getLong(i);
            }
        }
        return out;
    }

    /** @return the elements converted to int */
    public int[] toIntArray() {
        int[] out = new int[numel()];
        if (type == DataType.INT32) {
            ints().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) getLong(i);
            }
        }
        return out;
    }

    /**
     * Reads one element of any numeric type as a double (slow path for rare types).
     *
     * @param i flat index
     * @return the element
     */
    public double getDouble(int i) {
        switch (type) {
            case FLOAT: return data.getFloat(i * 4);
            case DOUBLE: return data.getDouble(i * 8);
            case FLOAT16: return Half.toFloat(data.getShort(i * 2));
            case BFLOAT16: return Half.bfloat16ToFloat(data.getShort(i * 2));
            case UINT64: {
                long v = data.getLong(i * 8);
                return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            default: return getLong(i);
        }
    }

    /**
     * Writes one element of any numeric type from a double (integers truncate toward zero,
     * bool is {@code v != 0}).
     *
     * @param i flat index
     * @param v value
     */
    public void setDouble(int i, double v) {
        switch (type) {
            case FLOAT: data.putFloat(i * 4, (float) v); break;
            case DOUBLE: data.putDouble(i * 8, v); break;
            case FLOAT16: data.putShort(i * 2, Half.fromFloat((float) v)); break;
            case BFLOAT16: data.putShort(i * 2, Half.floatToBfloat16((float) v)); break;
            case BOOL: data.put(i, (byte) (v != 0 ? 1 : 0)); break;
            default: setLong(i, (long) v); break;
        }
    }

    /**
     * Reads one element as a long (floats truncate toward zero; unsigned types zero-extend).
     *
     * @param i flat index
     * @return the element
     */
    public long getLong(int i) {
        switch (type) {
            case INT64: case UINT64: return data.getLong(i * 8);
            case INT32: return data.getInt(i * 4);
            case UINT32: return data.getInt(i * 4) & 0xffffffffL;
            case INT16: return data.getShort(i * 2);
            case UINT16: return data.getShort(i * 2) & 0xffff;
            case INT8: return data.get(i);
            case UINT8: case BOOL: return data.get(i) & 0xff;
            default: return (long) getDouble(i);
        }
    }

    /**
     * Writes one element from a long (wraps to the type's width, as a C cast does).
     *
     * @param i flat index
     * @param v value
     */
    public void setLong(int i, long v) {
        switch (type) {
            case INT64: case UINT64: data.putLong(i * 8, v); break;
            case INT32: case UINT32: data.putInt(i * 4, (int) v); break;
            case INT16: case UINT16: data.putShort(i * 2, (short) v); break;
            case INT8: case UINT8: data.put(i, (byte) v); break;
            case BOOL: data.put(i, (byte) (v != 0 ? 1 : 0)); break;
            default: setDouble(i, v); break;
        }
    }

    /** @param i flat index @return the element as a boolean ({@code != 0}) */
    public boolean getBoolean(int i) {
        return type == DataType.BOOL ? data.get(i) != 0 : getDouble(i) != 0;
    }

    /**
     * A view with another shape of the same element count, sharing the elements.
     *
     * @param newShape dims
     * @return the view
     */
    public Tensor reshape(long... newShape) {
        if (items != null) {
            if (Arrays.equals(newShape, shape)) {
                return this;
            }
            throw new InvalidInputException("a " + type + " cannot be reshaped");
        }
        if (elementCount(newShape) != size) {
            throw new InvalidInputException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(newShape));
        }
        return new Tensor(type, newShape, data, strings);
    }

    /**
     * Identity of the underlying storage: views made by {@link #reshape} return the same object.
     * The memory planner uses it to know when the last view of a buffer is gone.
     *
     * @return an opaque identity token
     */
    public Object storageKey() {
        return data != null ? data : strings != null ? strings : items;
    }

    /** @return true when both tensors view the same elements */
    public boolean sharesStorageWith(Tensor other) {
        return other != null && storageKey() == other.storageKey();
    }

    /** @return a deep copy (of a container: a new container of deep copies of its items) */
    public Tensor copy() {
        if (items != null) {
            Tensor[] c = new Tensor[items.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = items[i].copy();
            }
            return new Tensor(type, shape, null, null, c, elementType);
        }
        if (type == DataType.STRING) {
            return ofStrings(strings, shape);
        }
        Tensor t = allocate(type, shape);
        t.buffer().put(buffer());
        return t;
    }

    /**
     * Converts to another element type with ONNX Cast semantics for the common cases.
     *
     * @param target the new type
     * @return a new tensor (or this one when the type already matches)
     */
    public Tensor convertTo(DataType target) {
        if (target == type) {
            return this;
        }
        if (items != null || target.isContainer()) {
            throw new InvalidInputException("cannot convert " + type + " to " + target);
        }
        Tensor out = allocate(target, shape);
        int n = numel();
        boolean intPath = (type.isInteger() || type == DataType.BOOL) && (target.isInteger() || target == DataType.BOOL);
        for (int i = 0; i < n; i++) {
            if (intPath) {
                out.setLong(i, getLong(i));
            } else {
                out.setDouble(i, getDouble(i));
            }
        }
        return out;
    }

    private void requireNumeric() {
        if (type == DataType.STRING || items != null) {
            throw new InvalidInputException(type + " tensors have no byte buffer");
        }
    }

    private void requireContainer() {
        if (items == null) {
            throw new InvalidInputException("tensor is " + type + " " + Arrays.toString(shape)
                    + ", not a sequence or optional");
        }
    }

    private void requireType(DataType want) {
        if (type != want) {
            throw new InvalidInputException("tensor is " + type + " " + Arrays.toString(shape) + ", not " + want);
        }
    }

    /** Releases nothing eagerly: the direct buffer is freed by the garbage collector. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        if (items != null) {
            return "Tensor{" + type + "<" + (elementType == null ? "?" : elementType) + "> " + Arrays.toString(shape) + "}";
        }
        return "Tensor{" + type + " " + Arrays.toString(shape) + "}";
    }
}
