package dev.clinfer.ops;

import dev.clinfer.api.InvalidInputException;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import dev.clinfer.ir.Node;

import java.util.Arrays;

/** Java CPU kernels for region-of-interest pooling: MaxRoiPool and RoiAlign (NCHW). */
final class PoolRoi {
    private PoolRoi() {
    }

    static void register(OpRegistry r) {
        r.register("MaxRoiPool", PoolRoi::maxRoiPool);
        r.register("RoiAlign", PoolRoi::roiAlign);
    }

    private static long[] nchw(Node node, Tensor x) {
        long[] s = x.shape();
        if (s.length != 4) {
            throw new InvalidInputException(node + ": input X must be 4-D (N, C, H, W), got " + Arrays.toString(s));
        }
        return s;
    }

    /** MaxRoiPool (Caffe semantics): ROIs are (batch, x1, y1, x2, y2) rows, rounded to pixels. */
    private static Tensor[] maxRoiPool(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = PoolOps.input(node, in, 0, "X");
        Tensor rois = PoolOps.input(node, in, 1, "rois");
        long[] xs = nchw(node, x);
        long[] pooled = node.attrInts("pooled_shape", null);
        if (pooled == null || pooled.length != 2) {
            throw new InvalidInputException(node + ": pooled_shape must have 2 entries");
        }
        double scale = node.attrFloat("spatial_scale", 1f);
        long[] rs = rois.shape();
        if (rs.length != 2 || rs[1] != 5) {
            throw new InvalidInputException(node + ": rois must be [num_rois, 5], got " + Arrays.toString(rs));
        }
        int nr = (int) rs[0];
        int c = (int) xs[1];
        int h = (int) xs[2];
        int w = (int) xs[3];
        int ph = (int) pooled[0];
        int pw = (int) pooled[1];
        double[] xv = x.toDoubleArray();
        double[] rv = rois.toDoubleArray();
        double[] yv = new double[nr * c * ph * pw];
        ctx.parallelFor(nr * c, (long) ph * pw * 4, (s, e) -> {
            for (int rc = s; rc < e; rc++) {
                int n = rc / c;
                int ch = rc % c;
                int b = (int) rv[n * 5];
                if (b < 0 || b >= xs[0]) {
                    throw new InvalidInputException(node + ": roi " + n + " has batch index " + b + " outside [0, " + xs[0] + ")");
                }
                int x1 = (int) Math.round(rv[n * 5 + 1] * scale);
                int y1 = (int) Math.round(rv[n * 5 + 2] * scale);
                int x2 = (int) Math.round(rv[n * 5 + 3] * scale);
                int y2 = (int) Math.round(rv[n * 5 + 4] * scale);
                int rh = Math.max(y2 - y1 + 1, 1);
                int rw = Math.max(x2 - x1 + 1, 1);
                double bh = (double) rh / ph;
                double bw = (double) rw / pw;
                int base = (b * c + ch) * h * w;
                int ob = rc * ph * pw;
                for (int i = 0; i < ph; i++) {
                    int hs = clamp((int) Math.floor(i * bh) + y1, h);
                    int he = clamp((int) Math.ceil((i + 1) * bh) + y1, h);
                    for (int j = 0; j < pw; j++) {
                        int ws = clamp((int) Math.floor(j * bw) + x1, w);
                        int we = clamp((int) Math.ceil((j + 1) * bw) + x1, w);
                        double m = Double.NEGATIVE_INFINITY;
                        for (int yy = hs; yy < he; yy++) {
                            for (int xx = ws; xx < we; xx++) {
                                m = Math.max(m, xv[base + yy * w + xx]);
                            }
                        }
                        yv[ob + i * pw + j] = he <= hs || we <= ws ? 0 : m;
                    }
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), nr, c, ph, pw);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }

    private static int clamp(int v, int n) {
        return Math.min(Math.max(v, 0), n);
    }

    /** RoiAlign (opset 10 and 16): bilinear samples averaged (or maxed) per output bin. */
    private static Tensor[] roiAlign(Node node, Tensor[] in, ExecContext ctx) {
        Tensor x = PoolOps.input(node, in, 0, "X");
        Tensor rois = PoolOps.input(node, in, 1, "rois");
        Tensor bidx = PoolOps.input(node, in, 2, "batch_indices");
        long[] xs = nchw(node, x);
        String mode = node.attrString("mode", "avg");
        if (!mode.equals("avg") && !mode.equals("max")) {
            throw new UnsupportedOperatorException(node + ": unknown mode '" + mode + "'");
        }
        boolean max = mode.equals("max");
        // Opset 16 added the attribute and made half_pixel the default; opset 10 behaves as output_half_pixel.
        String ctm = node.attrString("coordinate_transformation_mode", node.opset() >= 16 ? "half_pixel" : "output_half_pixel");
        boolean halfPixel = ctm.equals("half_pixel");
        int ph = (int) node.attrInt("output_height", 1);
        int pw = (int) node.attrInt("output_width", 1);
        int sampling = (int) node.attrInt("sampling_ratio", 0);
        double scale = node.attrFloat("spatial_scale", 1f);
        long[] rs = rois.shape();
        if (rs.length != 2 || rs[1] != 4) {
            throw new InvalidInputException(node + ": rois must be [num_rois, 4], got " + Arrays.toString(rs));
        }
        int nr = (int) rs[0];
        if (bidx.size() != nr) {
            throw new InvalidInputException(node + ": batch_indices has " + bidx.size() + " entries for " + nr + " rois");
        }
        int c = (int) xs[1];
        int h = (int) xs[2];
        int w = (int) xs[3];
        double[] xv = x.toDoubleArray();
        double[] rv = rois.toDoubleArray();
        long[] bv = bidx.toLongArray();
        double[] yv = new double[nr * c * ph * pw];
        ctx.parallelFor(nr, (long) c * ph * pw * 16, (s, e) -> {
            for (int n = s; n < e; n++) {
                long b = bv[n];
                if (b < 0 || b >= xs[0]) {
                    throw new InvalidInputException(node + ": batch_indices[" + n + "] = " + b + " outside [0, " + xs[0] + ")");
                }
                double off = halfPixel ? 0.5 : 0;
                double sw = rv[n * 4] * scale - off;
                double sh = rv[n * 4 + 1] * scale - off;
                double rw = rv[n * 4 + 2] * scale - off - sw;
                double rh = rv[n * 4 + 3] * scale - off - sh;
                if (!halfPixel) {
                    rw = Math.max(rw, 1);
                    rh = Math.max(rh, 1);
                }
                double bh = rh / ph;
                double bw = rw / pw;
                int gh = sampling > 0 ? sampling : (int) Math.ceil(rh / ph);
                int gw = sampling > 0 ? sampling : (int) Math.ceil(rw / pw);
                int count = Math.max(gh * gw, 1);
                // Sample positions and weights shared by all channels.
                int ns = ph * pw * gh * gw;
                int[] pos = new int[ns * 4];
                double[] wt = new double[ns * 4];
                int k = 0;
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        for (int iy = 0; iy < gh; iy++) {
                            double yy = sh + i * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++, k++) {
                                double xx = sw + j * bw + (ix + 0.5) * bw / gw;
                                bilinear(yy, xx, h, w, pos, wt, k * 4);
                            }
                        }
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    int base = (int) ((b * c + ch) * h * w);
                    int ob = (n * c + ch) * ph * pw;
                    int q = 0;
                    for (int bin = 0; bin < ph * pw; bin++) {
                        double acc = 0;
                        boolean first = true;
                        for (int t = 0; t < gh * gw; t++, q++) {
                            int o = q * 4;
                            if (max) {
                                // As ORT and the ONNX reference: max over the weighted corner terms.
                                double v = Math.max(Math.max(wt[o] * xv[base + pos[o]], wt[o + 1] * xv[base + pos[o + 1]]),
                                        Math.max(wt[o + 2] * xv[base + pos[o + 2]], wt[o + 3] * xv[base + pos[o + 3]]));
                                acc = first ? v : Math.max(acc, v);
                                first = false;
                            } else {
                                acc += wt[o] * xv[base + pos[o]] + wt[o + 1] * xv[base + pos[o + 1]]
                                        + wt[o + 2] * xv[base + pos[o + 2]] + wt[o + 3] * xv[base + pos[o + 3]];
                            }
                        }
                        yv[ob + bin] = max ? acc : acc / count;
                    }
                }
            }
        });
        Tensor y = ctx.allocate(x.dataType(), nr, c, ph, pw);
        PoolData.store(y, yv);
        return new Tensor[] {y};
    }

