package dev.clinfer.bench;

import java.io.Serializable;

/**
 * One line of the comparison: a model at a thread count on one clinfer path, against ONNX Runtime on the
 * same model, inputs and thread count measured in the same rounds. Times in milliseconds, memory in MiB;
 * NaN where nothing was measured (an engine failed).
 *
 * @param model        the model spec
 * @param input        the inputs in words
 * @param threads      T
 * @param path         {@code java}, {@code opencl-cpu}, {@code opencl-gpu}
 * @param device       the device in words (clinfer's own description)
 * @param rounds       timed rounds
 * @param medianMs     clinfer median latency
 * @param p90Ms        clinfer 90th percentile
 * @param ortMedianMs  ONNX Runtime median
 * @param ortP90Ms     ONNX Runtime 90th percentile
 * @param peakMib      clinfer: peak RSS growth over session load and warm-up
 * @param ortPeakMib   ONNX Runtime: the same
 * @param directMib    clinfer: direct-buffer bytes held after warm-up (its tensors and pools)
 * @param check        {@code ok}, {@code MISMATCH} or {@code ERROR}
 * @param maxAbsDiff   largest |clinfer - ORT| over all outputs
 * @param flops        work of one run (GEMM rows), else 0
 * @param note         placement, errors, cut rounds
 * @param load         the 1/5/15-minute load averages right after the timed rounds
 */
public record Row(String model, String input, int threads, String path, String device, int rounds,
                  double medianMs, double p90Ms, double ortMedianMs, double ortP90Ms,
                  double peakMib, double ortPeakMib, double directMib,
                  String check, double maxAbsDiff, double flops, String note, String load)
        implements Serializable {
    /**
     * @param peak    clinfer's peak RSS growth, MiB
     * @param ortPeak ORT's, MiB
     * @param extra   text to add to the note (empty for none)
     * @return this row with those memory figures
     */
    public Row withMemory(double peak, double ortPeak, String extra) {
        String n = extra.isEmpty() ? note : note.isEmpty() ? extra : note + "; " + extra;
        return new Row(model, input, threads, path, device, rounds, medianMs, p90Ms, ortMedianMs, ortP90Ms, peak,
                ortPeak, directMib, check, maxAbsDiff, flops, n, load);
    }

    /** @return clinfer median / ORT median */
    public double ratio() {
        return medianMs / ortMedianMs;
    }

    /** @return clinfer GFLOP/s at the median (GEMM rows), else NaN */
    public double gflops() {
        return flops > 0 ? flops / (medianMs * 1e-3) / 1e9 : Double.NaN;
    }

    /** @return ONNX Runtime GFLOP/s at its median (GEMM rows), else NaN */
    public double ortGflops() {
        return flops > 0 ? flops / (ortMedianMs * 1e-3) / 1e9 : Double.NaN;
    }
}
