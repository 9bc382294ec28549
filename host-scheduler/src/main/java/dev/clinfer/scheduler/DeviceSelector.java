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
 * Picks OpenCL devices for a device preference. A preference is one token or a comma-separated
 * list of tokens:
 * <ul>
 *   <li>{@code auto} / {@code opencl}: the single best device: the first GPU or accelerator that
 *   passes its self-test, else the first OpenCL CPU device that does;</li>
 *   <li>{@code gpu}: every GPU and accelerator that passes;</li>
 *   <li>{@code opencl-cpu}: every OpenCL CPU device that passes (two with PoCL and
 *   {@code POCL_DEVICES="pthread pthread"});</li>
 *   <li>{@code P:D}: that device (platform P, device D);</li>
 *   <li>{@code java} / {@code cpu}: inside a list, the Java CPU lane joins as one more device.</li>
 * </ul>
 * Several devices share the requests (data parallel). A device must pass a tiny self-test (build,
 * run and check a kernel) before it is used.
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
        for (String t : tokens(preference)) {
            if (!isJava(t)) {
                return true;
            }
        }
        return false;
    }

    /** @param preference device string @return its lower-case tokens, duplicates removed */
    public static List<String> tokens(String preference) {
        List<String> out = new ArrayList<>();
        for (String t : preference.toLowerCase(Locale.ROOT).split(",")) {
            t = t.trim();
            if (!t.isEmpty() && !out.contains(t)) {
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw new DeviceException("empty device list '" + preference + "'");
        }
        return out;
    }

    /** @param token one device token @return whether it names the Java CPU lane */
    public static boolean isJava(String token) {
        return token.equals("java") || token.equals("cpu");
    }

    /** @param token one device token @return whether it means every device of a kind (not one) */
    public static boolean isEveryOfKind(String token) {
        return token.equals("gpu") || token.equals("opencl-cpu");
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
                            + "' (use auto, gpu, opencl-cpu, java, P:D platform:device indices, or a comma list)");
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
