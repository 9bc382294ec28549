package dev.clinfer.scheduler;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.DataType;
import dev.clinfer.api.ExecutionException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;
import dev.clinfer.opencl.ClBuildException;
import dev.clinfer.opencl.ClDevice;
import dev.clinfer.opencl.ClEvent;
import dev.clinfer.opencl.ClKernel;
import dev.clinfer.opencl.DeviceOp;
import dev.clinfer.opencl.DeviceOpContext;
import dev.clinfer.opencl.DeviceTensor;
import dev.clinfer.passes.GraphScopes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One request on one device. A <em>cursor</em> walks the nodes in graph order and enqueues each
 * device node on its compute queue with an event wait list (the events of its producers on other
 * queues, and of earlier users of any reused buffer), so the host never waits between layers.
 * Values cross lanes through the transfer threads: a device node reading a host value waits (as
 * a callback, not a blocked thread) for the value's upload to be enqueued; a CPU-lane node runs
 * on the dispatch pool once the downloads of its inputs complete. When the cursor needs
 * something that is not there yet it parks itself on that future and resumes on the dispatch
 * pool. The request completes when its output downloads have landed (and every command it
 * started has finished): only then does its slot go back to the device.
 */
final class RequestRun implements DeviceOpContext {
    private final DeviceGraph g;
    private final Slot slot;
    private final long id;
    private final long start = System.nanoTime();
    final CompletableFuture<Tensor[]> result = new CompletableFuture<>();

    /** Every event this request created (one reference each), released when it ends. */
    private final List<Ev> events = Collections.synchronizedList(new ArrayList<>());
    /** Every asynchronous step started (uploads, downloads, CPU nodes): the end waits for all. */
    private final List<CompletableFuture<?>> started = new ArrayList<>();
    private final Map<String, Val> vals = new HashMap<>();
    private int cursor;
    private Throwable failure;
    private boolean finishing;

    // the device node being enqueued
    private int curNode;
    private int curQueue;
    private final List<Ev> pendingWaits = new ArrayList<>();
    private Ev lastEv;

    /** A value of this request: on the host, on the device, or both (possibly still arriving). */
    private static final class Val {
        Tensor host;
        CompletableFuture<Tensor> hostF;
        DeviceTensor dev;
        /** Events after which {@link #dev} holds the value (empty for weights). */
        List<Ev> ready = List.of();
        /** Pending upload into {@link #dev}. */
        CompletableFuture<Ev> devF;
        /** Whether {@link #dev} belongs to the slot's memory (not a weight). */
        boolean owned;
    }

    RequestRun(DeviceGraph g, Slot slot, long id) {
        this.g = g;
        this.slot = slot;
        this.id = id;
    }

    void start(Tensor[] inputs) {
        try {
            for (int i = 0; i < inputs.length; i++) {
                Val v = new Val();
                v.host = inputs[i];
                vals.put(g.graph.inputs().get(i).name(), v);
            }
            for (int k : g.deviceInputs) {
                startUpload(vals.get(g.graph.inputs().get(k).name()));
            }
        } catch (Throwable t) {
            fail(t);
            finish();
            return;
        }
        advance();
    }

