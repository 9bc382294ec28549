package dev.clinfer.tests;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.conformance.ConformanceRunner;
import dev.clinfer.conformance.Tolerance;
import dev.clinfer.onnx.TensorFiles;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The model zoo ({@code shared/models}, see its README) on every path: the Java CPU path, and the
 * OpenCL CPU device (PoCL in CI) through JOCL and again through LWJGL, strict so that a fallback
 * to Java cannot pass for OpenCL. One dynamic container per path and model, one test per
 * {@code test_data_set_N}. Without an OpenCL device the OpenCL containers skip, and fail under
 * {@code CI=true}. Inputs are bound by their TensorProto name; every
 * output is compared with the folder's {@code data.json} tolerance ({@code |a-e| <= atol + rtol|e|},
 * rtol 1e-3 / atol 1e-4 for all six models), and the max abs diff and relative L2 error of each output
 * are printed so they can be quoted.
 *
 * <p>MiniLM-L6's model comes from the test-scope Maven artifact (see {@link TestData#miniLmModel()});
 * its reference data sits in {@code shared/models/minilm_l6}. A session is loaded once per model and
 * closed after its last data set.
 */
class ZooModelTest {
    /** A way to run the zoo: a name and the session options. */
    private record Lane(String name, SessionOptions options) {
    }

    private static List<Lane> lanes() {
        return List.of(new Lane("java", new SessionOptions().device("java")),
                new Lane("opencl-cpu/jocl", new SessionOptions().device("opencl-cpu").binding("jocl").strict(true)),
                new Lane("opencl-cpu/lwjgl", new SessionOptions().device("opencl-cpu").binding("lwjgl").strict(true)));
    }

    @TestFactory
    Stream<DynamicNode> zoo() {
        List<DynamicNode> out = new ArrayList<>();
        for (Lane lane : lanes()) {
            String why = lane.name().startsWith("opencl") ? TestData.openClUnavailableReason(lane.options().binding()) : null;
            if (why != null) {
                out.add(DynamicTest.dynamicTest(lane.name(), () -> TestData.requireOrSkip(false,
                        "an OpenCL CPU device through " + lane.options().binding() + " (" + why + ")")));
                continue;
            }
            out.add(DynamicContainer.dynamicContainer(lane.name(), zoo(lane)));
        }
        return out.stream();
    }

    private Stream<DynamicNode> zoo(Lane lane) {
        if (TestData.modelsDir() == null) {
            // A factory that aborts is invisible in surefire's counts: report one visible skip (or CI failure).
            return Stream.of(DynamicTest.dynamicTest("model zoo", TestData::requireModelsDir));
        }
        Path models = TestData.modelsDir();
        // The expected models, plus any other folder with a model.onnx someone adds to the zoo.
        TreeSet<String> names = new TreeSet<>(TestData.ZOO_MODELS);
        try (Stream<Path> s = Files.list(models)) {
            s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).forEach(d -> names.add(d.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + models, e);
        }
        List<DynamicNode> out = new ArrayList<>();
        for (String name : names) {
            out.add(model(lane, name, models.resolve(name), () -> TestData.requireZooModel(name).resolve("model.onnx")));
        }
        out.add(model(lane, TestData.MINILM, models.resolve(TestData.MINILM), TestData::miniLmModel));
        return out.stream();
    }

    private static DynamicNode model(Lane lane, String name, Path folder, Supplier<Path> modelFile) {
        if (!Files.isDirectory(folder)) {
            return DynamicTest.dynamicTest(name, () -> TestData.requireOrSkip(false, "zoo folder " + folder));
        }
        List<Path> sets = TestData.dataSets(folder);
        if (sets.isEmpty()) {
            return DynamicTest.dynamicTest(name, () -> fail(folder + " has no test_data_set_N folder"));
        }
        Tolerance tol = ConformanceRunner.readTolerance(folder);
        SessionHolder holder = new SessionHolder(name, modelFile, lane.options());
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            Path set = sets.get(i);
            boolean last = i == sets.size() - 1;
            tests.add(DynamicTest.dynamicTest(name + "/" + set.getFileName(), () -> {
                try {
                    runSet(name, holder.get(), set, tol);
                } catch (ClinferException e) {
                    // Name the model and set in the failure line: surefire's console shows only "zoo()[i][j]".
                    fail(name + "/" + set.getFileName() + ": " + e, e);
                } finally {
                    if (last) {
                        holder.close();
                    }
                }
            }));
        }
        return DynamicContainer.dynamicContainer(name, tests);
    }

    private static void runSet(String model, Session session, Path set, Tolerance tol) {
        String where = model + "/" + set.getFileName();
        List<TensorFiles.Named> ins = TestData.readIndexed(set, "input_");
        List<TensorFiles.Named> refs = TestData.readIndexed(set, "output_");
        assertTrue(!ins.isEmpty() && !refs.isEmpty(), where + ": no input_K.pb / output_K.pb files");
        Map<String, Tensor> feed = TestData.bindInputs(session.inputs(), ins);
        long t0 = System.nanoTime();
        try (Result r = session.run(feed)) {
            long runMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[zoo] %s: run %d ms on %s%n", where, runMs, session.device());
            assertTrue(r.size() >= refs.size(), where + ": model produced " + r.size() + " outputs, reference has "
                    + refs.size());
            List<String> errors = new ArrayList<>();
            for (int k = 0; k < refs.size(); k++) {
                TensorFiles.Named ref = refs.get(k);
                String outName = !ref.name().isEmpty() && r.names().contains(ref.name()) ? ref.name() : r.names().get(k);
                Tensor actual = r.get(outName);
                String err = tol.compare(actual, ref.tensor());
                System.out.printf("[zoo] %s   output '%s' %s %s: %s -> %s (rtol %.0e, atol %.0e)%n", where, outName,
                        actual.dataType(), Arrays.toString(actual.shape()), Diff.of(actual, ref.tensor()),
                        err == null ? "ok" : "MISMATCH", tol.rtol(), tol.atol());
                if (err != null) {
                    errors.add("output '" + outName + "': " + err);
                }
            }
            if (!errors.isEmpty()) {
                fail(where + ": " + String.join("; ", errors));
            }
        }
    }

    /** Loads a model on first use (timing it), remembers a load failure, closes after the last set. */
    private static final class SessionHolder {
        private final String name;
        private final Supplier<Path> file;
        private final SessionOptions options;
        private Session session;
        private RuntimeException failure;

        SessionHolder(String name, Supplier<Path> file, SessionOptions options) {
            this.name = name;
            this.file = file;
            this.options = options;
        }

        Session get() {
            if (session != null) {
                return session;
            }
            if (failure != null) {
                throw failure;
            }
            Path f = file.get();
            long t0 = System.nanoTime();
            try {
                session = Session.create(f, options);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            Map<String, Integer> lanes = new java.util.TreeMap<>();
            session.placement().values().forEach(l -> lanes.merge(l, 1, Integer::sum));
            System.out.printf("[zoo] %s: loaded in %d ms (%s), nodes per lane %s%n", name,
                    (System.nanoTime() - t0) / 1_000_000, session.device(), lanes);
            return session;
        }

        void close() {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }
}
