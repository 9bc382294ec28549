// Direct convolution for CPU devices, specialised per shape class through build options:
//   -DKH -DKW (kernel), -DSH -DSW (strides), -DDH -DDW (dilations), -DRM (output channels per
//   work-item), -DVW (output pixels per work-item, a vector width), plus the ACT epilogue.
// Pads, spatial sizes, channel counts and groups stay run-time arguments, so one build serves
// every layer of a shape class (resnet18 needs three: 7x7/2, 3x3/1, 3x3/2).
// The input is first copied into a zero-padded scratch (conv_pad), so the convolution itself has
// no border tests: each work-item computes RM output channels x VW consecutive output pixels of
// one row in VW-wide vector registers, and per (input channel, tap) one vector load of the
// padded row (a double-width load and a shuffle for stride 2) feeds RM multiply-adds. Lanes past
// the row's end read the next row (or the scratch's tail slack) and are never stored. No local
// memory and no barriers, which PoCL runs as slow work-item loops. Depthwise convolutions have
// their own kernels at the end of this file (same build options), without the padded copy.

#include "activation.clh"

#ifndef KH
#define KH 3
#endif
#ifndef KW
#define KW 3
#endif
#ifndef SH
#define SH 1
#endif
#ifndef SW
#define SW 1
#endif
#ifndef DH
#define DH 1
#endif
#ifndef DW
#define DW 1
#endif
#ifndef RM
#define RM 4
#endif
#ifndef VW
#define VW 8
#endif
#define CCAT_(a, b) a##b
#define CCAT(a, b) CCAT_(a, b)
#define floatV CCAT(float, VW)
#define vloadV CCAT(vload, VW)
#define vstoreV CCAT(vstore, VW)
#if VW == 4
#define vload2V vload8
#elif VW == 8
#define vload2V vload16
#endif

// Xp[plane][ih][iw] = X[plane][ih - pt][iw - pl], 0 in the padding and in the whole planes past
// the last one (the tail slack). Global (Wp, Hp, planes + tail planes): no integer division,
// which costs more than the copy on CPUs. g: s0 H, s1 W, s2 pad top, s3 pad left, s4 planes.
__kernel void conv_pad(__global const float* X, __global float* Xp, int8 g) {
    const int Wp = get_global_size(0), Hp = get_global_size(1);
    const int x = get_global_id(0), yy = get_global_id(1), plane = get_global_id(2);
    const int H = g.s0, W = g.s1;
    const int ih = yy - g.s2;
    const int iw = x - g.s3;
    float v = 0.0f;
    if (plane < g.s4 && ih >= 0 && ih < H && iw >= 0 && iw < W) {
        v = X[(plane * H + ih) * W + iw];
    }
    Xp[(plane * Hp + yy) * Wp + x] = v;
}

// VW input values row[q * SW], q < VW.
inline floatV conv_load(__global const float* row) {
#if SW == 1
    return vloadV(0, row);
#elif SW == 2 && defined(vload2V)
    return vload2V(0, row).even;
#else
    floatV v;
    for (int q = 0; q < VW; q++) {
        ((float*) &v)[q] = row[q * SW];
    }
    return v;
#endif
}

// VW input values row[q * SW], 0 for the lanes at or past `lim` (the end of the row); for the
// few blocks whose loads would run past the end of an unpadded input.
inline floatV conv_load_tail(__global const float* row, int lim) {
    floatV v;
    for (int q = 0; q < VW; q++) {
        ((float*) &v)[q] = q * SW < lim ? row[q * SW] : 0.0f;
    }
    return v;
}

