// clinfer: float32 data movement (see LayoutLaunchers): strided copies (Transpose, Slice, Concat,
// Expand), Pad, Gather and Resize. Index vectors (int8) hold dims/strides innermost first
// (s0 = last dim); the launcher merges dims so rank <= 8.

#define WALK2(k) if (k < rank) { int d_ = dims.s##k; int c_ = r % d_; r /= d_; ox += c_ * sx.s##k; oy += c_ * sy.s##k; }

/**
 * y[ybase + sum c_k * sy_k] = x[xbase + sum c_k * sx_k] over every coordinate c of `dims`
 * (strides may be negative: Slice with negative steps).
 */
__kernel void copy_strided(__global const float* x, __global float* y, int n, int xbase, int ybase,
                           int rank, int8 dims, int8 sx, int8 sy) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int r = i;
    int ox = xbase;
    int oy = ybase;
    WALK2(0) WALK2(1) WALK2(2) WALK2(3) WALK2(4) WALK2(5) WALK2(6) WALK2(7)
    y[oy] = x[ox];
}

/**
 * copy_strided for walks whose innermost dim (length len) is contiguous in both x and y: work-item i
 * copies floats [c * 64, c * 64 + 64) of row i / chunks (c = i % chunks) with vector moves; the row
 * index walks the outer dims (dims.s1 ...).
 */
__kernel void copy_rows(__global const float* x, __global float* y, int items, int chunks, int len, int xbase,
                        int ybase, int rank, int8 dims, int8 sx, int8 sy) {
    int i = get_global_id(0);
    if (i >= items) {
        return;
    }
    int r = i / chunks;
    const int c = i - r * chunks;
    int ox = xbase;
    int oy = ybase;
    WALK2(1) WALK2(2) WALK2(3) WALK2(4) WALK2(5) WALK2(6) WALK2(7)
    const int start = c * 64;
    const int m = min(len - start, 64);
    __global const float* src = x + ox + start;
    __global float* dst = y + oy + start;
    int j = 0;
    for (; j + 8 <= m; j += 8) {
        vstore8(vload8(0, src + j), 0, dst + j);
    }
    for (; j < m; j++) {
        dst[j] = src[j];
    }
}

// mode: 0 constant, 1 edge, 2 reflect, 3 wrap
#define PAD_STEP(k) if (k < rank) { \
        int d_ = odims.s##k; int c_ = r % d_; r /= d_; \
        int len_ = idims.s##k; int j_ = c_ - before.s##k; \
        if (j_ < 0 || j_ >= len_) { \
            if (mode == 0) { inside = 0; } \
            else if (mode == 1) { j_ = j_ < 0 ? 0 : len_ - 1; } \
            else if (mode == 2) { \
                if (len_ == 1) { j_ = 0; } \
                else { int p_ = 2 * (len_ - 1); j_ = ((j_ % p_) + p_) % p_; if (j_ >= len_) { j_ = p_ - j_; } } \
            } else { j_ = ((j_ % len_) + len_) % len_; } \
        } \
        off += j_ * istr.s##k; }

/** Pad (or crop, for negative pads) every dim; `before` is the amount added in front. */
__kernel void pad(__global const float* x, __global float* y, int n, int mode, float value, int rank,
                  int8 odims, int8 idims, int8 istr, int8 before) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int r = i;
    int off = 0;
    int inside = 1;
    PAD_STEP(0) PAD_STEP(1) PAD_STEP(2) PAD_STEP(3) PAD_STEP(4) PAD_STEP(5) PAD_STEP(6) PAD_STEP(7)
    y[i] = inside ? x[off] : value;
}

/**
 * Gather along one axis: x is [outer, axisDim, inner], idx has nidx entries (negative counts from
 * the end; the launcher checked the range, the clamp only keeps reads in bounds).
 */
#define GATHER_BODY \
    int i = get_global_id(0); \
    if (i >= n) { return; } \
    int k = i % inner; \
    int t = i / inner; \
    int j = t % nidx; \
    int o = t / nidx; \
    long v = (long) idx[j]; \
    if (v < 0) { v += axisDim; } \
    v = v < 0 ? 0 : (v >= axisDim ? axisDim - 1 : v); \
    y[i] = x[((long) o * axisDim + v) * inner + k];

__kernel void gather_i64(__global const float* x, __global const long* idx, __global float* y, int n, int nidx,
                         int inner, int axisDim) {
    GATHER_BODY
}

__kernel void gather_i32(__global const float* x, __global const int* idx, __global float* y, int n, int nidx,
                         int inner, int axisDim) {
    GATHER_BODY
}

// ---- Resize of the last two axes. Coordinates in double where the device has it, so they match
// the Java reference bit for bit (it computes them in double). ----
#ifdef RESIZE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double coord_t;
#else
typedef float coord_t;
#endif

