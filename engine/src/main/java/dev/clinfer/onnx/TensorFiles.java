package dev.clinfer.onnx;

import com.google.protobuf.CodedInputStream;
import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.TensorProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads tensors stored as serialized ONNX {@code TensorProto} files ({@code .pb}). */
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
        try {
            byte[] bytes = Files.readAllBytes(file);
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            TensorProto p = TensorProto.parseFrom(in);
            return new Named(p.getName(), new TensorDecoder(file.toAbsolutePath().getParent()).decode(p,
                    "tensor file '" + file.getFileName() + "'"));
        } catch (IOException e) {
            throw new ModelFormatException("cannot read tensor file '" + file + "': " + e.getMessage(), e);
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
