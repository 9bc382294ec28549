// clinfer: float32 normalisations and reductions (see NormLaunchers): BatchNormalization
// (inference), Softmax/LogSoftmax/Hardmax, LayerNormalization and the Reduce* family.

/** BatchNormalization at inference: x is [N, C, inner]. */
__kernel void batchnorm(__global const float* x, __global const float* scale, __global const float* bias,
                        __global const float* mean, __global const float* var, __global float* y,
                        int n, int channels, int inner, float eps) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int c = (i / inner) % channels;
    float a = scale[c] / sqrt(var[c] + eps);
    y[i] = (x[i] - mean[c]) * a + bias[c];
}

/**
 * One work item per row of `len` elements spaced `inner` apart (row r starts at
 * (r / inner) * len * inner + r % inner). kind: 0 softmax, 1 log-softmax, 2 hardmax.
 */
__kernel void softmax_rows(__global const float* x, __global float* y, int rows, int len, int inner, int kind) {
    int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    long base = (long) (r / inner) * len * inner + r % inner;
    float m = -INFINITY;
    int arg = 0;
    for (int j = 0; j < len; j++) {
        float v = x[base + (long) j * inner];
        if (v > m) {
            m = v;
            arg = j;
        }
    }
    if (kind == 2) {
        for (int j = 0; j < len; j++) {
            y[base + (long) j * inner] = j == arg ? 1.0f : 0.0f;
        }
        return;
    }
    float s = 0.0f;
    for (int j = 0; j < len; j++) {
        s += exp(x[base + (long) j * inner] - m);
    }
    if (kind == 0) {
        float inv = 1.0f / s;
        for (int j = 0; j < len; j++) {
            long p = base + (long) j * inner;
            y[p] = exp(x[p] - m) * inv;
        }
    } else {
        float ls = log(s);
        for (int j = 0; j < len; j++) {
            long p = base + (long) j * inner;
            y[p] = x[p] - m - ls;
        }
    }
}

/**
 * LayerNormalization over rows of `cols` contiguous elements; scale/bias index j % scaleN
 * (they broadcast as a suffix of the normalised shape). Two-pass mean and variance.
 */
__kernel void layernorm(__global const float* x, __global const float* scale, __global const float* bias,
                        __global float* y, __global float* meanOut, __global float* invOut,
                        int rows, int cols, int scaleN, int biasN, float eps, int hasBias, int wantStats) {
    int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global const float* row = x + (long) r * cols;
    __global float* out = y + (long) r * cols;
    float s = 0.0f;
    for (int j = 0; j < cols; j++) {
        s += row[j];
    }
    float mean = s / (float) cols;
    float v = 0.0f;
    for (int j = 0; j < cols; j++) {
        float d = row[j] - mean;
        v += d * d;
    }
    float inv = 1.0f / sqrt(v / (float) cols + eps);
    for (int j = 0; j < cols; j++) {
        float o = (row[j] - mean) * inv * scale[j % scaleN];
        if (hasBias) {
            o += bias[j % biasN];
        }
        out[j] = o;
    }
    if (wantStats) {
        meanOut[r] = mean;
        invOut[r] = inv;
    }
}

/**
 * layernorm for cols a multiple of 8 and scale/bias of exactly cols elements (same arguments):
 * one work-item per row, eight columns at a time.
 */
__kernel void layernorm8(__global const float* x, __global const float* scale, __global const float* bias,
                         __global float* y, __global float* meanOut, __global float* invOut,
                         int rows, int cols, int scaleN, int biasN, float eps, int hasBias, int wantStats) {
    int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global const float* row = x + (long) r * cols;
    __global float* out = y + (long) r * cols;
    const int n8 = cols / 8;
    float8 s8 = (float8) 0.0f;
    for (int j = 0; j < n8; j++) {
        s8 += vload8(j, row);
    }
    float4 s4 = s8.lo + s8.hi;
    const float mean = ((s4.x + s4.y) + (s4.z + s4.w)) / (float) cols;
    float8 v8 = (float8) 0.0f;
    for (int j = 0; j < n8; j++) {
        const float8 d = vload8(j, row) - mean;
        v8 += d * d;
    }
    float4 v4 = v8.lo + v8.hi;
    const float inv = 1.0f / sqrt(((v4.x + v4.y) + (v4.z + v4.w)) / (float) cols + eps);
    for (int j = 0; j < n8; j++) {
        float8 o = (vload8(j, row) - mean) * inv * vload8(j, scale);
        if (hasBias) {
            o += vload8(j, bias);
        }
        vstore8(o, j, out);
    }
    if (wantStats) {
        meanOut[r] = mean;
        invOut[r] = inv;
    }
}