// transform: 0 half_pixel, 1 pytorch_half_pixel, 2 align_corners, 3 asymmetric, 4 tf_half_pixel_for_nn
inline coord_t src_coord(int o, int in, coord_t scale, int transform) {
    coord_t outF = scale * (coord_t) in;
    switch (transform) {
        case 0: return ((coord_t) o + (coord_t) 0.5) / scale - (coord_t) 0.5;
        case 1: return outF == (coord_t) 1 ? (coord_t) -0.5 : ((coord_t) o + (coord_t) 0.5) / scale - (coord_t) 0.5;
        case 2: return outF == (coord_t) 1 ? (coord_t) 0 : (coord_t) o * (coord_t) (in - 1) / (outF - (coord_t) 1);
        case 3: return (coord_t) o / scale;
        default: return ((coord_t) o + (coord_t) 0.5) / scale;
    }
}

// rounding: 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil, 4 simple (Resize-10/Upsample)
inline int nearest_index(coord_t x, int rounding, coord_t scale, int in) {
    int i;
    coord_t f = floor(x);
    switch (rounding) {
        case 0: i = (int) (x - f == (coord_t) 0.5 ? f : floor(x + (coord_t) 0.5)); break;
        case 1: i = (int) floor(x + (coord_t) 0.5); break;
        case 2: i = (int) f; break;
        case 3: i = (int) ceil(x); break;
        default: i = scale < (coord_t) 1 ? (int) ceil(x) : (int) x; break;
    }
    return i < 0 ? 0 : (i >= in ? in - 1 : i);
}

/**
 * Resize of [planes, inH, inW] to [planes, outH, outW]. A positive intScale{H,W} says the axis is
 * nearest/asymmetric/floor with an integer scale: the source index is then o / intScale (exact
 * in integers). linear != 0 selects bilinear.
 */
__kernel void resize2d(__global const float* x, __global float* y, int n, int inH, int inW, int outH, int outW,
                       float scaleHf, float scaleWf, int fromSizes, int transform, int rounding, int linear,
                       int intScaleH, int intScaleW) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int ow = i % outW;
    int t = i / outW;
    int oh = t % outH;
    int p = t / outH;
    coord_t sh = fromSizes ? (coord_t) outH / (coord_t) inH : (coord_t) scaleHf;
    coord_t sw = fromSizes ? (coord_t) outW / (coord_t) inW : (coord_t) scaleWf;
    __global const float* plane = x + (long) p * inH * inW;
    if (!linear) {
        int ih = intScaleH > 0 ? oh / intScaleH : nearest_index(src_coord(oh, inH, sh, transform), rounding, sh, inH);
        int iw = intScaleW > 0 ? ow / intScaleW : nearest_index(src_coord(ow, inW, sw, transform), rounding, sw, inW);
        y[i] = plane[ih * inW + iw];
        return;
    }
    // Taps at base and base + 1 with base = ceil(x) - 1 and weights (1 - ratio, ratio), as the ONNX reference.
    coord_t yc = src_coord(oh, inH, sh, transform);
    coord_t xc = src_coord(ow, inW, sw, transform);
    int bh = (int) ceil(yc) - 1;
    int bw = (int) ceil(xc) - 1;
    float rh = (float) (yc - (coord_t) bh);
    float rw = (float) (xc - (coord_t) bw);
    int h0 = bh < 0 ? 0 : (bh >= inH ? inH - 1 : bh);
    int h1 = bh + 1 < 0 ? 0 : (bh + 1 >= inH ? inH - 1 : bh + 1);
    int w0 = bw < 0 ? 0 : (bw >= inW ? inW - 1 : bw);
    int w1 = bw + 1 < 0 ? 0 : (bw + 1 >= inW ? inW - 1 : bw + 1);
    float top = (1.0f - rw) * plane[h0 * inW + w0] + rw * plane[h0 * inW + w1];
    float bot = (1.0f - rw) * plane[h1 * inW + w0] + rw * plane[h1 * inW + w1];
    y[i] = (1.0f - rh) * top + rh * bot;
}

// Resize, nearest with integer scales sH, sW (asymmetric, floor): input pixel (p, oh / sH, iw) fills
// output row oh at columns iw * sW .. iw * sW + sW - 1. Global (inW, outH, planes), exact.
__kernel void upsample_nearest_int(__global const float* x, __global float* y, int inH, int inW, int sH, int sW) {
    const int iw = get_global_id(0);
    const int oh = get_global_id(1);
    const long p = get_global_id(2);
    const int outW = inW * sW;
    const float v = x[(p * inH + oh / sH) * inW + iw];
    __global float* row = y + (p * inH * sH + oh) * outW + (long) iw * sW;
    for (int k = 0; k < sW; k++) {
        row[k] = v;
    }
}
