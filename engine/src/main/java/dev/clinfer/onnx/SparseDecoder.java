package dev.clinfer.onnx;

import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.SparseTensorProto;

import java.util.Arrays;

/** Expands a {@code SparseTensorProto} (COO indices) into a dense tensor. */
final class SparseDecoder {
    /** Dense forms up to this size are built whatever their sparsity. */
    static final long FREE_DENSE_BYTES = 64L << 20;
    /** Above {@link #FREE_DENSE_BYTES}: the most dense bytes per stored value byte. */
    static final long MAX_EXPANSION = 4096;

    private SparseDecoder() {
    }

    static Tensor densify(SparseTensorProto sp, TensorDecoder decoder) {
        String what = "sparse tensor '" + sp.getValues().getName() + "'";
        Tensor values = decoder.decode(sp.getValues(), what);
        Tensor indices = decoder.decode(sp.getIndices(), what + " indices");
        long[] dims = new long[sp.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = sp.getDims(i);
        }
        long total;
        try {
            total = Tensor.elementCount(dims);
        } catch (RuntimeException e) {
            throw new ModelFormatException(what + ": bad dims " + Arrays.toString(dims));
        }
        long denseBytes = total * Math.max(1, values.dataType().byteSize());
        if (denseBytes > Tensor.MAX_BYTES) {
            throw new ModelFormatException(what + ": dense form " + Arrays.toString(dims) + " is too large");
        }
        // The dense size is only claimed by the file: a few bytes of sparse tensor must not make the
        // importer allocate gigabytes. Beyond a free allowance, the dense form may be at most
        // MAX_EXPANSION times the stored values.
        long stored = Math.max(1, values.size()) * Math.max(1, values.dataType().byteSize());
        if (denseBytes > FREE_DENSE_BYTES && denseBytes / stored > MAX_EXPANSION) {
            throw new ModelFormatException(what + ": dense form " + Arrays.toString(dims) + " needs " + denseBytes
                    + " bytes for " + values.size() + " stored values (more than " + MAX_EXPANSION
                    + " times the data the file holds, above " + FREE_DENSE_BYTES + " bytes)");
        }
        Tensor out = Tensor.allocate(values.dataType(), dims);
        int nnz = values.numel();
        boolean linear = indices.rank() == 1;
        if (indices.size() != (linear ? nnz : (long) nnz * dims.length)) {
            throw new ModelFormatException(what + ": " + indices.size() + " indices for " + nnz + " values");
        }
        for (int k = 0; k < nnz; k++) {
            long flat;
            if (linear) {
                flat = indices.getLong(k);
            } else {
                flat = 0;
                for (int d = 0; d < dims.length; d++) {
                    flat = flat * dims[d] + indices.getLong(k * dims.length + d);
                }
            }
            if (flat < 0 || flat >= total) {
                throw new ModelFormatException(what + ": index " + flat + " outside " + Arrays.toString(dims));
            }
            out.setDouble((int) flat, values.getDouble(k));
        }
        return out;
    }
}
