// 2-D convolutions, NCHW float32 (1-D convolutions arrive as H = 1). The GEMM-shaped parts
// (1x1 convolutions, im2col products) run on gemm.cl; this file holds the rest.
//
// Geometry p (int16) shared by every kernel:
//   s0 C (input channels), s1 H, s2 W (input spatial), s3 KH, s4 KW, s5 OH, s6 OW,
//   s7 stride h, s8 stride w, s9 pad top, sa pad left, sb dilation h, sc dilation w,
//   sd M (output channels), se group, sf images in this launch.
// One work-item per output element (1-D global, width fastest); guard i < total.

// The activation epilogue (ACT_F) shared with the other GEMM-based kernels.
#include "activation.clh"

// col[n][c * KH * KW + kh * KW + kw][oh * OW + ow] = X[n][c][ih][iw] (0 in the padding): the
// B operand of conv-as-GEMM, dense [N, G, C/G * KH * KW, OH * OW].
__kernel void im2col(__global const float* X, int xOff, __global float* col, int total, int16 p) {
    const int idx = get_global_id(0);
    if (idx >= total) {
        return;
    }
    const int C = p.s0, H = p.s1, W = p.s2, KH = p.s3, KW = p.s4, OH = p.s5, OW = p.s6;
    int t = idx;
    const int ow = t % OW;
    t /= OW;
    const int oh = t % OH;
    t /= OH;
    const int kw = t % KW;
    t /= KW;
    const int kh = t % KH;
    t /= KH;
    const int c = t % C;
    const int n = t / C;
    const int ih = oh * p.s7 - p.s9 + kh * p.sb;
    const int iw = ow * p.s8 - p.sa + kw * p.sc;
    float v = 0.0f;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
        v = X[xOff + ((n * C + c) * H + ih) * W + iw];
    }
    col[idx] = v;
}

// Depthwise (group == C, one input channel per group; M may be a multiple of C): output
// channel m reads input channel m / (M / C).
__kernel void conv_depthwise(__global const float* X, __global const float* Wt, __global const float* bias,
                             int hasBias, __global float* Y, int total, int16 p) {
    const int idx = get_global_id(0);
    if (idx >= total) {
        return;
    }
    const int C = p.s0, H = p.s1, W = p.s2, KH = p.s3, KW = p.s4, OH = p.s5, OW = p.s6, M = p.sd;
    int t = idx;
    const int ow = t % OW;
    t /= OW;
    const int oh = t % OH;
    t /= OH;
    const int m = t % M;
    const int n = t / M;
    const int c = m / (M / C);
    __global const float* x = X + (n * C + c) * H * W;
    __global const float* w = Wt + m * KH * KW;
    const int ih0 = oh * p.s7 - p.s9;
    const int iw0 = ow * p.s8 - p.sa;
    float acc = 0.0f;
    for (int kh = 0; kh < KH; kh++) {
        const int ih = ih0 + kh * p.sb;
        if (ih < 0 || ih >= H) {
            continue;
        }
        for (int kw = 0; kw < KW; kw++) {
            const int iw = iw0 + kw * p.sc;
            if (iw >= 0 && iw < W) {
                acc = mad(x[ih * W + iw], w[kh * KW + kw], acc);
            }
        }
    }
    if (hasBias) {
        acc += bias[m];
    }
    Y[idx] = ACT_F(acc);
}

// ConvTranspose as a gather (no atomics, deterministic): output (n, m, oh, ow) sums X[n][c][ih][iw]
// * W[c][m % mg][kh][kw] over the input channels c of m's group and the taps with
// ih * stride + kh * dilation - pad == oh. W is [C, M / group, KH, KW]; p.s9 / p.sa are the
// leading pads cut from the full result.
__kernel void conv_transpose(__global const float* X, __global const float* Wt, __global const float* bias,
                             int hasBias, __global float* Y, int total, int16 p) {
    const int idx = get_global_id(0);
    if (idx >= total) {
        return;
    }
    const int C = p.s0, H = p.s1, W = p.s2, KH = p.s3, KW = p.s4, OH = p.s5, OW = p.s6, M = p.sd;
    const int sh = p.s7, sw = p.s8, dh = p.sb, dw = p.sc;
    const int mg = M / p.se;
    const int cg = C / p.se;
    int t = idx;
    const int ow = t % OW;
    t /= OW;
    const int oh = t % OH;
    t /= OH;
    const int m = t % M;
    const int n = t / M;
    const int grp = m / mg;
    const int mm = m - grp * mg;
    const int HW = H * W;
    const int wcs = mg * KH * KW;
    __global const float* x = X + (n * C + grp * cg) * HW;
    __global const float* w = Wt + (grp * cg * mg + mm) * KH * KW;
    float acc = 0.0f;
    for (int kh = 0; kh < KH; kh++) {
        const int th = oh + p.s9 - kh * dh;
        if (th < 0 || th % sh != 0) {
            continue;
        }
        const int ih = th / sh;
        if (ih >= H) {
            continue;
        }
        for (int kw = 0; kw < KW; kw++) {
            const int tw = ow + p.sa - kw * dw;
            if (tw < 0 || tw % sw != 0) {
                continue;
            }
            const int iw = tw / sw;
            if (iw >= W) {
                continue;
            }
            const int xo = ih * W + iw;
            const int wo = kh * KW + kw;
            for (int c = 0; c < cg; c++) {
                acc = mad(x[c * HW + xo], w[c * wcs + wo], acc);
            }
        }
    }
    if (hasBias) {
        acc += bias[m];
    }
    Y[idx] = acc;
}

