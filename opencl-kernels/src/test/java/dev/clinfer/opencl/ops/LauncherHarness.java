package dev.clinfer.opencl.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.Tensor;
import dev.clinfer.conformance.Tolerance;
import dev.clinfer.cpu.ComputePool;
import dev.clinfer.cpu.Interpreter;
import dev.clinfer.ir.Node;
import dev.clinfer.ir.Shape;
import dev.clinfer.ir.ValueInfo;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.ClTestSupport;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.ops.OpRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs one node through its OpenCL launcher and through the Java operator, and compares.
 * Inputs named in {@code constants} are offered as constants (as initializers would be).
 */
public final class LauncherHarness implements AutoCloseable {
    private final ClContext context;
    private final ClQueue queue;
    private final ProgramCache programs;
    private final OwningOpContext ctx;
    private final ComputePool pool = new ComputePool(2);

    /** @param binding jocl or lwjgl */
    public LauncherHarness(String binding) {
        ClBinding b = ClTestSupport.openOrSkip(binding);
        ClDevice d = b.devices().get(0);
        context = b.createContext(d);
        queue = context.createQueue(true);
        programs = new ProgramCache(context);
        ctx = new OwningOpContext(context, programs, queue);
    }

    /** @param rnd source @param shape dims @return standard-normal float32 tensor */
    public static Tensor randn(Random rnd, long... shape) {
        Tensor t = Tensor.allocate(DataType.FLOAT, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.setDouble(i, rnd.nextGaussian());
        }
        return t;
    }

    /**
     * @param node      the node (inputs named as in {@code inputs} order)
     * @param inputs    input tensors (null for omitted)
     * @param constants indexes of inputs that are constants
     * @param tol       tolerance
     * @return true when the launcher supports the node (then outputs were compared); false if it declined
     */
    public boolean check(Node node, Tensor[] inputs, java.util.Set<Integer> constants, Tolerance tol) {
        DeviceOp op = DeviceOps.defaultOps().find(node.domain(), node.opType());
        assertNotNull(op, "no launcher for " + node.opType());
        List<ValueInfo> infos = new ArrayList<>();
        Map<String, Tensor> consts = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            infos.add(t == null ? null : ValueInfo.tensor(node.inputs().get(i), t.dataType(), Shape.of(t.shape())));
            if (t != null && constants.contains(i)) {
                consts.put(node.inputs().get(i), t);
            }
        }
        DeviceOpContext.Static st = new DeviceOpContext.Static() {
            @Override
            public ClDevice device() {
                return context.device();
            }

            @Override
            public Tensor constant(String valueName) {
                return consts.get(valueName);
            }
        };
        if (!op.supports(node, infos, st)) {
            return false;
        }
        DeviceTensor[] dIn = new DeviceTensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null) {
                dIn[i] = upload(inputs[i]);
            }
        }
        ctx.hostInputs(i -> i < inputs.length ? inputs[i] : null);
        DeviceTensor[] dOut = op.enqueue(node, dIn, ctx);
        Tensor[] ref = new Interpreter(pool, null).runNode(node,
                OpRegistry.defaultRegistry().find(node.domain(), node.opType()), inputs);
        for (int k = 0; k < ref.length; k++) {
            if (ref[k] == null || k >= dOut.length || dOut[k] == null) {
                continue;
            }
            Tensor got = download(dOut[k]);
            String err = tol.compare(got, ref[k]);
            assertNull(err, node + " output " + k + ": " + err);
        }
        return true;
    }

    private DeviceTensor upload(Tensor t) {
        ClBuffer b = ctx.own(context.createBuffer(Math.max(4, t.byteSize())));
        if (t.byteSize() > 0) {
            queue.write(b, 0, t.buffer(), true, List.of()).close();
        }
        return new DeviceTensor(b, t.dataType(), t.shape());
    }

    private Tensor download(DeviceTensor d) {
        Tensor h = Tensor.allocate(d.type(), d.shape());
        if (h.byteSize() > 0) {
            try (ClEvent e = queue.read(d.buffer(), 0, h.buffer(), true, List.of())) {
                e.await();
            }
        }
        return h;
    }

    /** Asserts the launcher accepted the node. */
    public void checkSupported(Node node, Tensor[] inputs, java.util.Set<Integer> constants, Tolerance tol) {
        assertTrue(check(node, inputs, constants, tol), "launcher declined " + node);
    }

    @Override
    public void close() {
        queue.finish();
        ctx.close();
        programs.close();
        queue.close();
        context.close();
        pool.close();
    }
}
