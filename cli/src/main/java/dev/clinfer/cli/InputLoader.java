package dev.clinfer.cli;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.TensorInfo;
import dev.clinfer.onnx.TensorFiles;
import dev.clinfer.util.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Builds the inputs of {@code clinfer run}: tensors read from {@code NAME=FILE} arguments
 * ({@code .npy} or ONNX {@code TensorProto} {@code .pb}) and, on request, random data for the rest.
 */
final class InputLoader {
    /**
     * One input and where it came from.
     *
     * @param tensor the value
     * @param origin e.g. {@code x.npy} or {@code random, seed 0}
     */
    record Loaded(Tensor tensor, String origin) {
    }

    private final List<TensorInfo> formal;

    /** @param formal the model's inputs */
    InputLoader(List<TensorInfo> formal) {
        this.formal = formal;
    }

    /**
     * Reads the files named by {@code --input} arguments. {@code NAME=FILE} binds a named input;
     * a bare {@code FILE} binds the input its .pb names, else the next input not yet bound.
     *
     * @param specs the arguments
     * @return inputs by name, in argument order
     * @throws IOException when a file cannot be read
     */
    Map<String, Loaded> readFiles(List<String> specs) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        List<Path> unnamed = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq > 0 ? spec.substring(0, eq) : null;
            if (name != null && (isInput(name) || !Files.exists(Path.of(spec)))) {
                if (!isInput(name)) {
                    throw new InvalidInputException("--input " + spec + ": the model has no input '" + name
                            + "'; its inputs are " + names());
                }
                if (files.put(name, Path.of(spec.substring(eq + 1))) != null) {
                    throw new InvalidInputException("input '" + name + "' is given more than once");
                }
            } else {
                unnamed.add(Path.of(spec));
            }
        }
        Map<String, Loaded> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            TensorInfo info = info(e.getKey());
            out.put(e.getKey(), new Loaded(conform(info, read(e.getValue()).tensor()), e.getValue().toString()));
        }
        for (Path f : unnamed) {
            TensorFiles.Named read = read(f);
            String name = isInput(read.name()) && !out.containsKey(read.name()) && !files.containsKey(read.name())
                    ? read.name() : nextUnbound(out.keySet(), files.keySet(), f);
            out.put(name, new Loaded(conform(info(name), read.tensor()), f.toString()));
        }
        return out;
    }

    /**
     * Fills every input not in {@code given} with random data: floats standard normal, integers
     * in [0, 10), bools fair coins; symbolic or unknown dims are taken as 1.
     *
     * @param given inputs already bound (added to)
     * @param seed  random seed
     */
    void fillRandom(Map<String, Loaded> given, long seed) {
        Random rnd = new Random(seed);
        for (TensorInfo in : formal) {
            if (given.containsKey(in.name())) {
                continue;
            }
            if (in.shape() == null) {
                throw new InvalidInputException("input '" + in.name() + "' has no known rank, so --random cannot "
                        + "shape it; give it with --input " + in.name() + "=FILE");
            }
            long[] shape = in.shape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = 1;
                }
            }
            DataType type = in.type() == null ? DataType.FLOAT : in.type();
            if (type == DataType.STRING) {
                throw new InvalidInputException("input '" + in.name() + "' is a string tensor; --random cannot "
                        + "make one, give it with --input " + in.name() + "=FILE.pb");
            }
            Tensor t = Tensor.allocate(type, shape);
            int n = t.numel();
            for (int i = 0; i < n; i++) {
                if (type.isFloatingPoint()) {
                    t.setDouble(i, rnd.nextGaussian());
                } else if (type == DataType.BOOL) {
                    t.setLong(i, rnd.nextBoolean() ? 1 : 0);
                } else {
                    t.setLong(i, rnd.nextInt(10));
                }
            }
            given.put(in.name(), new Loaded(t, "random, seed " + seed));
        }
    }

    /** @return the inputs the model needs that {@code given} lacks, as {@code name (type shape)} */
    List<String> missing(Map<String, Loaded> given) {
        List<String> l = new ArrayList<>();
        for (TensorInfo in : formal) {
            if (!given.containsKey(in.name())) {
                l.add("'" + in.name() + "' (" + in + ")");
            }
        }
        return l;
    }

    private static TensorFiles.Named read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString());
        }
        String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".npy")) {
            return new TensorFiles.Named("", Npy.read(f));
        }
        if (lower.endsWith(".pb")) {
            return TensorFiles.readPb(f);
        }
        throw new InvalidInputException("input file '" + f + "': expected a .npy (numpy) or .pb (ONNX TensorProto) file");
    }

    /**
     * numpy saves float64 and int64 by default: convert within the float family and within the
     * integer family to the type the model declares, so that such files just work.
     */
    private static Tensor conform(TensorInfo info, Tensor t) {
        DataType want = info.type();
        DataType have = t.dataType();
        if (want == null || want == have) {
            return t;
        }
        boolean floats = want.isFloatingPoint() && have.isFloatingPoint();
        boolean ints = want.isInteger() && have.isInteger();
        return floats || ints ? t.convertTo(want) : t;
    }

    private String nextUnbound(java.util.Set<String> bound, java.util.Set<String> named, Path f) {
        for (TensorInfo in : formal) {
            if (!bound.contains(in.name()) && !named.contains(in.name())) {
                return in.name();
            }
        }
        throw new InvalidInputException("--input " + f + ": every model input is already given; the model's inputs are "
                + names());
    }

    private boolean isInput(String name) {
        return formal.stream().anyMatch(i -> i.name().equals(name));
    }

    private TensorInfo info(String name) {
        return formal.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> names() {
        List<String> l = new ArrayList<>();
        formal.forEach(i -> l.add(i.name()));
        return l;
    }
}
