package dev.clinfer.opencl.jocl;

import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClException;
import dev.clinfer.opencl.ClUnavailableException;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@link ClBinding} on JOCL (org.jocl). JOCL loads the unversioned {@code libOpenCL.so}. */
public final class JoclBinding implements ClBinding {
    /** Loads JOCL's native library; fails with {@link ClUnavailableException} when OpenCL is missing. */
    public JoclBinding() {
        try {
            CL.setExceptionsEnabled(false);
            int[] n = new int[1];
            CL.clGetPlatformIDs(0, null, n);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new ClUnavailableException("JOCL cannot load OpenCL (libOpenCL.so, from ocl-icd-opencl-dev): " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "jocl";
    }

    @Override
    public List<ClDevice> devices() {
        int[] n = new int[1];
        int rc = CL.clGetPlatformIDs(0, null, n);
        if (rc != CL.CL_SUCCESS || n[0] == 0) {
            throw new ClUnavailableException("no OpenCL platform (clGetPlatformIDs: " + rc + ")");
        }
        cl_platform_id[] ps = new cl_platform_id[n[0]];
        check(CL.clGetPlatformIDs(n[0], ps, null), "clGetPlatformIDs");
        List<ClDevice> out = new ArrayList<>();
        for (int pi = 0; pi < ps.length; pi++) {
            int[] nd = new int[1];
            if (CL.clGetDeviceIDs(ps[pi], CL.CL_DEVICE_TYPE_ALL, 0, null, nd) != CL.CL_SUCCESS || nd[0] == 0) {
                continue;
            }
            cl_device_id[] ds = new cl_device_id[nd[0]];
            check(CL.clGetDeviceIDs(ps[pi], CL.CL_DEVICE_TYPE_ALL, nd[0], ds, null), "clGetDeviceIDs");
            String pname = platformString(ps[pi], CL.CL_PLATFORM_NAME);
            String pver = platformString(ps[pi], CL.CL_PLATFORM_VERSION);
            for (int di = 0; di < ds.length; di++) {
                cl_device_id d = ds[di];
                long type = deviceLong(d, CL.CL_DEVICE_TYPE);
                String ext = deviceString(d, CL.CL_DEVICE_EXTENSIONS);
                out.add(new ClDevice(pi, di, deviceString(d, CL.CL_DEVICE_NAME), deviceString(d, CL.CL_DEVICE_VENDOR),
                        typeName(type), deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                        deviceInt(d, CL.CL_DEVICE_MAX_CLOCK_FREQUENCY), deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                        deviceLong(d, CL.CL_DEVICE_LOCAL_MEM_SIZE), deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                        deviceSizeT(d, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE), ext.contains("cl_khr_fp16"),
                        ext.contains("cl_khr_fp64"), deviceString(d, CL.CL_DEVICE_OPENCL_C_VERSION),
                        deviceString(d, CL.CL_DRIVER_VERSION), pname, pver, d));
            }
        }
        if (out.isEmpty()) {
            throw new ClUnavailableException("OpenCL platforms exist but none has a device");
        }
        return out;
    }

    @Override
    public ClContext createContext(ClDevice device) {
        return new JoclContext(device);
    }

    static String typeName(long type) {
        if ((type & CL.CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        if ((type & CL.CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        return "OTHER";
    }

    static void check(int rc, String call) {
        if (rc != CL.CL_SUCCESS) {
            throw new ClException(call, rc);
        }
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cstring(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cstring(b);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSizeT(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cstring(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
