package dev.clinfer.api;

/**
 * Element types of tensors, numbered as in the ONNX {@code TensorProto.DataType} enum, plus two
 * non-tensor value kinds, {@link #SEQUENCE} and {@link #OPTIONAL}, which carry other tensors
 * (see {@link Tensor#sequence} and {@link Tensor#optional}) and have negative, non-ONNX codes.
 */
public enum DataType {
    FLOAT(1, 4, "float32"),
    UINT8(2, 1, "uint8"),
    INT8(3, 1, "int8"),
    UINT16(4, 2, "uint16"),
    INT16(5, 2, "int16"),
    INT32(6, 4, "int32"),
    INT64(7, 8, "int64"),
    STRING(8, 0, "string"),
    BOOL(9, 1, "bool"),
    FLOAT16(10, 2, "float16"),
    DOUBLE(11, 8, "float64"),
    UINT32(12, 4, "uint32"),
    UINT64(13, 8, "uint64"),
    BFLOAT16(16, 2, "bfloat16"),
    /** An ONNX sequence: an ordered list of values (see {@link Tensor#sequence}). */
    SEQUENCE(-1, 0, "sequence"),
    /** An ONNX optional: a value or none (see {@link Tensor#optional}). */
    OPTIONAL(-2, 0, "optional");

    private final int onnxCode;
    private final int byteSize;
    private final String displayName;

    DataType(int onnxCode, int byteSize, String displayName) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
        this.displayName = displayName;
    }

    /** @return the ONNX {@code TensorProto.DataType} number (negative for SEQUENCE and OPTIONAL) */
    public int onnxCode() {
        return onnxCode;
    }

    /** @return bytes per element (0 for {@link #STRING}, which has no fixed size, and for the containers) */
    public int byteSize() {
        return byteSize;
    }

    /** @return the numpy-style name, e.g. {@code float32} */
    public String displayName() {
        return displayName;
    }

    /** @return true for SEQUENCE and OPTIONAL, whose elements are other tensors */
    public boolean isContainer() {
        return this == SEQUENCE || this == OPTIONAL;
    }

    /** @return true for float16, bfloat16, float32 and float64 */
    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
    }

    /** @return true for the signed and unsigned integer types (not bool) */
    public boolean isInteger() {
        switch (this) {
            case UINT8: case INT8: case UINT16: case INT16: case INT32: case INT64: case UINT32: case UINT64:
                return true;
            default:
                return false;
        }
    }

    /** @return true for the unsigned integer types */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /**
     * Looks up a type by its ONNX number.
     *
     * @param code the {@code TensorProto.DataType} value
     * @return the type, or null when clinfer does not know the number (never a container)
     */
    public static DataType fromOnnx(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code && code > 0) {
                return t;
            }
        }
        return null;
    }

    /**
     * Parses a numpy-style name ({@code float32}) or enum name ({@code FLOAT}).
     *
     * @param name the name
     * @return the type
     * @throws IllegalArgumentException for an unknown name
     */
    public static DataType parse(String name) {
        for (DataType t : values()) {
            if (t.displayName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown data type '" + name + "'");
    }

    @Override
    public String toString() {
        return displayName;
    }
}
