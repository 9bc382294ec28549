// ConvTranspose for CPU devices when every output pixel has exactly one tap per input channel:
// kernel == stride, dilation 1 (ppocr_det's 2x2 stride-2 upsampling deconvs). Output row oh
// (shifted by the leading pad, th = oh + pad top) takes kernel row th % KH of input row th / KH,
// and in that row output column iw * KW + kw - pad left takes tap kw of input column iw. So a
// work-item computes one output row for RM output channels: per VW input columns and input
// channel, one vector load of the input row feeds KW * RM multiply-adds into KW * RM vector
// accumulators, which are then interleaved into KW * VW consecutive output columns. The
// conv.cl gather did the same arithmetic with one strided scalar load per multiply-add.
// Build options: -DKH -DKW (kernel = stride), -DRM (output channels per work-item), -DVW.
// Pads may cut into the result; output_padding / output_shape may extend it past the input's
// reach, and those pixels get the bias alone.

#ifndef KH
#define KH 2
#endif
#ifndef KW
#define KW 2
#endif
#ifndef RM
#define RM 8
#endif
#ifndef VW
#define VW 8
#endif
#define TCAT_(a, b) a##b
#define TCAT(a, b) TCAT_(a, b)
#define floatV TCAT(float, VW)
#define vloadV TCAT(vload, VW)

// X [N, C, H, W], W [C, M / group, KH, KW], Y [N, M, OH, OW]. Global (OH, ceil(Mg / RM),
// N * group), any local size. p: the int16 geometry of conv.cl (ConvShape.packed).
__kernel void conv_transpose_tap(__global const float* X, __global const float* Wt, __global const float* bias,
                                 int hasBias, __global float* Y, int16 p) {
    const int C = p.s0, H = p.s1, W = p.s2, OH = p.s5, OW = p.s6, M = p.sd, G = p.se;
    const int pt = p.s9, pl = p.sa;
    const int cg = C / G;
    const int mg = M / G;
    const int oh = get_global_id(0);
    const int mi0 = get_global_id(1) * RM;
    const int grp = get_global_id(2) % G;
    const int n = get_global_id(2) / G;
    const int rows = min(RM, mg - mi0);
    const int OHW = OH * OW;
    __global float* yrow = Y + ((n * M + grp * mg + mi0) * OH + oh) * OW;
    float bv[RM];
    for (int r = 0; r < RM; r++) {
        bv[r] = hasBias ? bias[grp * mg + min(mi0 + r, mg - 1)] : 0.0f;
    }
    const int th = oh + pt;
    // Output columns [c0, c1) are reached by the input; the rest get the bias.
    int c0 = max(0, -pl);
    int c1 = min(OW, W * KW - pl);
    if (th < 0 || th >= H * KH) {
        c0 = 0;
        c1 = 0;
    }
    for (int r = 0; r < rows; r++) {
        for (int ow = 0; ow < min(c0, OW); ow++) {
            yrow[r * OHW + ow] = bv[r];
        }
        for (int ow = max(c1, 0); ow < OW; ow++) {
            yrow[r * OHW + ow] = bv[r];
        }
    }
    if (c0 >= c1) {
        return;
    }
    const int ih = th / KH;
    const int kh = th - ih * KH;
    const int HW = H * W;
    __global const float* x = X + ((n * C + grp * cg) * H + ih) * W;
    // Channels past the group's last repeat it (loads stay in bounds); they are not stored.
    int wOff[RM];
    for (int r = 0; r < RM; r++) {
        wOff[r] = (grp * cg * mg + min(mi0 + r, mg - 1)) * (KH * KW) + kh * KW;
    }
    const int wcs = mg * KH * KW;
    for (int iw0 = 0; iw0 < W; iw0 += VW) {
        // One pointer per output channel, advanced per input channel: each FMA's broadcast
        // weight is then base + constant (PoCL spilled per-tap indices otherwise).
        __global const float* wp[RM];
        _Pragma("unroll") for (int r = 0; r < RM; r++) {
            wp[r] = Wt + wOff[r];
        }
        floatV acc[KW][RM];
        _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
            _Pragma("unroll") for (int r = 0; r < RM; r++) {
                acc[kw][r] = (floatV) bv[r];
            }
        }
        const bool full = iw0 + VW <= W;
        for (int c = 0; c < cg; c++) {
            __global const float* xc = x + c * HW + iw0;
            floatV xv;
            if (full) {
                xv = vloadV(0, xc);
            } else {
                for (int q = 0; q < VW; q++) {
                    ((float*) &xv)[q] = iw0 + q < W ? xc[q] : 0.0f;
                }
            }
            _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
                _Pragma("unroll") for (int r = 0; r < RM; r++) {
                    acc[kw][r] = fma((floatV) wp[r][kw], xv, acc[kw][r]);
                }
            }
            _Pragma("unroll") for (int r = 0; r < RM; r++) {
                wp[r] += wcs;
            }
        }
        // Output column (iw0 + q) * KW + kw - pl; the whole block is inside [c0, c1) when
        // its first and last columns are.
        const int ob = iw0 * KW - pl;
        const bool inside = full && ob >= c0 && ob + VW * KW <= c1;
        // Unrolled with a test (a run-time bound would index acc dynamically, in memory).
        _Pragma("unroll") for (int r = 0; r < RM; r++) {
            if (r >= rows) {
                break;
            }
            __global float* y = yrow + r * OHW + ob;
#if KW == 2 && VW == 8
            if (inside) {
                vstore16(shuffle2(acc[0][r], acc[1][r], (uint16)(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15)),
                         0, y);
                continue;
            }
#elif KW == 2 && VW == 4
            if (inside) {
                vstore8(shuffle2(acc[0][r], acc[1][r], (uint8)(0, 4, 1, 5, 2, 6, 3, 7)), 0, y);
                continue;
            }
#elif KW == 1
            if (inside) {
                TCAT(vstore, VW)(acc[0][r], 0, y);
                continue;
            }
#endif
            for (int q = 0; q < VW; q++) {
                _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
                    const int ow = ob + q * KW + kw;
                    if (iw0 + q < W && ow >= c0 && ow < c1) {
                        y[q * KW + kw] = ((const float*) &acc[kw][r])[q];
                    }
                }
            }
        }
    }
}
