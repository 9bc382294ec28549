package dev.clinfer.opencl.lwjgl;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClUnavailableException;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL;
import org.lwjgl.opencl.CL10;
import org.lwjgl.system.Configuration;
import org.lwjgl.system.MemoryStack;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ClBinding} on LWJGL 3 (org.lwjgl.opencl). LWJGL looks for the unversioned
 * {@code libOpenCL.so} by default; where only the runtime's {@code libOpenCL.so.1} exists
 * (no ocl-icd-opencl-dev), it is pointed at that instead.
 */
public final class LwjglBinding implements ClBinding {
    private static final Object INIT_LOCK = new Object();
    private static volatile boolean initialised;

    /** Loads the OpenCL library through LWJGL; {@link ClUnavailableException} when it is missing. */
    public LwjglBinding() {
        synchronized (INIT_LOCK) {
            if (initialised) {
                return;
            }
            Configuration.OPENCL_EXPLICIT_INIT.set(true);
            List<String> tried = new ArrayList<>();
            for (String lib : libraryCandidates()) {
                try {
                    CL.create(lib);
                    initialised = true;
                    return;
                } catch (Throwable e) {
                    tried.add(lib + ": " + e.getMessage());
                }
            }
            throw new ClUnavailableException("LWJGL cannot load OpenCL (" + String.join("; ", tried) + ")");
        }
    }

    private static List<String> libraryCandidates() {
        List<String> l = new ArrayList<>();
        String configured = System.getProperty("org.lwjgl.opencl.libname");
        if (configured != null) {
            l.add(configured);
        }
        boolean unversioned = false;
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/local/lib"}) {
            if (Files.exists(Path.of(dir, "libOpenCL.so"))) {
                unversioned = true;
            }
        }
        if (unversioned) {
            l.add("libOpenCL.so");
        }
        l.add("libOpenCL.so.1");
        if (!unversioned) {
            l.add("libOpenCL.so");
        }
        return l;
    }

    @Override
    public String name() {
        return "lwjgl";
    }

    @Override
    public List<ClDevice> devices() {
        List<ClDevice> out = new ArrayList<>();
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer n = stack.mallocInt(1);
            int rc = CL10.clGetPlatformIDs(null, n);
            if (rc != CL10.CL_SUCCESS || n.get(0) == 0) {
                throw new ClUnavailableException("no OpenCL platform (clGetPlatformIDs: " + rc + ")");
            }
            PointerBuffer ps = stack.mallocPointer(n.get(0));
            check(CL10.clGetPlatformIDs(ps, (IntBuffer) null), "clGetPlatformIDs");
            for (int pi = 0; pi < ps.capacity(); pi++) {
                long p = ps.get(pi);
                IntBuffer nd = stack.mallocInt(1);
                if (CL10.clGetDeviceIDs(p, CL10.CL_DEVICE_TYPE_ALL, null, nd) != CL10.CL_SUCCESS || nd.get(0) == 0) {
                    continue;
                }
                PointerBuffer ds = stack.mallocPointer(nd.get(0));
                check(CL10.clGetDeviceIDs(p, CL10.CL_DEVICE_TYPE_ALL, ds, (IntBuffer) null), "clGetDeviceIDs");
                String pname = platformString(p, CL10.CL_PLATFORM_NAME);
                String pver = platformString(p, CL10.CL_PLATFORM_VERSION);
                for (int di = 0; di < ds.capacity(); di++) {
                    long d = ds.get(di);
                    String ext = deviceString(d, CL10.CL_DEVICE_EXTENSIONS);
                    out.add(new ClDevice(pi, di, deviceString(d, CL10.CL_DEVICE_NAME), deviceString(d, CL10.CL_DEVICE_VENDOR),
                            typeName(deviceLong(d, CL10.CL_DEVICE_TYPE)), deviceInt(d, CL10.CL_DEVICE_MAX_COMPUTE_UNITS),
                            deviceInt(d, CL10.CL_DEVICE_MAX_CLOCK_FREQUENCY), deviceLong(d, CL10.CL_DEVICE_GLOBAL_MEM_SIZE),
                            deviceLong(d, CL10.CL_DEVICE_LOCAL_MEM_SIZE), deviceLong(d, CL10.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            devicePointer(d, CL10.CL_DEVICE_MAX_WORK_GROUP_SIZE), ext.contains("cl_khr_fp16"),
                            ext.contains("cl_khr_fp64"), deviceString(d, 0x103D /* CL_DEVICE_OPENCL_C_VERSION */),
                            deviceString(d, CL10.CL_DRIVER_VERSION), pname, pver, d));
                }
            }
        }
        if (out.isEmpty()) {
            throw new ClUnavailableException("OpenCL platforms exist but none has a device");
        }
        return out;
    }

    @Override
    public ClContext createContext(ClDevice device) {
        return new LwjglContext(device);
    }

    static String typeName(long type) {
        if ((type & CL10.CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL10.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        if ((type & CL10.CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        return "OTHER";
    }

    static void check(int rc, String call) {
        if (rc != CL10.CL_SUCCESS) {
            throw new ClException(call, rc);
        }
    }

    private static String platformString(long p, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            CL10.clGetPlatformInfo(p, param, (ByteBuffer) null, size);
            ByteBuffer b = stack.malloc((int) size.get(0));
            CL10.clGetPlatformInfo(p, param, b, null);
            return cstring(b);
        }
    }

    private static String deviceString(long d, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            CL10.clGetDeviceInfo(d, param, (ByteBuffer) null, size);
            ByteBuffer b = org.lwjgl.system.MemoryUtil.memAlloc((int) Math.max(1, size.get(0)));
            try {
                CL10.clGetDeviceInfo(d, param, b, null);
                return cstring(b);
            } finally {
                org.lwjgl.system.MemoryUtil.memFree(b);
            }
        }
    }

    private static long deviceLong(long d, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            LongBuffer v = stack.callocLong(1);
            CL10.clGetDeviceInfo(d, param, v, null);
            return v.get(0);
        }
    }

    private static int deviceInt(long d, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer v = stack.callocInt(1);
            CL10.clGetDeviceInfo(d, param, v, null);
            return v.get(0);
        }
    }

    private static long devicePointer(long d, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer v = stack.callocPointer(1);
            CL10.clGetDeviceInfo(d, param, v, null);
            return v.get(0);
        }
    }

    private static String cstring(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        int n = 0;
        while (n < a.length && a[n] != 0) {
            n++;
        }
        return new String(a, 0, n, StandardCharsets.UTF_8).trim();
    }
}
