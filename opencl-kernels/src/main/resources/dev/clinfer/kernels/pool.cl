// Pooling, NCHW float32 (1-D pooling arrives as H = 1).
//
// Window geometry p (int16): s0 H, s1 W, s2 KH, s3 KW, s4 OH, s5 OW, s6 stride h, s7 stride w,
// s8 pad top, s9 pad left, sa dilation h, sb dilation w, sc pad bottom, sd pad right,
// se count_include_pad. Windowed pools: global (OW, OH, planes), one work-item per output (3-D,
// so no integer division per output: on CPUs that cost more than the window).

// MaxPool: the first valid tap seeds the maximum, later taps replace it when greater or NaN, so a
// NaN anywhere in the window gives NaN (np.max, as the Java operator); a window with no valid tap
// gives -inf.
inline float max_pool_one(__global const float* x, const int16 p, const int oh, const int ow) {
    const int H = p.s0, W = p.s1;
    const int ih0 = oh * p.s6 - p.s8;
    const int iw0 = ow * p.s7 - p.s9;
    float m = -INFINITY;
    bool first = true;
    for (int kh = 0; kh < p.s2; kh++) {
        const int ih = ih0 + kh * p.sa;
        if (ih < 0 || ih >= H) {
            continue;
        }
        for (int kw = 0; kw < p.s3; kw++) {
            const int iw = iw0 + kw * p.sb;
            if (iw >= 0 && iw < W) {
                float v = x[ih * W + iw];
                if (first || v > m || isnan(v)) {
                    m = v;
                }
                first = false;
            }
        }
    }
    return m;
}

__kernel void max_pool(__global const float* X, __global float* Y, int total, int16 p) {
    const int H = p.s0, W = p.s1, OH = p.s4, OW = p.s5;
    const int ow = get_global_id(0);
    const int oh = get_global_id(1);
    const int plane = get_global_id(2);
    Y[(plane * OH + oh) * OW + ow] = max_pool_one(X + plane * H * W, p, oh, ow);
}

// MaxPool 3x3, stride 2, no dilation (CNN stems and squeezenet), on CPU devices: one work-item per
// plane, eight outputs of a row at a time, each input row read as 17 consecutive floats and split
// into even/odd taps; the same tap order and replace rule as max_pool. Windows touching the border
// or padding take the scalar path. Global (1, 1, planes), local (1, 1, 1): PoCL pays about half a
// microsecond per work-group, more than a row of outputs costs.
__kernel void max_pool_k3s2x8(__global const float* X, __global float* Y, int total, int16 p) {
    const int H = p.s0, W = p.s1, OH = p.s4, OW = p.s5;
    const int plane = get_global_id(2);
    __global const float* x = X + (long) plane * H * W;
    for (int oh = 0; oh < OH; oh++) {
        __global float* y = Y + ((long) plane * OH + oh) * OW;
        const int ih0 = oh * 2 - p.s8;
        const bool rowsInside = ih0 >= 0 && ih0 + 2 < H;
        for (int ow0 = 0; ow0 < OW; ow0 += 8) {
            const int iw0 = ow0 * 2 - p.s9;
            if (rowsInside && iw0 >= 0 && iw0 + 16 < W && ow0 + 8 <= OW) {
                float8 m = (float8) 0.0f;
                for (int kh = 0; kh < 3; kh++) {
                    __global const float* row = x + (ih0 + kh) * W + iw0;
                    const float16 v = vload16(0, row);
                    const float8 a = v.even;
                    const float8 b = v.odd;
                    const float8 c = (float8) (v.s2, v.s4, v.s6, v.s8, v.sa, v.sc, v.se, row[16]);
                    if (kh == 0) {
                        m = a;
                    } else {
                        m = select(m, a, isgreater(a, m) | isnan(a));
                    }
                    m = select(m, b, isgreater(b, m) | isnan(b));
                    m = select(m, c, isgreater(c, m) | isnan(c));
                }
                vstore8(m, 0, y + ow0);
            } else {
                const int end = min(OW, ow0 + 8);
                for (int ow = ow0; ow < end; ow++) {
                    y[ow] = max_pool_one(x, p, oh, ow);
                }
            }
        }
    }
}

