package dev.clinfer.ops;

import dev.clinfer.api.DataType;
import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.ir.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * NonMaxSuppression: per batch and class, greedily keeps the best-scoring boxes whose IoU with
 * every box already kept is at most {@code iou_threshold}. Output rows are
 * {@code [batch, class, box]}, int64.
 */
final class GatherScatterNms {
    private GatherScatterNms() {
    }

    static Tensor[] run(Node node, Tensor[] in, ExecContext ctx) {
        if (in.length < 2 || in[0] == null || in[1] == null) {
            throw new InvalidInputException(node + ": needs boxes and scores");
        }
        Tensor boxesT = in[0];
        Tensor scoresT = in[1];
        long[] bs = boxesT.shape();
        long[] ss = scoresT.shape();
        if (bs.length != 3 || bs[2] != 4 || ss.length != 3 || ss[0] != bs[0] || ss[2] != bs[1]) {
            throw new InvalidInputException(node + ": boxes must be [batches, boxes, 4] and scores [batches, classes,"
                    + " boxes], got " + java.util.Arrays.toString(bs) + " and " + java.util.Arrays.toString(ss));
        }
        long maxOut = in.length > 2 && in[2] != null && in[2].size() > 0 ? Math.max(0, in[2].getLong(0)) : 0;
        double iouThr = in.length > 3 && in[3] != null && in[3].size() > 0 ? in[3].getDouble(0) : 0;
        boolean hasScoreThr = in.length > 4 && in[4] != null && in[4].size() > 0;
        double scoreThr = hasScoreThr ? in[4].getDouble(0) : 0;
        boolean center = node.attrInt("center_point_box", 0) != 0;
        int batches = (int) bs[0];
        int nBoxes = (int) bs[1];
        int classes = (int) ss[1];
        double[] boxes = boxesT.toDoubleArray();
        double[] scores = scoresT.toDoubleArray();
        List<long[]> selected = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            double[] corners = corners(boxes, b * nBoxes * 4, nBoxes, center);
            for (int c = 0; c < classes; c++) {
                int base = (b * classes + c) * nBoxes;
                List<Integer> cand = new ArrayList<>();
                for (int i = 0; i < nBoxes; i++) {
                    if (!hasScoreThr || scores[base + i] > scoreThr) {
                        cand.add(i);
                    }
                }
                // Highest score first; equal scores keep the lower box index first.
                cand.sort((x, y) -> {
                    int cmp = Double.compare(scores[base + y], scores[base + x]);
                    return cmp != 0 ? cmp : Integer.compare(x, y);
                });
                List<Integer> kept = new ArrayList<>();
                for (int i : cand) {
                    if (kept.size() >= maxOut) {
                        break;
                    }
                    boolean keep = true;
                    for (int j : kept) {
                        if (iou(corners, i, j) > iouThr) {
                            keep = false;
                            break;
                        }
                    }
                    if (keep) {
                        kept.add(i);
                        selected.add(new long[] {b, c, i});
                    }
                }
            }
        }
        Tensor out = ctx.allocate(DataType.INT64, selected.size(), 3);
        for (int i = 0; i < selected.size(); i++) {
            for (int k = 0; k < 3; k++) {
                out.setLong(i * 3 + k, selected.get(i)[k]);
            }
        }
        return new Tensor[] {out};
    }

    /** Boxes as [xmin, ymin, xmax, ymax] whatever the input format or corner order. */
    private static double[] corners(double[] boxes, int off, int n, boolean center) {
        double[] c = new double[n * 4];
        for (int i = 0; i < n; i++) {
            int p = off + i * 4;
            if (center) {
                double hw = boxes[p + 2] / 2;
                double hh = boxes[p + 3] / 2;
                c[i * 4] = boxes[p] - hw;
                c[i * 4 + 1] = boxes[p + 1] - hh;
                c[i * 4 + 2] = boxes[p] + hw;
                c[i * 4 + 3] = boxes[p + 1] + hh;
            } else {
                c[i * 4] = Math.min(boxes[p + 1], boxes[p + 3]);
                c[i * 4 + 1] = Math.min(boxes[p], boxes[p + 2]);
                c[i * 4 + 2] = Math.max(boxes[p + 1], boxes[p + 3]);
                c[i * 4 + 3] = Math.max(boxes[p], boxes[p + 2]);
            }
        }
        return c;
    }

    private static double iou(double[] c, int a, int b) {
        double ix = Math.min(c[a * 4 + 2], c[b * 4 + 2]) - Math.max(c[a * 4], c[b * 4]);
        double iy = Math.min(c[a * 4 + 3], c[b * 4 + 3]) - Math.max(c[a * 4 + 1], c[b * 4 + 1]);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double inter = ix * iy;
        double areaA = (c[a * 4 + 2] - c[a * 4]) * (c[a * 4 + 3] - c[a * 4 + 1]);
        double areaB = (c[b * 4 + 2] - c[b * 4]) * (c[b * 4 + 3] - c[b * 4 + 1]);
        double union = areaA + areaB - inter;
        if (areaA <= 0 || areaB <= 0 || union <= 0) {
            return 0;
        }
        return inter / union;
    }
}
