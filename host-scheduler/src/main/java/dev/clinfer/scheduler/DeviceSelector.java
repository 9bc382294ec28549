package dev.clinfer.scheduler;

import dev.clinfer.api.DeviceException;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClBuffer;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClProgram;
import dev.clinfer.opencl.ClQueue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Picks OpenCL devices for a device preference: {@code auto} (GPU or accelerator first, then
 * CPU), {@code gpu}, {@code opencl-cpu}, or {@code P:D}. A device must pass a tiny self-test
 * (build, run and check a kernel) before it is used.
 */
public final class DeviceSelector {
    private static final String SELF_TEST = "__kernel void st(__global float* y) { int i = get_global_id(0);"
            + " y[i] = (float)i * 2.0f + 1.0f; }";

    private DeviceSelector() {
    }

    /**
     * @param preference the user's device string
     * @return true when the preference names OpenCL devices (not {@code java})
     */
    public static boolean wantsOpenCl(String preference) {
        String p = preference.toLowerCase(Locale.ROOT).trim();
        return !(p.equals("java") || p.equals("cpu"));
    }

    /**
     * Candidates in preference order, before the self-test.
     *
     * @param devices    all devices of the binding
     * @param preference device string
     * @return ordered candidates (may be empty)
     */
    public static List<ClDevice> candidates(List<ClDevice> devices, String preference) {
        String p = preference.toLowerCase(Locale.ROOT).trim();
        List<ClDevice> out = new ArrayList<>();
        switch (p) {
            case "auto":
            case "opencl":
                devices.stream().filter(ClDevice::isGpuLike).forEach(out::add);
                devices.stream().filter(d -> d.type().equals("CPU")).forEach(out::add);
                break;
            case "gpu":
                devices.stream().filter(ClDevice::isGpuLike).forEach(out::add);
                break;
            case "opencl-cpu":
                devices.stream().filter(d -> d.type().equals("CPU")).forEach(out::add);
                break;
            default:
                if (!p.matches("\\d+:\\d+")) {
                    throw new DeviceException("unknown device '" + preference
                            + "' (use auto, gpu, opencl-cpu, java, or P:D platform:device indices)");
                }
                devices.stream().filter(d -> d.id().equals(p)).forEach(out::add);
                break;
        }
        return out;
    }

    /**
     * @param binding the binding
     * @param device  a device
     * @param log     receives the reason on failure
     * @return an open context on the device when it passes the self-test, else null
     */
    public static ClContext selfTest(ClBinding binding, ClDevice device, Consumer<String> log) {
        ClContext ctx = null;
        try {
            ctx = binding.createContext(device);
            try (ClQueue q = ctx.createQueue(false);
                 ClBuffer b = ctx.createBuffer(64);
                 ClProgram p = ctx.buildProgram(SELF_TEST, "");
                 ClKernel k = p.kernel("st")) {
                k.arg(0, b);
                q.launch(k, new long[] {16}, null, List.of()).close();
                ByteBuffer out = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
                q.read(b, 0, out, true, List.of()).close();
                for (int i = 0; i < 16; i++) {
                    if (out.getFloat(i * 4) != i * 2f + 1f) {
                        throw new ClException("self-test result mismatch at " + i, -9999);
                    }
                }
            }
            return ctx;
        } catch (ClException | LinkageError e) {
            log.accept("device " + device + " failed its self-test: " + e.getMessage());
            if (ctx != null) {
                ctx.close();
            }
            return null;
        }
    }
}
