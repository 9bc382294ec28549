package dev.clinfer.ir;

import java.util.Map;

/**
 * A loaded ONNX model: its main graph and metadata.
 *
 * @param graph           the main graph
 * @param irVersion       ONNX IR version of the file
 * @param producerName    tool that wrote the file
 * @param producerVersion its version
 * @param opsets          imported operator sets, domain ("" for ai.onnx) to version
 * @param metadata        metadata_props key/value pairs
 * @param docString       the model's documentation string
 */
public record Model(Graph graph, long irVersion, String producerName, String producerVersion,
                    Map<String, Integer> opsets, Map<String, String> metadata, String docString) {
}
