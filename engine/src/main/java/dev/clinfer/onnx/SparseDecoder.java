package dev.clinfer.onnx;

import dev.clinfer.api.ModelFormatException;
import dev.clinfer.api.Tensor;
import dev.clinfer.onnx.proto.Onnx.SparseTensorProto;

import java.util.Arrays;

/** Expands a {@code SparseTensorProto} (COO indices) into a dense tensor. */
final class SparseDecoder {
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
        if (total * Math.max(1, values.dataType().byteSize()) > Tensor.MAX_BYTES) {
            throw new ModelFormatException(what + ": dense form " + Arrays.toString(dims) + " is too large");
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
