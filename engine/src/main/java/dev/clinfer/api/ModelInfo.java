package dev.clinfer.api;

import java.util.List;
import java.util.Map;

/**
 * What {@code clinfer info} shows about a loaded model.
 *
 * @param producer         producer name and version
 * @param irVersion        ONNX IR version
 * @param opsets           imported opsets, domain ("" = ai.onnx) to version
 * @param metadata         metadata_props
 * @param inputs           graph inputs
 * @param outputs          graph outputs
 * @param opHistogram      op type counts of the file as loaded, most frequent first
 * @param parameterCount   elements over all initializers
 * @param nodesAfterPasses nodes left after the load-time passes
 * @param foldedNodes      nodes folded into constants
 * @param removedNodes     dead nodes removed
 * @param peakActivationBytes peak activation bytes of one request by the static memory plan
 *                         (symbolic dims taken as 1; -1 when nothing could be planned)
 * @param activationBytesWithoutReuse the sum of all activation sizes, for comparison
 * @param unplannedValues  activations whose size is only known at run time
 * @param fusions          graph rewrites that fired (fold/fuse pass name to count), in pass order;
 *                         empty when optimisation is off
 */
public record ModelInfo(String producer, long irVersion, Map<String, Integer> opsets, Map<String, String> metadata,
                        List<TensorInfo> inputs, List<TensorInfo> outputs, Map<String, Integer> opHistogram,
                        long parameterCount, int nodesAfterPasses, int foldedNodes, int removedNodes,
                        long peakActivationBytes, long activationBytesWithoutReuse, int unplannedValues,
                        Map<String, Integer> fusions) {
}