    /** The four corner offsets and weights of a bilinear sample at (y, x); zero weights outside. */
    private static void bilinear(double y, double x, int h, int w, int[] pos, double[] wt, int o) {
        if (y < -1.0 || y > h || x < -1.0 || x > w) {
            Arrays.fill(pos, o, o + 4, 0);
            Arrays.fill(wt, o, o + 4, 0);
            return;
        }
        y = Math.max(y, 0);
        x = Math.max(x, 0);
        int yl = (int) y;
        int xl = (int) x;
        int yh;
        int xh;
        if (yl >= h - 1) {
            yh = yl = h - 1;
            y = yl;
        } else {
            yh = yl + 1;
        }
        if (xl >= w - 1) {
            xh = xl = w - 1;
            x = xl;
        } else {
            xh = xl + 1;
        }
        double ly = y - yl;
        double lx = x - xl;
        double hy = 1 - ly;
        double hx = 1 - lx;
        pos[o] = yl * w + xl;
        pos[o + 1] = yl * w + xh;
        pos[o + 2] = yh * w + xl;
        pos[o + 3] = yh * w + xh;
        wt[o] = hy * hx;
        wt[o + 1] = hy * lx;
        wt[o + 2] = ly * hx;
        wt[o + 3] = ly * lx;
    }
}
