package dev.clinfer.ops;

/**
 * For every output position of a pooling window, the flat offsets (within one N,C plane) of the
 * input elements it reads: {@code offsets[begin[o] .. begin[o+1])}. Built once per call and
 * shared by all planes, so the per-plane loops do no bounds or padding arithmetic.
 *
 * @param offsets  concatenated input offsets
 * @param begin    start of each output position's run in {@code offsets}, plus the end
 * @param padCount per output position, the number of window taps inside the padded input
 *                 (AveragePool with count_include_pad), or null when not requested
 */
record PoolWindows(int[] offsets, int[] begin, float[] padCount) {
}
