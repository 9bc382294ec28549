package dev.clinfer.scheduler;

import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.ClQueue;
import dev.clinfer.opencl.ProgramCache;

import java.util.HashMap;
import java.util.Map;

/**
 * What one in-flight request holds on a device: its compute queues (independent branches run
 * on different ones), its device memory, and its kernel objects. A request holds a slot for its
 * whole run and enqueues from one cursor at a time, so kernels (whose arguments are state) and
 * the memory need no locks. The number of slots is the in-flight bound.
 */
final class Slot implements AutoCloseable {
    final int id;
    final ClQueue[] queues;
    final String[] tracks;
    final DeviceMemory memory;
    private final ProgramCache programs;
    private final Map<String, ClKernel> kernels = new HashMap<>();

    Slot(int id, ClContext context, ProgramCache programs, int computeQueues) {
        this.id = id;
        this.queues = new ClQueue[computeQueues];
        this.tracks = new String[computeQueues];
        try {
            for (int q = 0; q < computeQueues; q++) {
                queues[q] = context.createQueue(true);
                tracks[q] = "slot" + id + " compute" + q;
            }
        } catch (RuntimeException e) {
            for (ClQueue q : queues) {
                if (q != null) {
                    q.close();
                }
            }
            throw e;
        }
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

    /** Waits for every command of the slot's compute queues. */
    void finish() {
        for (ClQueue q : queues) {
            q.finish();
        }
    }

    @Override
    public void close() {
        for (ClQueue q : queues) {
            try {
                q.finish();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        kernels.values().forEach(ClKernel::close);
        kernels.clear();
        memory.close();
        for (ClQueue q : queues) {
            q.close();
        }
    }
}
