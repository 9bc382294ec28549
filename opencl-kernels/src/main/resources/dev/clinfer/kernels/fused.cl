// Kernels of the graph optimiser's fused nodes that are not GEMMs (those run on gemm.cl with an
// epilogue) and not generated per chain (fused_ew, see FusedElementwiseSource).
// One work-item per output element or row; guard against the rounded-up global size.

#include "activation.clh"

// FusedConvAdd's epilogue: Y = ACT(Y + R) in place, eight elements per work-item.
__kernel void add_act(__global float* Y, __global const float* R, int total) {
    const int i = get_global_id(0);
    const int base = i * 8;
    if (base >= total) {
        return;
    }
    if (base + 8 <= total) {
        vstore8(ACT_F(vload8(i, Y) + vload8(i, R)), i, Y);
        return;
    }
    for (int j = base; j < total; j++) {
        Y[j] = ACT_F(Y[j] + R[j]);
    }
}

// FusedGelu: 0.5 x (1 + erf(x / sqrt 2)), written with erfc so that it needs one exp:
// x >= 0: x (1 - erfc(z) / 2); x < 0: x erfc(|z|) / 2, z = |x| / sqrt 2. erfc for z >= 0 is
// Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 everywhere). Built-in erf is a
// scalar library call on some CPU devices (PoCL: ~28 ns per element); this vectorises.
inline float8 gelu8(float8 x) {
    const float8 z = fabs(x) * 0.70710678118654752f;
    const float8 t = 1.0f / (1.0f + 0.5f * z);
    float8 p = t * 0.17087277f - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    const float8 erfc = t * exp(p - z * z);
    return select(0.5f * x * erfc, x - 0.5f * x * erfc, isgreaterequal(x, (float8) 0.0f));
}

// Eight elements per work-item; the last work-item takes the tail one by one.
__kernel void fused_gelu(__global const float* X, __global float* Y, int total) {
    const int i = get_global_id(0);
    const int base = i * 8;
    if (base >= total) {
        return;
    }
    if (base + 8 <= total) {
        vstore8(gelu8(vload8(i, X)), i, Y);
        return;
    }
    for (int j = base; j < total; j++) {
        Y[j] = gelu8((float8) X[j]).s0;
    }
}

// FusedAttention, step 2: softmax over each row of the scores [rows, cols], in place; eight
// columns at a time (rows are contiguous), the tail one by one.
__kernel void softmax_rows(__global float* S, int rows, int cols) {
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global float* s = S + (long) r * cols;
    const int n8 = cols / 8;
    float8 m8 = (float8) (-INFINITY);
    for (int j = 0; j < n8; j++) {
        m8 = fmax(m8, vload8(j, s));
    }
    float4 m4 = fmax(m8.lo, m8.hi);
    float m = fmax(fmax(m4.x, m4.y), fmax(m4.z, m4.w));
    for (int j = n8 * 8; j < cols; j++) {
        m = fmax(m, s[j]);
    }
    float8 sum8 = (float8) 0.0f;
    for (int j = 0; j < n8; j++) {
        const float8 e = exp(vload8(j, s) - m);
        vstore8(e, j, s);
        sum8 += e;
    }
    float4 s4 = sum8.lo + sum8.hi;
    float sum = (s4.x + s4.y) + (s4.z + s4.w);
    for (int j = n8 * 8; j < cols; j++) {
        const float e = exp(s[j] - m);
        s[j] = e;
        sum += e;
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < n8; j++) {
        vstore8(vload8(j, s) * inv, j, s);
    }
    for (int j = n8 * 8; j < cols; j++) {
        s[j] *= inv;
    }
}

// FusedAttention (layout BSHD), step 3: Y[b, i, h, d] = sum_j P[b, h, i, j] * V[b, j, h, d].
// g: s0 B, s1 H, s2 Sq, s3 Sk, s4 Dv. Global size B * Sq * H * Dv.
__kernel void attn_pv_bshd(__global const float* P, __global const float* V, __global float* Y, int total, int8 g) {
    const int idx = get_global_id(0);
    if (idx >= total) {
        return;
    }
    const int H = g.s1, SQ = g.s2, SK = g.s3, DV = g.s4;
    int t = idx;
    const int d = t % DV;
    t /= DV;
    const int h = t % H;
    t /= H;
    const int i = t % SQ;
    const int b = t / SQ;
    __global const float* p = P + ((long) (b * H + h) * SQ + i) * SK;
    __global const float* v = V + (long) b * SK * H * DV + h * DV + d;
    const int vs = H * DV;
    float acc = 0.0f;
    for (int j = 0; j < SK; j++) {
        acc = mad(p[j], v[j * vs], acc);
    }
    Y[idx] = acc;
}

// attn_pv_bshd for Dv a multiple of 8: each work-item computes eight consecutive d, so V is read
// as contiguous vectors. Global size B * Sq * H * Dv / 8.
__kernel void attn_pv_bshd8(__global const float* P, __global const float* V, __global float* Y, int total8, int8 g) {
    const int idx = get_global_id(0);
    if (idx >= total8) {
        return;
    }
    const int H = g.s1, SQ = g.s2, SK = g.s3, DV8 = g.s4 / 8;
    int t = idx;
    const int d8 = t % DV8;
    t /= DV8;
    const int h = t % H;
    t /= H;
    const int i = t % SQ;
    const int b = t / SQ;
    __global const float* p = P + ((long) (b * H + h) * SQ + i) * SK;
    __global const float* v = V + (long) b * SK * H * g.s4 + h * g.s4 + d8 * 8;
    const int vs = H * g.s4;
    float8 acc = (float8) 0.0f;
    for (int j = 0; j < SK; j++) {
        acc += p[j] * vload8(0, v + (long) j * vs);
    }
    vstore8(acc, idx, Y);
}
