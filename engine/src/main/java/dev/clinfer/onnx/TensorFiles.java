package dev.clinfer.onnx;

import com.google.protobuf.CodedInputStream;
import dev.clinfer.api.DataType;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.OptionalProto;
import dev.clinfer.onnx.proto.Onnx.SequenceProto;
import dev.clinfer.onnx.proto.Onnx.TensorProto;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads values stored as serialized ONNX {@code TensorProto} files ({@code .pb}), or as
 * {@code SequenceProto}/{@code OptionalProto} files where the graph declares a sequence or an
 * optional (the file itself does not say which message it holds).
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * A named tensor read from a file.
     *
     * @param name   the TensorProto's name (may be empty)
     * @param tensor the tensor
     */
    public record Named(String name, Tensor tensor) {
    }

    /**
     * @param file a .pb file holding one TensorProto
     * @return its name and value
     */
    public static Named readPb(Path file) {
        return readPb(file, "tensor");
    }

    /**
     * @param file a .pb file
     * @param kind what the graph declares the value to be: "tensor" (a TensorProto), "sequence"
     *             (a SequenceProto) or "optional" (an OptionalProto); other kinds read as tensor
     * @return its name and value (a SEQUENCE or OPTIONAL tensor for those kinds)
     */
    public static Named readPb(Path file, String kind) {
        String what = "tensor file '" + file.getFileName() + "'";
        try {
            byte[] bytes = dev.clinfer.util.FileBytes.read(file);
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            TensorDecoder decoder = new TensorDecoder(file.toAbsolutePath().getParent());
            if ("sequence".equals(kind)) {
                SequenceProto p = SequenceProto.parseFrom(in);
                return new Named(p.getName(), decodeSequence(p, decoder, what));
            }
            if ("optional".equals(kind)) {
                OptionalProto p = OptionalProto.parseFrom(in);
                return new Named(p.getName(), decodeOptional(p, decoder, what));
            }
            TensorProto p = TensorProto.parseFrom(in);
            return new Named(p.getName(), decoder.decode(p, what));
        } catch (IOException e) {
            throw new ModelFormatException("cannot read tensor file '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * @param p       a sequence message
     * @param decoder tensor decoder
     * @param what    the file, for messages
     * @return a SEQUENCE tensor; its element type is null when the sequence is empty and holds tensors
     */
    static Tensor decodeSequence(SequenceProto p, TensorDecoder decoder, String what) {
        List<Tensor> items = new ArrayList<>();
        DataType elem;
        switch (p.getElemType()) {
            case SequenceProto.DataType.TENSOR_VALUE:
                for (TensorProto t : p.getTensorValuesList()) {
                    items.add(decoder.decode(t, what));
                }
                elem = items.isEmpty() ? null : items.get(0).dataType();
                break;
            case SequenceProto.DataType.SPARSE_TENSOR_VALUE:
                for (var t : p.getSparseTensorValuesList()) {
                    items.add(SparseDecoder.densify(t, decoder));
                }
                elem = items.isEmpty() ? null : items.get(0).dataType();
                break;
            case SequenceProto.DataType.SEQUENCE_VALUE:
                for (SequenceProto s : p.getSequenceValuesList()) {
                    items.add(decodeSequence(s, decoder, what));
                }
                elem = DataType.SEQUENCE;
                break;
            case SequenceProto.DataType.OPTIONAL_VALUE:
                for (OptionalProto o : p.getOptionalValuesList()) {
                    items.add(decodeOptional(o, decoder, what));
                }
                elem = DataType.OPTIONAL;
                break;
            default:
                throw new ModelFormatException(what + ": sequence of element kind " + p.getElemType()
                        + " is not supported (maps are not)");
        }
        return Tensor.sequence(elem, items);
    }

    /**
     * @param p       an optional message
     * @param decoder tensor decoder
     * @param what    the file, for messages
     * @return an OPTIONAL tensor (none when the message holds no value)
     */
    static Tensor decodeOptional(OptionalProto p, TensorDecoder decoder, String what) {
        switch (p.getElemType()) {
            case OptionalProto.DataType.TENSOR_VALUE:
                return p.hasTensorValue() ? Tensor.optional(null, decoder.decode(p.getTensorValue(), what))
                        : Tensor.optional(null, null);
            case OptionalProto.DataType.SPARSE_TENSOR_VALUE:
                return p.hasSparseTensorValue()
                        ? Tensor.optional(null, SparseDecoder.densify(p.getSparseTensorValue(), decoder))
                        : Tensor.optional(null, null);
            case OptionalProto.DataType.SEQUENCE_VALUE:
                return Tensor.optional(DataType.SEQUENCE,
                        p.hasSequenceValue() ? decodeSequence(p.getSequenceValue(), decoder, what) : null);
            case OptionalProto.DataType.OPTIONAL_VALUE:
                return Tensor.optional(DataType.OPTIONAL,
                        p.hasOptionalValue() ? decodeOptional(p.getOptionalValue(), decoder, what) : null);
            case OptionalProto.DataType.UNDEFINED_VALUE:
                return Tensor.optional(null, null);
            default:
                throw new ModelFormatException(what + ": optional of element kind " + p.getElemType()
                        + " is not supported (maps are not)");
        }
    }

    /**
     * @param name   tensor name to store
     * @param tensor the tensor
     * @return the serialized TensorProto (raw_data, little-endian)
     */
    public static byte[] toPb(String name, Tensor tensor) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(tensor.dataType().onnxCode());
        for (long d : tensor.shape()) {
            b.addDims(d);
        }
        byte[] raw = new byte[(int) tensor.byteSize()];
        tensor.buffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer src = tensor.buffer();
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN && tensor.dataType().byteSize() > 1) {
            throw new UnsupportedOperationException("writing .pb on a big-endian host");
        }
        src.get(raw);
        b.setRawData(com.google.protobuf.ByteString.copyFrom(raw));
        return b.build().toByteArray();
    }
}
