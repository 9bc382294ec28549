package dev.clinfer.scheduler;

import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.ProgramCache;

import java.util.HashMap;
import java.util.Map;

/**
 * One in-order command queue with its device memory and kernel objects. A request holds a lane
 * for its whole run, so kernels (whose arguments are state) and freed buffers need no locks.
 */
final class Lane implements AutoCloseable {
    final ClQueue queue;
    final DeviceMemory memory;
    private final ProgramCache programs;
    private final Map<String, ClKernel> kernels = new HashMap<>();

    Lane(ClContext context, ProgramCache programs) {
        this.queue = context.createQueue(true);
        this.memory = new DeviceMemory(context);
        this.programs = programs;
    }

    ClKernel kernel(String file, String options, String name) {
        String key = file + "\u0000" + options + "\u0000" + name;
        ClKernel k = kernels.get(key);
        if (k == null) {
            k = programs.get(file, options).kernel(name);
            kernels.put(key, k);
        }
        return k;
    }

    @Override
    public void close() {
        queue.finish();
        kernels.values().forEach(ClKernel::close);
        kernels.clear();
        memory.close();
        queue.close();
    }
}
