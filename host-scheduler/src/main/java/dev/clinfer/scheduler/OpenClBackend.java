package dev.clinfer.scheduler;

import dev.clinfer.api.SessionOptions;
import dev.clinfer.ir.Graph;
import dev.clinfer.spi.Backend;
import dev.clinfer.spi.HostLane;
import dev.clinfer.spi.PreparedGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One or more OpenCL devices (and, when the device list names it, the Java CPU lane) serving the
 * graphs of one session, with the dispatch pool that runs request cursors and CPU-lane nodes.
 */
final class OpenClBackend implements Backend {
    private final List<DeviceRuntime> devices;
    private final boolean javaLane;
    private final SessionOptions options;
    private final ExecutorService dispatch;

    OpenClBackend(List<DeviceRuntime> devices, boolean javaLane, SessionOptions options) {
        this.devices = List.copyOf(devices);
        this.javaLane = javaLane;
        this.options = options;
        AtomicInteger n = new AtomicInteger();
        this.dispatch = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "clinfer-dispatch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String description() {
        List<String> parts = new ArrayList<>();
        devices.forEach(d -> parts.add(d.description()));
        if (javaLane) {
            parts.add("java lane (" + options.threads() + " threads)");
        }
        return String.join(" + ", parts);
    }

    @Override
    public PreparedGraph prepare(Graph graph, HostLane host) {
        Recorder recorder = new Recorder(options.trace());
        List<Target> targets = new ArrayList<>();
        boolean subgraphs = graph.nodes().stream().anyMatch(dev.clinfer.passes.GraphScopes::hasSubgraph);
        int lanes = devices.size() + (javaLane ? 1 : 0);
        if (options.pipeline() && lanes > 1 && !subgraphs) {
            Target first = devices.isEmpty() ? new JavaTarget(graph, host, recorder, dispatch)
                    : new DeviceGraph(devices.get(0), graph, host, options, recorder, dispatch);
            return new PipelineGraph(graph, List.of(first), (s, sub) -> {
                if (s < devices.size()) {
                    DeviceGraph t = new DeviceGraph(devices.get(s), sub, host, options, recorder, dispatch);
                    t.stage = true;
                    return t;
                }
                JavaTarget t = new JavaTarget(sub, host, recorder, dispatch);
                t.stage = true;
                return t;
            }, lanes, options, recorder, dispatch);
        }
        try {
            for (DeviceRuntime d : devices) {
                targets.add(new DeviceGraph(d, graph, host, options, recorder, dispatch));
            }
            if (javaLane) {
                targets.add(new JavaTarget(graph, host, recorder, dispatch));
            }
            return new ScheduledGraph(graph, targets, options, recorder);
        } catch (RuntimeException | Error e) {
            targets.forEach(Target::close);
            throw e;
        }
    }

    /** @return the devices, for tests */
    List<DeviceRuntime> devices() {
        return devices;
    }

    @Override
    public void close() {
        dispatch.shutdown();
        try {
            dispatch.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DeviceRuntime d : devices) {
            d.close();
        }
    }
}