// AveragePool: the divisor counts the valid taps, or with count_include_pad the taps inside
// the padded input (not those past the end padding that ceil_mode adds); empty windows give 0.
__kernel void avg_pool(__global const float* X, __global float* Y, int total, int16 p) {
    const int H = p.s0, W = p.s1, OH = p.s4, OW = p.s5;
    const int ow = get_global_id(0);
    const int oh = get_global_id(1);
    const int plane = get_global_id(2);
    const int idx = (plane * OH + oh) * OW + ow;
    __global const float* x = X + plane * H * W;
    const int ih0 = oh * p.s6 - p.s8;
    const int iw0 = ow * p.s7 - p.s9;
    float sum = 0.0f;
    int valid = 0;
    int padH = 0;
    int padW = 0;
    for (int kh = 0; kh < p.s2; kh++) {
        const int ih = ih0 + kh * p.sa;
        padH += ih >= -p.s8 && ih < H + p.sc;
        if (ih < 0 || ih >= H) {
            continue;
        }
        for (int kw = 0; kw < p.s3; kw++) {
            const int iw = iw0 + kw * p.sb;
            if (iw >= 0 && iw < W) {
                sum += x[ih * W + iw];
                valid++;
            }
        }
    }
    for (int kw = 0; kw < p.s3; kw++) {
        const int iw = iw0 + kw * p.sb;
        padW += iw >= -p.s9 && iw < W + p.sd;
    }
    const int cnt = p.se ? padH * padW : valid;
    Y[idx] = cnt > 0 ? sum / (float) cnt : 0.0f;
}

// GlobalAveragePool / GlobalMaxPool: one work-group of GLS work-items per (N, C) plane.
#ifndef GLS
#define GLS 64
#endif
inline float gmax(float a, float b) {
    // NaN-propagating, like Java's Math.max.
    return (isnan(b) || b > a) ? b : a;
}

__kernel __attribute__((reqd_work_group_size(GLS, 1, 1)))
void global_pool(__global const float* X, __global float* Y, int inS, int isMax) {
    __local float part[GLS];
    const int lid = get_local_id(0);
    const int plane = get_group_id(0);
    __global const float* x = X + plane * inS;
    float acc = isMax ? -INFINITY : 0.0f;
    for (int i = lid; i < inS; i += GLS) {
        float v = x[i];
        acc = isMax ? gmax(acc, v) : acc + v;
    }
    part[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = GLS / 2; s > 0; s >>= 1) {
        if (lid < s) {
            float o = part[lid + s];
            part[lid] = isMax ? gmax(part[lid], o) : part[lid] + o;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        Y[plane] = isMax ? part[0] : part[0] / (float) inS;
    }
}

// GlobalAveragePool / GlobalMaxPool for CPU devices: one work-item per (N, C) plane, summing
// eight lanes at a time (no barriers or local memory, which PoCL runs as slow work-item
// loops; measured 9 ms for mobilenet_v2's 1280 planes of 49 with global_pool, 0.1 ms here).
// Global (planes); local size 1, so one build serves every shape.
__kernel void global_pool_planes(__global const float* X, __global float* Y, int inS, int isMax) {
    const int plane = get_global_id(0);
    __global const float* x = X + (long) plane * inS;
    int i = 0;
    float r;
    if (isMax) {
        float8 m = (float8) -INFINITY;
        for (; i + 8 <= inS; i += 8) {
            float8 v = vload8(0, x + i);
            // NaN-propagating lane-wise, like gmax.
            m = select(m, v, isnan(v) || v > m);
        }
        r = -INFINITY;
        for (int q = 0; q < 8; q++) {
            r = gmax(r, ((float*) &m)[q]);
        }
        for (; i < inS; i++) {
            r = gmax(r, x[i]);
        }
    } else {
        float8 a = (float8) 0.0f;
        for (; i + 8 <= inS; i += 8) {
            a += vload8(0, x + i);
        }
        r = 0.0f;
        for (int q = 0; q < 8; q++) {
            r += ((float*) &a)[q];
        }
        for (; i < inS; i++) {
            r += x[i];
        }
        r /= (float) inS;
    }
    Y[plane] = r;
}
