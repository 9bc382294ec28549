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