// ---- Reduce*: RED_<KIND> picks the accumulator ----
#if defined(RED_MAX)
#define RED_INIT (-INFINITY)
#define RED_ACC(acc, v) ((v) > (acc) || isnan(v) ? (v) : (acc))
#elif defined(RED_MIN)
#define RED_INIT (INFINITY)
#define RED_ACC(acc, v) ((v) < (acc) || isnan(v) ? (v) : (acc))
#elif defined(RED_PROD)
#define RED_INIT 1.0f
#define RED_ACC(acc, v) ((acc) * (v))
#elif defined(RED_L1)
#define RED_INIT 0.0f
#define RED_ACC(acc, v) ((acc) + fabs(v))
#elif defined(RED_L2) || defined(RED_SUMSQUARE)
#define RED_INIT 0.0f
#define RED_ACC(acc, v) ((acc) + (v) * (v))
#elif defined(RED_LOGSUMEXP)
// Accumulates exp(v - m) with m the row maximum, found in a first pass.
#define RED_INIT 0.0f
#define RED_ACC(acc, v) ((acc) + exp((v) - m))
#else
#define RED_INIT 0.0f
#define RED_ACC(acc, v) ((acc) + (v))
#endif

#define KSTEP(k) if (k < krank) { int d_ = kdims.s##k; int c_ = q % d_; q /= d_; base += c_ * kstr.s##k; }
#define RSTEP(k) if (k < rrank) { int d_ = rdims.s##k; int c_ = q % d_; q /= d_; off += c_ * rstr.s##k; }

inline int red_offset(int t, int rrank, int8 rdims, int8 rstr) {
    int q = t;
    int off = 0;
    RSTEP(0) RSTEP(1) RSTEP(2) RSTEP(3) RSTEP(4) RSTEP(5) RSTEP(6) RSTEP(7)
    return off;
}

/**
 * One work item per output element: kept dims (kdims/kstr) locate the base, then the R
 * reduced elements are walked over rdims/rstr (a single reduced dim takes a plain strided loop).
 */
__kernel void reduce(__global const float* x, __global float* y, int n, int count,
                     int krank, int8 kdims, int8 kstr, int rrank, int8 rdims, int8 rstr) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int q = i;
    int base = 0;
    KSTEP(0) KSTEP(1) KSTEP(2) KSTEP(3) KSTEP(4) KSTEP(5) KSTEP(6) KSTEP(7)
    __global const float* p = x + base;
    int step = rstr.s0;
#if defined(RED_LOGSUMEXP)
    float m = -INFINITY;
    for (int t = 0; t < count; t++) {
        float v = rrank <= 1 ? p[t * step] : p[red_offset(t, rrank, rdims, rstr)];
        m = fmax(m, v);
    }
    if (isinf(m)) {
        y[i] = m;
        return;
    }
#endif
    float acc = RED_INIT;
    if (rrank <= 1) {
        for (int t = 0; t < count; t++) {
            float v = p[t * step];
            acc = RED_ACC(acc, v);
        }
    } else {
        for (int t = 0; t < count; t++) {
            float v = p[red_offset(t, rrank, rdims, rstr)];
            acc = RED_ACC(acc, v);
        }
    }
#if defined(RED_MEAN)
    acc = acc / (float) count;
#elif defined(RED_L2)
    acc = sqrt(acc);
#elif defined(RED_LOGSUM)
    acc = log(acc);
#elif defined(RED_LOGSUMEXP)
    acc = m + log(acc);
#endif
    y[i] = acc;
}

