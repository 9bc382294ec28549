// Batched float32 GEMM: Y[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b]  (C optional).
//
// Every operand is addressed through element strides, so one build covers plain, transposed
// and broadcast operands (a stride of 0 repeats a row, column or batch):
//   A(i, k) = A[aOff + batchA + i * sAm + k * sAk]
//   B(k, j) = B[bOff + batchB + k * sBk + j * sBn]
//   C(i, j) = C[cOff + batchC + i * sCm + j * sCn]
//   Y(i, j) = Y[yOff + b * M * N + i * N + j]            (Y is always dense)
// Geometry g: s0 M, s1 N, s2 K, s3 sAm, s4 sAk, s5 sBk, s6 sBn, s7 sCm, s8 sCn, s9 hasC.
// Batch bt: s0..s3 output batch dims (s3 innermost), s4..s7 A batch strides, s8..s11 B batch
// strides, s12..s15 C batch strides. The batch index is global dim 2.
//
// Kernels: gemm_direct (one output per work-item: thin products), gemm_tiled (local-memory
// tiles, for GPUs) and, from gemm_cpu.clh, the register-blocked CPU kernels.
// Tile macros of gemm_tiled (GPU option string): TSM x TSN outputs per work-group, TSK deep
// slices of K staged in local memory, WPTM x WPTN outputs per work-item. The CPU kernels' VW,
// NV and RM are picked per device by the auto-tuner.

// The activation epilogue (ACT_F) shared with the other GEMM-based kernels.
#include "activation.clh"

#ifndef TSM
#define TSM 64
#endif
#ifndef TSN
#define TSN 64
#endif
#ifndef TSK
#define TSK 16
#endif
#ifndef WPTM
#define WPTM 4
#endif
#ifndef WPTN
#define WPTN 4
#endif
#define RTSM (TSM / WPTM)
#define RTSN (TSN / WPTN)
#define NTHREADS (RTSM * RTSN)

// Element offsets of batch b in A, B and C.
inline int4 batch_offsets(int b, int16 bt) {
    int i3 = b % bt.s3;
    b /= bt.s3;
    int i2 = b % bt.s2;
    b /= bt.s2;
    int i1 = b % bt.s1;
    int i0 = b / bt.s1;
    int4 o;
    o.x = i0 * bt.s4 + i1 * bt.s5 + i2 * bt.s6 + i3 * bt.s7;
    o.y = i0 * bt.s8 + i1 * bt.s9 + i2 * bt.sa + i3 * bt.sb;
    o.z = i0 * bt.sc + i1 * bt.sd + i2 * bt.se + i3 * bt.sf;
    o.w = 0;
    return o;
}

// One output per work-item: for thin or small products (M or N small, vectors, attention
// heads), where tiles would mostly be padding. Global (N, M, batches), any local size.
__kernel void gemm_direct(__global const float* A, int aOff, __global const float* B, int bOff,
                          __global const float* C, int cOff, __global float* Y, int yOff,
                          int16 g, int16 bt, float alpha, float beta) {
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    const int b = get_global_id(2);
    const int M = g.s0, N = g.s1, K = g.s2;
    if (i >= M || j >= N) {
        return;
    }
    const int4 bo = batch_offsets(b, bt);
    __global const float* a = A + aOff + bo.x + i * g.s3;
    __global const float* bp = B + bOff + bo.y + j * g.s6;
    const int sAk = g.s4, sBk = g.s5;
    float acc0 = 0.0f, acc1 = 0.0f;
    int k = 0;
    // Two chains shorten the dependency on the running sum.
    for (; k + 1 < K; k += 2) {
        acc0 = mad(a[k * sAk], bp[k * sBk], acc0);
        acc1 = mad(a[(k + 1) * sAk], bp[(k + 1) * sBk], acc1);
    }
    if (k < K) {
        acc0 = mad(a[k * sAk], bp[k * sBk], acc0);
    }
    float v = alpha * (acc0 + acc1);
    if (g.s9) {
        v += beta * C[cOff + bo.z + i * g.s7 + j * g.s8];
    }
    Y[yOff + b * M * N + i * N + j] = ACT_F(v);
}

// Tiled: global (ceil(N / TSN) * RTSN, ceil(M / TSM) * RTSM, batches), local (RTSN, RTSM, 1).
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm_tiled(__global const float* A, int aOff, __global const float* B, int bOff,
                __global const float* C, int cOff, __global float* Y, int yOff,
                int16 g, int16 bt, float alpha, float beta) {
    __local float As[TSK][TSM];
    __local float Bs[TSK][TSN];
    const int tn = get_local_id(0);
    const int tm = get_local_id(1);
    const int tid = tm * RTSN + tn;
    const int j0 = get_group_id(0) * TSN;
    const int i0 = get_group_id(1) * TSM;
    const int b = get_global_id(2);
    const int M = g.s0, N = g.s1, K = g.s2;
    const int sAm = g.s3, sAk = g.s4, sBk = g.s5, sBn = g.s6;
    const int4 bo = batch_offsets(b, bt);
    __global const float* a = A + aOff + bo.x;
    __global const float* bp = B + bOff + bo.y;
    // Walk each tile along the operand's unit-stride direction so loads are contiguous.
    const bool aAlongK = sAk == 1;
    const bool bAlongN = sBn == 1 || sBk != 1;

    float acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < K; k0 += TSK) {
        for (int l = tid; l < TSK * TSM; l += NTHREADS) {
            int kk = aAlongK ? l % TSK : l / TSM;
            int ii = aAlongK ? l / TSK : l % TSM;
            int gi = i0 + ii, gk = k0 + kk;
            As[kk][ii] = (gi < M && gk < K) ? a[gi * sAm + gk * sAk] : 0.0f;
        }
        for (int l = tid; l < TSK * TSN; l += NTHREADS) {
            int kk = bAlongN ? l / TSN : l % TSK;
            int jj = bAlongN ? l % TSN : l / TSK;
            int gj = j0 + jj, gk = k0 + kk;
            Bs[kk][jj] = (gj < N && gk < K) ? bp[gk * sBk + gj * sBn] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TSK; kk++) {
            float ar[WPTM];
            float br[WPTN];
            for (int wm = 0; wm < WPTM; wm++) {
                ar[wm] = As[kk][tm + wm * RTSM];
            }
            for (int wn = 0; wn < WPTN; wn++) {
                br[wn] = Bs[kk][tn + wn * RTSN];
            }
            for (int wm = 0; wm < WPTM; wm++) {
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] = mad(ar[wm], br[wn], acc[wm][wn]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global float* y = Y + yOff + b * M * N;
    const bool hasC = g.s9 != 0;
    for (int wm = 0; wm < WPTM; wm++) {
        int i = i0 + tm + wm * RTSM;
        if (i >= M) {
            continue;
        }
        for (int wn = 0; wn < WPTN; wn++) {
            int j = j0 + tn + wn * RTSN;
            if (j < N) {
                float v = alpha * acc[wm][wn];
                if (hasC) {
                    v += beta * C[cOff + bo.z + i * g.s7 + j * g.s8];
                }
                y[i * N + j] = ACT_F(v);
            }
        }
    }
}

// Register-blocked kernels for CPU devices (PoCL): gemm_cpu, gemm_cpu_packed, gemm_pack_b.
#include "gemm_cpu.clh"