    private void advance() {
        try {
            while (cursor < g.nodes.length && failure == null) {
                int i = cursor;
                DeviceOp op = g.ops[i];
                if (op != null) {
                    CompletableFuture<?> wait = deviceInputsReady(i);
                    if (wait != null) {
                        wait.whenCompleteAsync((x, e) -> advance(), g.executor);
                        return;
                    }
                    try {
                        enqueueDevice(i, op);
                    } catch (ClBuildException e) {
                        if (g.strict) {
                            throw e;
                        }
                        g.moveToHost(i, e);
                        startCpu(i);
                    }
                } else {
                    startCpu(i);
                }
                free(i);
                cursor++;
            }
        } catch (Throwable t) {
            fail(t);
        }
        finish();
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = unwrap(t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private Val val(String name) {
        Val v = vals.get(name);
        if (v != null) {
            return v;
        }
        Tensor c = g.graph.initializers().get(name);
        if (c == null) {
            throw new ExecutionException("value '" + name + "' is not available");
        }
        v = new Val();
        v.host = c;
        v.dev = g.weights.get(name);
        vals.put(name, v);
        return v;
    }

    /** @return a future to wait for before node {@code i} can be enqueued, or null when it can be now */
    private CompletableFuture<?> deviceInputsReady(int i) {
        for (String name : g.nodes[i].inputs()) {
            if (name.isEmpty()) {
                continue;
            }
            Val v = val(name);
            if (v.dev == null) {
                if (v.host == null) {
                    if (!v.hostF.isDone()) {
                        return v.hostF;
                    }
                    v.host = v.hostF.join();
                }
                startUpload(v);
            }
            if (v.devF != null) {
                if (!v.devF.isDone()) {
                    return v.devF;
                }
                v.ready = List.of(v.devF.join());
                v.devF = null;
            }
        }
        return null;
    }

    private void startUpload(Val v) {
        if (v.dev != null) {
            return;
        }
        List<Ev> waits = new ArrayList<>();
        v.dev = slot.memory.allocate(v.host.dataType(), v.host.shape(), waits);
        v.owned = true;
        slot.memory.retain(v.dev);
        if (v.host.byteSize() == 0) {
            return;
        }
        v.devF = g.dev.transfers.upload(v.host, v.dev.buffer(), waits, events::add);
        slot.memory.pendingReader(v.dev, v.devF);
        started.add(v.devF);
    }

    private CompletableFuture<Tensor> startDownload(Val v) {
        if (v.hostF == null) {
            TransferEngine.Download d = g.dev.transfers.download(v.dev, v.ready, events::add);
            if (v.owned) {
                slot.memory.pendingReader(v.dev, d.enqueued());
            }
            v.hostF = d.data();
            started.add(d.enqueued());
            started.add(d.data());
        }
        return v.hostF;
    }

    private CompletableFuture<Tensor> hostFuture(Val v) {
        if (v.host != null) {
            return CompletableFuture.completedFuture(v.host);
        }
        if (v.hostF != null) {
            return v.hostF;
        }
        return startDownload(v);
    }

    private void enqueueDevice(int i, DeviceOp op) {
        Node n = g.nodes[i];
        int q = g.queueOf[i];
        curNode = i;
        curQueue = q;
        lastEv = null;
        pendingWaits.clear();
        DeviceTensor[] in = new DeviceTensor[n.inputs().size()];
        List<Val> inVals = new ArrayList<>(in.length);
        List<Ev> inputReady = new ArrayList<>();
        for (int k = 0; k < in.length; k++) {
            String name = n.inputs().get(k);
            if (name.isEmpty()) {
                continue;
            }
            Val v = val(name);
            in[k] = v.dev;
            inVals.add(v);
            for (Ev e : v.ready) {
                if (!containsIdentity(inputReady, e)) {
                    inputReady.add(e);
                    if (e.queue != q) {
                        pendingWaits.add(e);
                    }
                }
            }
        }
        DeviceTensor[] out;
        try {
            out = op.enqueue(n, in, this);
        } catch (ClinferException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExecutionException(n + " failed on " + g.dev.lane + ": " + e, e);
        }
        List<Ev> done = new ArrayList<>();
        if (lastEv != null) {
            done.add(lastEv);
            slot.queues[q].flush();
        } else {
            done.addAll(inputReady);
        }
        for (Ev e : pendingWaits) {
            if (!containsIdentity(done, e)) {
                done.add(e);
            }
        }
        pendingWaits.clear();
        for (Val v : inVals) {
            if (v.owned) {
                slot.memory.used(v.dev, done);
            }
        }
        for (int k = 0; k < n.outputs().size() && k < out.length; k++) {
            String name = n.outputs().get(k);
            if (name.isEmpty() || out[k] == null) {
                continue;
            }
            Val o = new Val();
            o.dev = out[k];
            o.ready = done;
            o.owned = true;
            slot.memory.retain(out[k]);
            slot.memory.used(out[k], done);
            vals.put(name, o);
            if (g.outputNames.contains(name)) {
                startDownload(o);
            }
        }
    }

    private static boolean containsIdentity(List<Ev> l, Ev e) {
        for (Ev x : l) {
            if (x == e) {
                return true;
            }
        }
        return false;
    }

    private void startCpu(int i) {
        Node n = g.nodes[i];
        CompletableFuture<Tensor[]> run = shapeOfDeviceValue(n);
        if (run == null) {
            List<CompletableFuture<Tensor>> ins = new ArrayList<>(n.inputs().size());
            for (String name : n.inputs()) {
                ins.add(name.isEmpty() ? CompletableFuture.completedFuture(null) : hostFuture(val(name)));
            }
            run = smallAndReady(ins) ? runInline(n, ins) : CompletableFuture.allOf(ins.toArray(new CompletableFuture[0]))
                    .thenApplyAsync(x -> runHost(n, ins), g.executor);
            started.add(run);
        }
        for (int k = 0; k < n.outputs().size(); k++) {
            String name = n.outputs().get(k);
            if (name.isEmpty()) {
                continue;
            }
            int kk = k;
            Val o = new Val();
            o.hostF = run.thenApply(a -> {
                if (kk >= a.length || a[kk] == null) {
                    throw new ExecutionException(n + " produced no output '" + name + "'");
                }
                return a[kk];
            });
            vals.put(name, o);
        }
    }

    /** Largest input, in elements, of a CPU-lane node run on the cursor's thread instead of a pool hop. */
    private static final long INLINE_ELEMENTS = 256;

    private Tensor[] runHost(Node n, List<CompletableFuture<Tensor>> ins) {
        Tensor[] a = new Tensor[ins.size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = ins.get(k).join();
        }
        long t0 = System.nanoTime();
        Tensor[] out = g.host.runNode(n, a);
        g.recorder.cpu(n, Thread.currentThread().getName(), t0, System.nanoTime());
        return out;
    }

    /**
     * Shape arithmetic (a transformer export has ~150 such nodes: Shape, Gather, Unsqueeze, Concat
     * on int64 vectors) costs microseconds; handing each to the pool costs more than running it.
     */
    private static boolean smallAndReady(List<CompletableFuture<Tensor>> ins) {
        for (CompletableFuture<Tensor> f : ins) {
            if (!f.isDone() || f.isCompletedExceptionally()) {
                return false;
            }
            Tensor t = f.join();
            if (t != null && (t.isContainer() || t.size() > INLINE_ELEMENTS)) {
                return false;
            }
        }
        return true;
    }

    private CompletableFuture<Tensor[]> runInline(Node n, List<CompletableFuture<Tensor>> ins) {
        try {
            return CompletableFuture.completedFuture(runHost(n, ins));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /**
     * A Shape node on the CPU lane whose input lives only on the device: its dims are known here, so
     * nothing is downloaded. @return the result, or null when this is not such a node
     */
    private CompletableFuture<Tensor[]> shapeOfDeviceValue(Node n) {
        if (!n.opType().equals("Shape") || !n.domain().isEmpty() || n.inputs().isEmpty() || n.inputs().get(0).isEmpty()) {
            return null;
        }
        Val v = val(n.inputs().get(0));
        if (v.host != null || v.dev == null) {
            return null;
        }
        return CompletableFuture.completedFuture(new Tensor[] {dev.clinfer.ops.ShapeOps.shapeValue(n, v.dev.shape())});
    }

    private void free(int i) {
        Node n = g.nodes[i];
        for (String v : GraphScopes.reads(n)) {
            drop(v, i);
        }
        for (String v : n.outputs()) {
            drop(v, i);
        }
    }

    private void drop(String name, int step) {
        Integer last = g.lastUse.get(name);
        if (last != null && last > step) {
            return;
        }
        Val v = vals.remove(name);
        if (v != null && v.owned && v.dev != null) {
            slot.memory.release(v.dev);
        }
    }

    /** After the cursor: collect the outputs, then end once everything started has settled. */
    private void finish() {
        if (finishing) {
            return;
        }
        finishing = true;
        List<CompletableFuture<Tensor>> outs = new ArrayList<>();
        if (failure == null) {
            try {
                for (var o : g.graph.outputs()) {
                    outs.add(hostFuture(val(o.name())));
                }
            } catch (Throwable t) {
                fail(t);
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>(started);
        all.addAll(outs);
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0]))
                .whenCompleteAsync((x, e) -> complete(outs, e), g.executor);
    }

    private void complete(List<CompletableFuture<Tensor>> outs, Throwable err) {
        Throwable f = failure != null ? failure : err == null ? null : unwrap(err);
        boolean healthy = true;
        try {
            slot.finish();
        } catch (Throwable t) {
            healthy = false;
            if (f == null) {
                f = t;
            }
        }
        // An upload whose consumer was never enqueued (a failed request) may still be running on
        // the shared upload queue: the slot's memory must not be reused or freed under it, also
        // when the compute queues failed above. Each is awaited even when another fails.
        synchronized (events) {
            for (Ev e : events) {
                if (e.queue == Ev.UPLOAD) {
                    try {
                        e.event.await();
                    } catch (Throwable t) {
                        healthy = false;
                        if (f == null) {
                            f = t;
                        }
                    }
                }
            }
        }
        try {
            if (f == null) {
                synchronized (events) {
                    g.recorder.requestEvents(g, slot, events);
                }
            }
        } catch (Throwable t) {
            // a profiling failure must not fail the request
        } finally {
            synchronized (events) {
                events.forEach(Ev::release);
                events.clear();
            }
            slot.memory.reset();
            g.returnSlot(slot, healthy);
            g.recorder.request(g.dev.lane, g.stage, f == null, start, System.nanoTime(), id);
        }
        if (f != null) {
            result.completeExceptionally(f instanceof ClinferException ? f
                    : new ExecutionException("request failed on " + g.dev.lane + ": " + f, f));
        } else {
            Tensor[] out = new Tensor[outs.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = outs.get(k).join();
            }
            result.complete(out);
        }
    }

    // ---- DeviceOpContext: what a launcher sees while enqueuing the current node ----

    @Override
    public ClDevice device() {
        return g.dev.context.device();
    }

    @Override
    public DeviceTensor allocate(DataType type, long[] shape) {
        List<Ev> w = new ArrayList<>();
        DeviceTensor t = slot.memory.allocate(type, shape, w);
        for (Ev e : w) {
            if (e.queue != curQueue && !containsIdentity(pendingWaits, e)) {
                pendingWaits.add(e);
            }
        }
        return t;
    }

    @Override
    public ClKernel kernel(String program, String options, String name) {
        return slot.kernel(program, options, name);
    }

    @Override
    public void launch(ClKernel kernel, long[] global, long[] local) {
        ClEvent e = slot.queues[curQueue].launch(kernel, global, local, Ev.natives(pendingWaits));
        pendingWaits.clear();
        Ev ev = new Ev(e, curQueue, curNode, 0);
        events.add(ev);
        lastEv = ev;
    }

    @Override
    public Tensor hostInput(Node node, int index) {
        if (index >= node.inputs().size() || node.inputs().get(index).isEmpty()) {
            return null;
        }
        Val v = val(node.inputs().get(index));
        if (v.host == null) {
            try {
                v.host = hostFuture(v).join();
            } catch (CompletionException e) {
                Throwable c = unwrap(e);
                throw c instanceof RuntimeException r ? r : new ExecutionException(node + ": " + c, c);
            }
        }
        return v.host;
    }
}
