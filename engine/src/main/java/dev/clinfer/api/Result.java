package dev.clinfer.api;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The named outputs of one {@link Session#run} call, in the model's output order. */
public final class Result implements AutoCloseable, Iterable<Map.Entry<String, Tensor>> {
    private final Map<String, Tensor> outputs;

    /** @param outputs outputs by name, in model order */
    public Result(Map<String, Tensor> outputs) {
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * @param name an output name
     * @return its tensor
     * @throws NoSuchElementException for an unknown name
     */
    public Tensor get(String name) {
        Tensor t = outputs.get(name);
        if (t == null) {
            throw new NoSuchElementException("no output '" + name + "'; outputs are " + outputs.keySet());
        }
        return t;
    }

    /** @param index position in the model's output order @return that output */
    public Tensor get(int index) {
        return outputs.values().stream().skip(index).findFirst()
                .orElseThrow(() -> new NoSuchElementException("output index " + index + " of " + outputs.size()));
    }

    /** @return output names in model order */
    public List<String> names() {
        return List.copyOf(outputs.keySet());
    }

    /** @return the number of outputs */
    public int size() {
        return outputs.size();
    }

    /** @return outputs by name (unmodifiable) */
    public Map<String, Tensor> asMap() {
        return outputs;
    }

    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        return outputs.entrySet().iterator();
    }

    /** Releases the output tensors. */
    @Override
    public void close() {
        for (Tensor t : outputs.values()) {
            t.close();
        }
    }
}
