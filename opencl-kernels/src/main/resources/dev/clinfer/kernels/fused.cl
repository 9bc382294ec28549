// Kernels of the graph optimiser's fused nodes that are not GEMMs (those run on gemm.cl with an
// epilogue) and not generated per chain (fused_ew, see FusedElementwiseSource).
// One work-item per output element or row; guard against the rounded-up global size.

// FusedGelu: 0.5 x (1 + erf(x / sqrt 2)).
__kernel void fused_gelu(__global const float* X, __global float* Y, int total) {
    const int i = get_global_id(0);
    if (i >= total) {
        return;
    }
    const float x = X[i];
    Y[i] = 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
}

// FusedAttention, step 2: softmax over each row of the scores [rows, cols], in place.
__kernel void softmax_rows(__global float* S, int rows, int cols) {
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global float* s = S + (long) r * cols;
    float m = -INFINITY;
    for (int j = 0; j < cols; j++) {
        m = fmax(m, s[j]);
    }
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        const float e = exp(s[j] - m);
        s[j] = e;
        sum += e;
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < cols; j++) {
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
