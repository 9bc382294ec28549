// clinfer: float32 elementwise ops (see ElementwiseLaunchers).
// One template: the launcher builds it with -DOP_<NAME> (e.g. -DOP_ADD, -DOP_SIGMOID), which picks
// the body of UNARY(x) or BINARY(a, b). Attribute values (alpha, beta, clip bounds...) are kernel
// arguments, so one build serves every node of that op type.
//
// Index vectors (int8) hold dims and strides innermost first (s0 = last dim); rank <= 8 after the
// launcher merged contiguous dims.

// Decomposes flat index r over `dims` (innermost first) and accumulates per-input offsets.
#define DIM_STEP2(k) if (k < rank) { int d_ = dims.s##k; int c_ = r % d_; r /= d_; oa += c_ * sa.s##k; ob += c_ * sb.s##k; }
#define DIM_STEP3(k) if (k < rank) { int d_ = dims.s##k; int c_ = r % d_; r /= d_; oa += c_ * sa.s##k; ob += c_ * sb.s##k; oc += c_ * sc.s##k; }

// ---- unary bodies: x is the input, a and b are the op's two float parameters ----
inline float unary_op(float x, float a, float b) {
#if defined(OP_RELU)
    return x < 0.0f ? 0.0f : x;
#elif defined(OP_LEAKYRELU)
    return x < 0.0f ? a * x : x;
#elif defined(OP_ELU)
    return x < 0.0f ? a * expm1(x) : x;
#elif defined(OP_SELU)
    // a = alpha, b = gamma
    return x > 0.0f ? b * x : b * (a * exp(x) - a);
#elif defined(OP_CELU)
    return fmax(0.0f, x) + fmin(0.0f, a * expm1(x / a));
#elif defined(OP_THRESHOLDEDRELU)
    return x > a ? x : 0.0f;
#elif defined(OP_SIGMOID)
    if (x >= 0.0f) {
        return 1.0f / (1.0f + exp(-x));
    }
    float e = exp(x);
    return e / (1.0f + e);
#elif defined(OP_HARDSIGMOID)
    float v = a * x + b;
    return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
#elif defined(OP_HARDSWISH)
    float v = x / 6.0f + 0.5f;
    return x * (v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v));
#elif defined(OP_TANH)
    return tanh(x);
#elif defined(OP_SOFTPLUS)
    return x > 0.0f ? x + log1p(exp(-x)) : log1p(exp(x));
#elif defined(OP_SOFTSIGN)
    return x / (1.0f + fabs(x));
#elif defined(OP_MISH)
    float sp = x > 0.0f ? x + log1p(exp(-x)) : log1p(exp(x));
    return x * tanh(sp);
#elif defined(OP_GELU)
    return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
#elif defined(OP_GELU_TANH)
    return 0.5f * x * (1.0f + tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
#elif defined(OP_SHRINK)
    // a = lambd, b = bias
    return x < -a ? x + b : (x > a ? x - b : 0.0f);
#elif defined(OP_CLIP)
    // As min(max(x, lo), hi): NaN stays NaN, and lo > hi gives hi.
    float t = x < a ? a : x;
    return t > b ? b : t;
#elif defined(OP_MEANDIV)
    // Mean's last step: the sum over a inputs, divided by a.
    return x / a;
#elif defined(OP_EXP)
    return exp(x);
#elif defined(OP_LOG)
    return log(x);
#elif defined(OP_SQRT)
    return sqrt(x);
#elif defined(OP_ABS)
    return fabs(x);
#elif defined(OP_NEG)
    return -x;
#elif defined(OP_RECIPROCAL)
    return 1.0f / x;
#elif defined(OP_FLOOR)
    return floor(x);
#elif defined(OP_CEIL)
    return ceil(x);
#elif defined(OP_ROUND)
    return rint(x);
#elif defined(OP_SIGN)
    return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
#elif defined(OP_ERF)
    return erf(x);
#elif defined(OP_SIN)
    return sin(x);
#elif defined(OP_COS)
    return cos(x);
#elif defined(OP_TAN)
    return tan(x);
#elif defined(OP_ASIN)
    return asin(x);
#elif defined(OP_ACOS)
    return acos(x);
#elif defined(OP_ATAN)
    return atan(x);
#elif defined(OP_SINH)
    return sinh(x);
#elif defined(OP_COSH)
    return cosh(x);
#elif defined(OP_ASINH)
    return asinh(x);
#elif defined(OP_ACOSH)
    return acosh(x);
#elif defined(OP_ATANH)
    return atanh(x);
#else
    return x;
#endif
}

// ---- binary bodies ----
inline float binary_op(float a, float b) {
#if defined(OP_ADD) || defined(OP_SUM)
    return a + b;
#elif defined(OP_SUB)
    return a - b;
#elif defined(OP_MUL)
    return a * b;
#elif defined(OP_DIV)
    return a / b;
#elif defined(OP_POW)
    // x*x is what a correctly rounded pow gives for exponent 2 (the common case: variance).
    return b == 2.0f ? a * a : (b == 1.0f ? a : pow(a, b));
#elif defined(OP_MAX)
    return (isnan(a) || isnan(b)) ? a + b : fmax(a, b);
#elif defined(OP_MIN)
    return (isnan(a) || isnan(b)) ? a + b : fmin(a, b);
#elif defined(OP_PRELU)
    return a < 0.0f ? b * a : a;
#else
    return a;
#endif
}

/** y[i] = UNARY(x[i]) for i < n. */
__kernel void unary(__global const float* x, __global float* y, int n, float a, float b) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = unary_op(x[i], a, b);
}

/** Equal shapes (sa = sb = 1) or a scalar side (stride 0): y[i] = BINARY(a[i*sa], b[i*sb]). */
__kernel void binary_flat(__global const float* a, __global const float* b, __global float* y, int n, int sa, int sb) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = binary_op(a[i * sa], b[i * sb]);
}

/** Numpy broadcasting: per-dim strides of a and b (0 where broadcast) over the output dims. */
__kernel void binary_bcast(__global const float* a, __global const float* b, __global float* y, int n, int rank,
                           int8 dims, int8 sa, int8 sb) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int r = i;
    int oa = 0;
    int ob = 0;
    DIM_STEP2(0) DIM_STEP2(1) DIM_STEP2(2) DIM_STEP2(3) DIM_STEP2(4) DIM_STEP2(5) DIM_STEP2(6) DIM_STEP2(7)
    y[i] = binary_op(a[oa], b[ob]);
}

/** Where: y = cond ? x : y with three-way broadcasting (cond is bool bytes). */
__kernel void where_bcast(__global const uchar* c, __global const float* xa, __global const float* xb,
                          __global float* y, int n, int rank, int8 dims, int8 sc, int8 sa, int8 sb) {
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int r = i;
    int oa = 0;
    int ob = 0;
    int oc = 0;
    DIM_STEP3(0) DIM_STEP3(1) DIM_STEP3(2) DIM_STEP3(3) DIM_STEP3(4) DIM_STEP3(5) DIM_STEP3(6) DIM_STEP3(7)
    y[i] = c[oc] != 0 ? xa[oa] : xb[ob];
}