// acc[r] += W[r][c][kh][kw] * x[c][kh][kw] over the group's input channels, LOAD giving the
// input vector of tap (kh, kw) at `src`.
#define CONV_TAPS(LOAD)                                                                        \
    __global const float* wp[RM];                                                              \
    _Pragma("unroll") for (int r = 0; r < RM; r++) {                                           \
        wp[r] = Wt + wOff[r];                                                                  \
    }                                                                                          \
    for (int c = 0; c < cg; c++) {                                                             \
        __global const float* xc = x + c * HW;                                                 \
        _Pragma("unroll") for (int kh = 0; kh < KH; kh++) {                                    \
            _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {                                \
                __global const float* src = xc + kh * DH * Wp + kw * DW;                       \
                const floatV xv = LOAD;                                                        \
                _Pragma("unroll") for (int r = 0; r < RM; r++) {                               \
                    acc[r] = fma((floatV) wp[r][kh * KW + kw], xv, acc[r]);                    \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
        _Pragma("unroll") for (int r = 0; r < RM; r++) {                                       \
            wp[r] += KH * KW;                                                                  \
        }                                                                                      \
    }

// Xp is the input [N, C, Hp, Wp], zero-padded by conv_pad when the Conv has pads (then with a
// tail slack, and xLen large), else the Conv's own input (xLen its length: the blocks whose
// loads would pass it take the guarded path). One work-item per output row and block of RM
// output channels, walking the row VW pixels at a time (so the index arithmetic of a work-item
// is paid once per row). Global (OH, ceil(Mg / RM), N * group); any local size.
// d: s0 C, s1 Hp, s2 Wp, s3 OH, s4 OW, s5 M, s6 group, s7 xLen.
__kernel void conv_direct(__global const float* Xp, __global const float* Wt, __global const float* bias,
                          int hasBias, __global float* Y, int8 d) {
    const int C = d.s0, Hp = d.s1, Wp = d.s2, OH = d.s3, OW = d.s4, M = d.s5, G = d.s6;
    const int cg = C / G;
    const int mg = M / G;
    const int oh = get_global_id(0);
    const int mi0 = get_global_id(1) * RM;
    const int grp = get_global_id(2) % G;
    const int n = get_global_id(2) / G;
    // Rows past the group's last channel repeat it (loads stay in bounds); they are not stored.
    int wOff[RM];
    float bv[RM];
    for (int r = 0; r < RM; r++) {
        const int m = grp * mg + min(mi0 + r, mg - 1);
        wOff[r] = m * cg * (KH * KW);
        bv[r] = hasBias ? bias[m] : 0.0f;
    }
    const int HW = Hp * Wp;
    const int OHW = OH * OW;
    const int xBase = (n * C + grp * cg) * HW + (oh * SH) * Wp;
    __global const float* xrow = Xp + xBase;
    // Furthest element a block's loads reach past its start, in the group's last channel.
    const int reach = (cg - 1) * HW + (KH - 1) * DH * Wp + (KW - 1) * DW + 2 * VW * SW;
    __global float* yrow = Y + (n * M + grp * mg + mi0) * OHW + oh * OW;
    const int rows = min(RM, mg - mi0);
    for (int owb = 0; owb < OW; owb += VW) {
        floatV acc[RM];
        for (int r = 0; r < RM; r++) {
            acc[r] = (floatV) bv[r];
        }
        __global const float* x = xrow + owb * SW;
        if ((long) xBase + owb * SW + reach <= d.s7) {
            CONV_TAPS(conv_load(src))
        } else {
            CONV_TAPS(conv_load_tail(src, Wp - (owb * SW + kw * DW)))
        }
        // Unrolled with a test rather than bounded by `rows`: a loop with a run-time bound would
        // index acc dynamically, which keeps the accumulators in memory rather than registers.
        _Pragma("unroll") for (int r = 0; r < RM; r++) {
            if (r >= rows) {
                break;
            }
            const floatV v = ACT_F(acc[r]);
            __global float* y = yrow + r * OHW + owb;
            if (owb + VW <= OW) {
                vstoreV(v, 0, y);
            } else {
                for (int q = 0; q < OW - owb; q++) {
                    y[q] = ((const float*) &v)[q];
                }
            }
        }
    }
}

// One depthwise output pixel (scalar), with every tap bounds-checked: the border columns.
inline float dw_pixel(__global const float* x, const float* wv, int H, int W, int ih0, int iw0) {
    float acc = 0.0f;
    _Pragma("unroll") for (int kh = 0; kh < KH; kh++) {
        const int ih = ih0 + kh * DH;
        if (ih < 0 || ih >= H) {
            continue;
        }
        _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
            const int iw = iw0 + kw * DW;
            if (iw >= 0 && iw < W) {
                acc = fma(wv[kh * KW + kw], x[ih * W + iw], acc);
            }
        }
    }
    return acc;
}

// Depthwise convolution (group == C, one input channel per group; M a multiple of C) on the
// input in place, no padded copy: output channel m reads input channel m / (M / C). One
// work-item per `rows` output rows of one output channel and image; global
// (ceil(OH / rows), M, N), any local size (several rows per work-item: fewer of PoCL's
// work-groups, each with a fixed cost, and the weights loaded once per band). A row splits into
// border columns (some tap falls outside the input: scalar, bounds-checked) and the interior,
// computed VW pixels at a time with one vector load per tap (double width and the even lanes
// for stride 2) and no tests but the row's. The interior's last block is shifted left to end
// at the interior's end (re-storing a few pixels) rather than falling back to scalar code. The
// taps' weights live in registers. p: the int16 geometry of conv.cl (ConvShape.packed).
__kernel void conv_depthwise_direct(__global const float* X, __global const float* Wt, __global const float* bias,
                                    int hasBias, __global float* Y, int rows, int16 p) {
    const int C = p.s0, H = p.s1, W = p.s2, OH = p.s5, OW = p.s6, M = p.sd;
    const int pt = p.s9, pl = p.sa;
    const int m = get_global_id(1);
    const int n = get_global_id(2);
    __global const float* x = X + (n * C + m / (M / C)) * H * W;
    float wv[KH * KW];
    _Pragma("unroll") for (int i = 0; i < KH * KW; i++) {
        wv[i] = Wt[m * (KH * KW) + i];
    }
    const float bv = hasBias ? bias[m] : 0.0f;
    // Interior: output columns [lo, hiStart + VW) whose VW-pixel blocks' loads stay inside the
    // row (for stride 2 the double-width load reaches 2 * VW - 1 past the block's first input).
#if SW == 2 && defined(vload2V)
    const int reach = (KW - 1) * DW + 2 * VW - 1;
#else
    const int reach = (KW - 1) * DW + (VW - 1) * SW;
#endif
    const int lo = min(OW, (pl + SW - 1) / SW);
    const int hiStart = (W - 1 - reach + pl) >= 0 ? (W - 1 - reach + pl) / SW : -1;
    const int oh1 = min(OH, (int) (get_global_id(0) + 1) * rows);
    for (int oh = get_global_id(0) * rows; oh < oh1; oh++) {
        const int ih0 = oh * SH - pt;
        __global float* y = Y + ((n * M + m) * OH + oh) * OW;
        int done = 0;
        if (hiStart >= lo) {
            for (int ow = 0; ow < lo; ow++) {
                y[ow] = ACT_F(dw_pixel(x, wv, H, W, ih0, ow * SW - pl) + bv);
            }
            for (int owb = lo;; owb += VW) {
                const int b = min(owb, hiStart);
                floatV acc = (floatV) bv;
                const int iw0 = b * SW - pl;
                _Pragma("unroll") for (int kh = 0; kh < KH; kh++) {
                    const int ih = ih0 + kh * DH;
                    if (ih < 0 || ih >= H) {
                        continue;
                    }
                    __global const float* row = x + ih * W + iw0;
                    _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
                        acc = fma((floatV) wv[kh * KW + kw], conv_load(row + kw * DW), acc);
                    }
                }
                vstoreV(ACT_F(acc), 0, y + b);
                if (b == hiStart) {
                    break;
                }
            }
            done = hiStart + VW;
        }
        for (int ow = done; ow < OW; ow++) {
            y[ow] = ACT_F(dw_pixel(x, wv, H, W, ih0, ow * SW - pl) + bv);
        }
    }
}

#ifndef DW_TILE
#define DW_TILE 4096
#endif

// VW local values row[q * SW], q < VW (conv_load for the tile).
inline floatV conv_load_local(__local const float* row) {
#if SW == 1
    return vloadV(0, row);
#elif SW == 2 && defined(vload2V)
    return vload2V(0, row).even;
#else
    floatV v;
    for (int q = 0; q < VW; q++) {
        ((float*) &v)[q] = row[q * SW];
    }
    return v;
#endif
}

// Depthwise convolution (as conv_depthwise_direct) through a local tile of DW_TILE floats: the
// work-item copies the input rows of a band of `rows` output rows into the tile, zero-padded
// and with the columns the last blocks' vector loads overreach, then computes the band VW
// pixels at a time with no border tests. On small planes (mobilenet's 7x7 to 56x56) the
// in-place kernel's scalar border columns were most of each row (7x7: 0.59 -> 0.20 ms,
// 14x14: 0.40 -> 0.24 ms on PoCL, 1 thread). Local size 1; global (ceil(OH / rows), M, N).
// The host (ConvLaunchers.dwTile) picks the tile pitch tw and rows so the band fits.
__kernel void conv_depthwise_tile(__global const float* X, __global const float* Wt, __global const float* bias,
                                  int hasBias, __global float* Y, int tw, int rows, int16 p) {
    __local float tile[DW_TILE];
    const int C = p.s0, H = p.s1, W = p.s2, OH = p.s5, OW = p.s6, M = p.sd;
    const int pt = p.s9, pl = p.sa;
    const int oh0 = get_global_id(0) * rows;
    const int m = get_global_id(1);
    const int n = get_global_id(2);
    const int oh1 = min(OH, oh0 + rows);
    const int th = (oh1 - oh0 - 1) * SH + (KH - 1) * DH + 1;
    const int ihb = oh0 * SH - pt;
    __global const float* x = X + (n * C + m / (M / C)) * H * W;
    // Interior columns of a tile row: [pl, pl + W) clipped to the pitch, VW at a time.
    const int wIn = min(W, tw - pl);
    for (int yy = 0; yy < th; yy++) {
        const int ih = ihb + yy;
        __local float* trow = tile + yy * tw;
        if (ih < 0 || ih >= H) {
            for (int xx = 0; xx < tw; xx++) {
                trow[xx] = 0.0f;
            }
            continue;
        }
        __global const float* xr = x + ih * W;
        for (int xx = 0; xx < pl; xx++) {
            trow[xx] = 0.0f;
        }
        int iw = 0;
        for (; iw + VW <= wIn; iw += VW) {
            vstoreV(vloadV(0, xr + iw), 0, trow + pl + iw);
        }
        for (; iw < wIn; iw++) {
            trow[pl + iw] = xr[iw];
        }
        for (int xx = pl + wIn; xx < tw; xx++) {
            trow[xx] = 0.0f;
        }
    }
    float wv[KH * KW];
    _Pragma("unroll") for (int i = 0; i < KH * KW; i++) {
        wv[i] = Wt[m * (KH * KW) + i];
    }
    const float bv = hasBias ? bias[m] : 0.0f;
    __global float* yp = Y + (n * M + m) * OH * OW;
    for (int oh = oh0; oh < oh1; oh++) {
        __local const float* trow = tile + (oh - oh0) * SH * tw;
        __global float* y = yp + oh * OW;
        for (int ob = 0; ob < OW; ob += VW) {
            floatV acc = (floatV) bv;
            _Pragma("unroll") for (int kh = 0; kh < KH; kh++) {
                _Pragma("unroll") for (int kw = 0; kw < KW; kw++) {
                    acc = fma((floatV) wv[kh * KW + kw], conv_load_local(trow + kh * DH * tw + ob * SW + kw * DW), acc);
                }
            }
            const floatV v = ACT_F(acc);
            if (ob + VW <= OW) {
                vstoreV(v, 0, y + ob);
            } else {
                for (int q = 0; q < OW - ob; q++) {
                    y[ob + q] = ((const float*) &v)[q];
                }
            }
        }
    }
}
