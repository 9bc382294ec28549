package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;

import java.util.Arrays;
import java.util.List;

/**
 * LayerNormalization (opset 17) over dims [axis, rank). Scale and B may broadcast as a suffix of
 * the normalised shape ([D] for [S, D]); the optional Mean and InvStdDev outputs are float32.
 */
final class NormLayer implements DeviceOp {
    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static st) {
        return List.of(new ProgramRef(NormLaunchers.FILE, ""));
    }

    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static st) {
        if (!LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 0))
                || !LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 1))) {
            return false;
        }
        if (LayoutIndexing.present(node, 2) && !LayoutIndexing.isFloat(LayoutIndexing.info(inputs, 2))) {
            return false;
        }
        ValueInfo x = inputs.get(0);
        if (x.shape() != null && x.shape().isStatic()) {
            long[] xs = x.shape().toArray();
            long a = node.attrInt("axis", -1);
            a = a < 0 ? a + xs.length : a;
            if (a < 0 || a >= xs.length) {
                return false;
            }
            long[] norm = Arrays.copyOfRange(xs, (int) a, xs.length);
            for (int i = 1; i <= 2; i++) {
                ValueInfo p = LayoutIndexing.present(node, i) ? inputs.get(i) : null;
                if (p != null && p.shape() != null && p.shape().isStatic() && !suffixOf(p.shape().toArray(), norm)) {
                    return false;
                }
            }
        }
        boolean stats = LayoutIndexing.wantsOutput(node, 1) || LayoutIndexing.wantsOutput(node, 2);
        return !stats || node.attrInt("stash_type", 1) == DataType.FLOAT.onnxCode();
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
        DeviceTensor x = in[0];
        DeviceTensor scale = in[1];
        DeviceTensor bias = in.length > 2 ? in[2] : null;
        long[] xs = x.shape();
        int axis = LayoutParams.axis(node.attrInt("axis", -1), xs.length, node);
        long[] norm = Arrays.copyOfRange(xs, axis, xs.length);
        int cols = LayoutIndexing.count(node, norm);
        int rows = LayoutIndexing.count(node, Arrays.copyOfRange(xs, 0, axis));
        checkSuffix(node, scale, norm, "Scale");
        if (bias != null) {
            checkSuffix(node, bias, norm, "B");
        }
        long[] statShape = xs.clone();
        for (int d = axis; d < statShape.length; d++) {
            statShape[d] = 1;
        }
        DeviceTensor y = ctx.allocate(DataType.FLOAT, xs);
        boolean stats = LayoutIndexing.wantsOutput(node, 1) || LayoutIndexing.wantsOutput(node, 2);
        DeviceTensor mean = stats ? ctx.allocate(DataType.FLOAT, statShape) : null;
        DeviceTensor inv = stats ? ctx.allocate(DataType.FLOAT, statShape) : null;
        if (rows > 0 && cols > 0) {
            // On a CPU device one work-item walking a row with float8 beats a work-group per row
            // (barriers) and per-element j % size: for rows of whole vectors and full-size parameters.
            boolean vector = ctx.device().type().equals("CPU") && cols % 8 == 0 && scale.size() == cols
                    && (bias == null || bias.size() == cols);
            boolean wide = !vector && cols >= NormLaunchers.LONG_ROW;
            ClKernel k = ctx.kernel(NormLaunchers.FILE, "", vector ? "layernorm8" : wide ? "layernorm_wg" : "layernorm");
            // Unused buffer arguments still need a valid buffer: x stands in.
            k.arg(0, x.buffer()).arg(1, scale.buffer()).arg(2, bias != null ? bias.buffer() : x.buffer())
                    .arg(3, y.buffer()).arg(4, stats ? mean.buffer() : y.buffer()).arg(5, stats ? inv.buffer() : y.buffer())
                    .arg(6, rows).arg(7, cols).arg(8, (int) scale.size()).arg(9, bias != null ? (int) bias.size() : 1)
                    .arg(10, node.attrFloat("epsilon", 1e-5f)).arg(11, bias != null ? 1 : 0).arg(12, stats ? 1 : 0);
            if (wide) {
                long[][] g = NormLaunchers.perRowGroups(rows);
                ctx.launch(k, g[0], g[1]);
            } else {
                ctx.launch(k, LayoutIndexing.global(rows), null);
            }
        }
        return new DeviceTensor[] {y, mean, inv};
    }

    /** The kernel indexes parameters by j % size: their shape, less leading 1s, must end the normalised shape. */
    static boolean suffixOf(long[] s, long[] norm) {
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int k = s.length - lead;
        if (k > norm.length) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (s[s.length - 1 - i] != norm[norm.length - 1 - i]) {
                return false;
            }
        }
        return true;
    }

    private static void checkSuffix(Node node, DeviceTensor p, long[] norm, String name) {
        if (!suffixOf(p.shape(), norm) || p.size() == 0) {
            throw new UnsupportedOperatorException(node + ": " + name + " " + Arrays.toString(p.shape())
                    + " broadcasts to the normalised shape " + Arrays.toString(norm)
                    + " in a way the OpenCL kernel does not handle");
        }
    }
}