// ---- One work-group per row/output, for long rows: WG threads stride over the row and combine
// their partials in local memory. Launched with local size WG and global size rows * WG. ----
#define WG 64

#if defined(RED_MAX) || defined(RED_MIN)
#define RED_COMBINE(a, b) RED_ACC(a, b)
#elif defined(RED_PROD)
#define RED_COMBINE(a, b) ((a) * (b))
#else
#define RED_COMBINE(a, b) ((a) + (b))
#endif

inline float wg_sum(float v, __local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] += scratch[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float wg_max(float v, __local float* scratch) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/** Softmax (kind 0) or log-softmax (kind 1) of contiguous rows of `len`. */
__kernel void softmax_wg(__global const float* x, __global float* y, int len, int kind) {
    __local float scratch[WG];
    int lid = get_local_id(0);
    long base = (long) get_group_id(0) * len;
    float m = -INFINITY;
    for (int j = lid; j < len; j += WG) {
        m = fmax(m, x[base + j]);
    }
    m = wg_max(m, scratch);
    float s = 0.0f;
    for (int j = lid; j < len; j += WG) {
        s += exp(x[base + j] - m);
    }
    s = wg_sum(s, scratch);
    if (kind == 0) {
        float inv = 1.0f / s;
        for (int j = lid; j < len; j += WG) {
            y[base + j] = exp(x[base + j] - m) * inv;
        }
    } else {
        float ls = log(s);
        for (int j = lid; j < len; j += WG) {
            y[base + j] = x[base + j] - m - ls;
        }
    }
}

/** LayerNormalization of one row per work-group (same arguments as layernorm). */
__kernel void layernorm_wg(__global const float* x, __global const float* scale, __global const float* bias,
                           __global float* y, __global float* meanOut, __global float* invOut,
                           int rows, int cols, int scaleN, int biasN, float eps, int hasBias, int wantStats) {
    __local float scratch[WG];
    int lid = get_local_id(0);
    int r = get_group_id(0);
    __global const float* row = x + (long) r * cols;
    __global float* out = y + (long) r * cols;
    float s = 0.0f;
    for (int j = lid; j < cols; j += WG) {
        s += row[j];
    }
    float mean = wg_sum(s, scratch) / (float) cols;
    float v = 0.0f;
    for (int j = lid; j < cols; j += WG) {
        float d = row[j] - mean;
        v += d * d;
    }
    float inv = 1.0f / sqrt(wg_sum(v, scratch) / (float) cols + eps);
    for (int j = lid; j < cols; j += WG) {
        float o = (row[j] - mean) * inv * scale[j % scaleN];
        if (hasBias) {
            o += bias[j % biasN];
        }
        out[j] = o;
    }
    if (wantStats && lid == 0) {
        meanOut[r] = mean;
        invOut[r] = inv;
    }
}

#if !defined(RED_LOGSUMEXP)
/** The reduce kernel with one work-group per output element (not for LogSumExp). */
__kernel void reduce_wg(__global const float* x, __global float* y, int n, int count,
                        int krank, int8 kdims, int8 kstr, int rrank, int8 rdims, int8 rstr) {
    __local float scratch[WG];
    int lid = get_local_id(0);
    int i = get_group_id(0);
    int q = i;
    int base = 0;
    KSTEP(0) KSTEP(1) KSTEP(2) KSTEP(3) KSTEP(4) KSTEP(5) KSTEP(6) KSTEP(7)
    __global const float* p = x + base;
    int step = rstr.s0;
    float acc = RED_INIT;
    for (int t = lid; t < count; t += WG) {
        float v = rrank <= 1 ? p[t * step] : p[red_offset(t, rrank, rdims, rstr)];
        acc = RED_ACC(acc, v);
    }
    scratch[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] = RED_COMBINE(scratch[lid], scratch[lid + s]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        acc = scratch[0];
#if defined(RED_MEAN)
        acc = acc / (float) count;
#elif defined(RED_L2)
        acc = sqrt(acc);
#elif defined(RED_LOGSUM)
        acc = log(acc);
#endif
        y[i] = acc;
    }
}
#endif
