package dev.clinfer.scheduler;

import dev.clinfer.api.SessionOptions;
import dev.clinfer.ir.Graph;
import dev.clinfer.opencl.ClBinding;
import dev.clinfer.opencl.ClContext;
import dev.clinfer.opencl.ProgramCache;
import dev.clinfer.opencl.ops.DeviceOps;
import dev.clinfer.passes.GraphScopes;
import dev.clinfer.spi.Backend;
import dev.clinfer.spi.HostLane;
import dev.clinfer.spi.PreparedGraph;

/** One OpenCL device with its context and program cache, serving the graphs of one session. */
final class OpenClBackend implements Backend {
    private final ClBinding binding;
    private final ClContext context;
    private final ProgramCache programs;
    private final SessionOptions options;
    private final String why;

    OpenClBackend(ClBinding binding, ClContext context, SessionOptions options, String why) {
        this.binding = binding;
        this.context = context;
        this.programs = new ProgramCache(context);
        this.options = options;
        this.why = why;
    }

    @Override
    public String description() {
        return "opencl " + context.device() + " via " + binding.name() + " (" + why + ")";
    }

    @Override
    public PreparedGraph prepare(Graph graph, HostLane host) {
        boolean subgraphs = graph.nodes().stream().anyMatch(GraphScopes::hasSubgraph);
        return new OpenClGraph(graph, host, context, programs, DeviceOps.defaultOps(), options, subgraphs);
    }

    @Override
    public void close() {
        programs.close();
        context.close();
    }
}
