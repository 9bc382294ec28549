package dev.clinfer.opencl.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.ops.FusedActivation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code dev.clinfer.FusedConvAdd}, {@code activation(Conv(X, W, B) + R)}: the convolution (any
 * of the Conv launcher's strategies, without activation), then one pass that adds the residual
 * and applies the activation in place. The graph optimiser fuses only when R has the conv
 * output's exact shape, so a different shape at run time is an input that broke the model's
 * declared dims.
 */
final class FusedConvAddLauncher implements DeviceOp {
    @Override
    public boolean supports(Node node, List<ValueInfo> inputs, DeviceOpContext.Static ctx) {
        return FusedLaunchers.knownActivation(node) && inputs.size() == 4 && inputs.get(3) != null && GemmLaunchers.floats(inputs, 3)
                && ConvLaunchers.supported(inputs.subList(0, 3));
    }

    @Override
    public List<ProgramRef> programs(Node node, DeviceOpContext.Static ctx) {
        List<ProgramRef> l = new ArrayList<>(ConvLaunchers.programs(node, ctx, ""));
        l.add(new ProgramRef(FusedLaunchers.PROGRAM, FusedActivation.of(node).clOptions()));
        return l;
    }

    @Override
    public DeviceTensor[] enqueue(Node node, DeviceTensor[] in, DeviceOpContext ctx) {
        DeviceTensor y = ConvLaunchers.conv(node, in[0], in[1], in[2], ctx, "");
        DeviceTensor r = in[3];
        if (!Arrays.equals(y.shape(), r.shape())) {
            throw new InvalidInputException(node + ": residual R has shape " + Arrays.toString(r.shape())
                    + ", expected the convolution's output shape " + Arrays.toString(y.shape()));
        }
        int total = GemmLaunchers.checkedInt(node, y.size());
        if (total > 0) {
            ClKernel k = ctx.kernel(FusedLaunchers.PROGRAM, FusedActivation.of(node).clOptions(), "add_act");
            k.arg(0, y.buffer()).arg(1, r.buffer()).arg(2, total);
            ctx.launch(k, new long[] {(total + 7) / 8}, null);
        }
        return new DeviceTensor[] {y};
    }
}
