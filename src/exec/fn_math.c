/*
 * fn_math.c: kernels of the mathematical scalar functions (ABS .. TRUNC),
 * with ksqlDB's (Java's) semantics.
 *
 * Functions whose every overload returns DOUBLE take DOUBLE arguments (the
 * compiler converts INT, BIGINT and DECIMAL first: WR_FN_TO_DOUBLE), so
 * their kernels are one tight loop each. ABS, CEIL, FLOOR, ROUND, TRUNC,
 * GREATEST and LEAST keep their argument's type and switch on it once,
 * outside the row loop. Rounding follows ksqlDB: ROUND(DOUBLE) is Java's
 * Math.round (ties toward positive infinity), ROUND with decimal places goes
 * through BigDecimal.valueOf (the shortest decimal text of the double) and
 * rounds ties away from zero for positive values and toward zero for
 * negative ones; TRUNC rounds toward zero. RANDOM keeps a per-thread
 * generator. Nothing here allocates.
 */
#include "exec/fn_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/decimal.h"

#define ARGS                                                                   \
    wr_fnctx *f, const wr_col *args, int nargs, const wr_batch *b, wr_col *out

/* One DOUBLE argument, DOUBLE result. */
#define MATH1(fname, expr)                                                     \
    static void fname(ARGS)                                                    \
    {                                                                          \
        (void)f;                                                               \
        (void)nargs;                                                           \
        const double *x_ = WR_COL_F64(&args[0]);                               \
        double *o_ = WR_COL_F64(out);                                          \
        WR_FOR_SEL(b, i)                                                       \
        {                                                                      \
            double v = x_[i];                                                  \
            o_[i] = (expr);                                                    \
        }                                                                      \
        wr_fn_nulls(out, &args[0], NULL, b);                                   \
    }

/* Two DOUBLE arguments, DOUBLE result. */
#define MATH2(fname, expr)                                                     \
    static void fname(ARGS)                                                    \
    {                                                                          \
        (void)f;                                                               \
        (void)nargs;                                                           \
        const double *x_ = WR_COL_F64(&args[0]), *y_ = WR_COL_F64(&args[1]);   \
        double *o_ = WR_COL_F64(out);                                          \
        WR_FOR_SEL(b, i)                                                       \
        {                                                                      \
            double v = x_[i], w = y_[i];                                       \
            o_[i] = (expr);                                                    \
        }                                                                      \
        wr_fn_nulls(out, &args[0], &args[1], b);                               \
    }

/* cbrt with one Newton step in long double, so that exact cubes give
 * exact roots as Java's Math.cbrt does (glibc's may be 1 ulp off). */
static double cbrt_java(double v)
{
    double r = cbrt(v);
    if (r == 0 || !isfinite(r))
        return r;
    long double x = r;
    x -= (x * x * x - (long double)v) / (3 * x * x);
    return (double)x;
}

static const double RAD2DEG = 57.2957795130823208768;
static const double DEG2RAD = 0.017453292519943295;

MATH1(k_acos, acos(v))
MATH1(k_asin, asin(v))
MATH1(k_atan, atan(v))
MATH1(k_cbrt, cbrt_java(v))
MATH1(k_cos, cos(v))
MATH1(k_cosh, cosh(v))
MATH1(k_cot, 1.0 / tan(v))
MATH1(k_degrees, v *RAD2DEG)
MATH1(k_exp, exp(v))
MATH1(k_ln, log(v))
MATH1(k_radians, v *DEG2RAD)
MATH1(k_sin, sin(v))
MATH1(k_sinh, sinh(v))
MATH1(k_sqrt, sqrt(v))
MATH1(k_tan, tan(v))
MATH1(k_tanh, tanh(v))
MATH2(k_atan2, atan2(v, w))
MATH2(k_power, pow(v, w))
MATH2(k_log2, (v <= 0 || v == 1) ? NAN : log(w) / log(v))

/* LOG(x) or LOG(base, x). */
static void k_log(ARGS)
{
    if (nargs == 2)
        k_log2(f, args, nargs, b, out);
    else
        k_ln(f, args, nargs, b, out);
}

static void k_pi(ARGS)
{
    (void)f, (void)args, (void)nargs;
    double *o = WR_COL_F64(out);
    WR_FOR_SEL(b, i)
    {
        o[i] = 3.141592653589793;
        wr_col_set_null(out, i, false);
    }
}

static _Thread_local uint64_t rng_state;

/* Java's Math.random(): uniform in [0, 1), here from a per-thread
 * xorshift64* generator seeded from the clock. */
static void k_random(ARGS)
{
    (void)f, (void)args, (void)nargs;
    if (!rng_state) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rng_state = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
                    (uint64_t)(uintptr_t)&rng_state;
        if (!rng_state)
            rng_state = 0x9E3779B97F4A7C15ull;
    }
    double *o = WR_COL_F64(out);
    WR_FOR_SEL(b, i)
    {
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        uint64_t r = rng_state * 0x2545F4914F6CDD1Dull;
        o[i] = (double)(r >> 11) * 0x1.0p-53;
        wr_col_set_null(out, i, false);
    }
}

/* SIGN over DOUBLE (the compiler converts the other types). */
static void k_sign(ARGS)
{
    (void)f, (void)nargs;
    const double *x = WR_COL_F64(&args[0]);
    int32_t *o = WR_COL_I32(out);
    WR_FOR_SEL(b, i) o[i] = (x[i] > 0) - (x[i] < 0);
    wr_fn_nulls(out, &args[0], NULL, b);
}

/* ---- same-type functions ------------------------------------------------ */

enum { R_HALF_UP, R_HALF_DOWN, R_DOWN, R_CEIL, R_FLOOR };

/*
 * Rounds u (scale s) to n decimal places (n may be negative) with mode, and
 * returns it at scale `to` (>= n when n >= 0) within precision p; false on
 * overflow.
 */
static bool dec_round(wr_i128 u, int s, int n, int mode, int to, int p,
                      wr_i128 *out)
{
    wr_i128 q = u;
    int qs = s; /* scale of q */
    if (n < s) {
        int k = s - n;
        wr_i128 r;
        if (k > 38) {
            q = 0;
            r = u;
        } else {
            wr_i128 d = wr_dec_pow10(k);
            q = u / d;
            r = u % d;
            wr_i128 half2 = (r < 0 ? -r : r) * 2;
            int sg = u < 0 ? -1 : 1;
            switch (mode) {
            case R_HALF_UP:
                if (half2 >= d)
                    q += sg;
                break;
            case R_HALF_DOWN:
                if (half2 > d)
                    q += sg;
                break;
            case R_CEIL:
                if (r > 0)
                    q += 1;
                break;
            case R_FLOOR:
                if (r < 0)
                    q -= 1;
                break;
            default:
                break;
            }
            r = 0;
        }
        if (k > 38) {
            if (mode == R_CEIL && r > 0)
                q = 1;
            else if (mode == R_FLOOR && r < 0)
                q = -1;
        }
        qs = n;
    }
    /* q is at scale qs (possibly negative); bring it to `to`. */
    if (q == 0) {
        *out = 0;
        return true;
    }
    int up = to - qs;
    if (up < 0 || up > 38)
        return false;
    return wr_dec_rescale(q, 0, up, p, out);
}

static void k_abs(ARGS)
{
    (void)f, (void)nargs;
    const wr_col *a = &args[0];
    switch (out->type->kind) {
    case WR_T_INT: {
        const int32_t *x = WR_COL_I32(a);
        int32_t *o = WR_COL_I32(out);
        WR_FOR_SEL(b, i)
        o[i] = x[i] < 0 ? (int32_t)(0u - (uint32_t)x[i]) : x[i];
        break;
    }
    case WR_T_BIGINT: {
        const int64_t *x = WR_COL_I64(a);
        int64_t *o = WR_COL_I64(out);
        WR_FOR_SEL(b, i)
        o[i] = x[i] < 0 ? (int64_t)(0u - (uint64_t)x[i]) : x[i];
        break;
    }
    case WR_T_DOUBLE: {
        const double *x = WR_COL_F64(a);
        double *o = WR_COL_F64(out);
        WR_FOR_SEL(b, i) o[i] = fabs(x[i]);
        break;
    }
    case WR_T_DECIMAL: {
        const wr_i128 *x = WR_COL_DEC(a);
        wr_i128 *o = WR_COL_DEC(out);
        WR_FOR_SEL(b, i) o[i] = x[i] < 0 ? -x[i] : x[i];
        break;
    }
    default:
        return;
    }
    wr_fn_nulls(out, a, NULL, b);
}

/* CEIL (up) or FLOOR (!up), same type in and out. */
static void ceil_floor(const wr_col *a, const wr_batch *b, wr_col *out, bool up)
{
    switch (out->type->kind) {
    case WR_T_INT:
    case WR_T_BIGINT: {
        size_t sz = wr_value_size(out->type->kind);
        WR_FOR_SEL(b, i)
        memcpy((char *)out->data + (size_t)i * sz,
               (const char *)a->data + (size_t)i * sz, sz);
        break;
    }
    case WR_T_DOUBLE: {
        const double *x = WR_COL_F64(a);
        double *o = WR_COL_F64(out);
        if (up) {
            WR_FOR_SEL(b, i) o[i] = ceil(x[i]);
        } else {
            WR_FOR_SEL(b, i) o[i] = floor(x[i]);
        }
        break;
    }
    case WR_T_DECIMAL: {
        const wr_i128 *x = WR_COL_DEC(a);
        wr_i128 *o = WR_COL_DEC(out);
        int s = a->type->scale, to = out->type->scale;
        int p = out->type->precision;
        WR_FOR_SEL(b, i)
        {
            if (wr_col_is_null(a, i) ||
                !dec_round(x[i], s, 0, up ? R_CEIL : R_FLOOR, to, p, &o[i]))
                o[i] = 0;
        }
        break;
    }
    default:
        return;
    }
    wr_fn_nulls(out, a, NULL, b);
}

static void k_ceil(ARGS)
{
    (void)f, (void)nargs;
    ceil_floor(&args[0], b, out, true);
}

static void k_floor(ARGS)
{
    (void)f, (void)nargs;
    ceil_floor(&args[0], b, out, false);
}

/* Java's Math.round(double): floor(x + 1/2) without the rounding error,
 * saturating to long, NaN to 0. */
static int64_t java_round(double x)
{
    if (x != x)
        return 0;
    double r = floor(x);
    if (x - r >= 0.5)
        r += 1;
    if (r >= 9223372036854775807.0)
        return INT64_MAX;
    if (r <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)r;
}

/* BigDecimal.valueOf(d).setScale(n, mode).doubleValue(), mode R_DOWN or
 * ksqlDB's ROUND (HALF_UP above zero, HALF_DOWN below). */
static double round_places(double d, int n, bool trunc)
{
    if (d == 0 || !isfinite(d))
        return d;
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* buf: [-]D[.DDD]e[+-]X */
    uint64_t m = 0;
    int nd = 0;
    const char *p = buf + (buf[0] == '-');
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') {
            m = m * 10 + (uint64_t)(*p - '0');
            nd++;
        }
    int e = atoi(p + 1);
    int scale = nd - 1 - e; /* d = m * 10^-scale */
    if (scale <= n)
        return d;
    int k = scale - n;
    if (k > nd)
        return 0.0 * d;
    uint64_t div = 1;
    for (int j = 0; j < k; j++)
        div *= 10;
    uint64_t q = m / div, r = m % div;
    if (!trunc) {
        if (d > 0 ? 2 * r >= div : 2 * r > div)
            q++;
    }
    snprintf(buf, sizeof buf, "%s%llue%d", d < 0 ? "-" : "",
             (unsigned long long)q, -n);
    return strtod(buf, NULL);
}

/* ROUND (trunc false) and TRUNC (trunc true) over every overload. */
static void round_trunc(wr_fnctx *f, const wr_col *args, int nargs,
                        const wr_batch *b, wr_col *out, bool trunc)
{
    const wr_col *a = &args[0];
    const wr_col *dg = nargs > 1 ? &args[1] : NULL;
    wr_type_kind ak = a->type->kind;
    if (ak == WR_T_NULL || (dg && dg->type->kind == WR_T_NULL))
        return;
    switch (out->type->kind) {
    case WR_T_BIGINT: {
        int64_t *o = WR_COL_I64(out);
        if (ak == WR_T_INT) {
            const int32_t *x = WR_COL_I32(a);
            WR_FOR_SEL(b, i) o[i] = x[i];
        } else if (ak == WR_T_BIGINT) {
            const int64_t *x = WR_COL_I64(a);
            WR_FOR_SEL(b, i) o[i] = x[i];
        } else if (ak == WR_T_DOUBLE) {
            const double *x = WR_COL_F64(a);
            if (trunc) {
                WR_FOR_SEL(b, i)
                o[i] = x[i] != x[i]                     ? 0
                       : x[i] >= 9223372036854775807.0  ? INT64_MAX
                       : x[i] <= -9223372036854775808.0 ? INT64_MIN
                                                        : (int64_t)x[i];
            } else {
                WR_FOR_SEL(b, i) o[i] = java_round(x[i]);
            }
        } else {
            return;
        }
        wr_fn_nulls(out, a, NULL, b);
        return;
    }
    case WR_T_DOUBLE: {
        double *o = WR_COL_F64(out);
        WR_FOR_SEL(b, i)
        {
            if (wr_col_is_null(a, i) || (dg && wr_col_is_null(dg, i)))
                continue;
            double v = ak == WR_T_DOUBLE   ? WR_COL_F64(a)[i]
                       : ak == WR_T_INT    ? WR_COL_I32(a)[i]
                       : ak == WR_T_BIGINT ? (double)WR_COL_I64(a)[i]
                                           : 0;
            if (!isfinite(v)) {
                wr_fn_error(f, "Infinite or NaN");
                continue;
            }
            o[i] = round_places(v, dg ? WR_COL_I32(dg)[i] : 0, trunc);
            wr_col_set_null(out, i, false);
        }
        return;
    }
    case WR_T_DECIMAL: {
        if (ak != WR_T_DECIMAL)
            return;
        const wr_i128 *x = WR_COL_DEC(a);
        wr_i128 *o = WR_COL_DEC(out);
        int s = a->type->scale, to = out->type->scale;
        int p = out->type->precision;
        int mode0 = trunc ? R_DOWN : R_HALF_UP;
        WR_FOR_SEL(b, i)
        {
            if (wr_col_is_null(a, i) || (dg && wr_col_is_null(dg, i)))
                continue;
            int n = dg ? WR_COL_I32(dg)[i] : 0;
            int mode = (!trunc && x[i] < 0) ? R_HALF_DOWN : mode0;
            if (n > 38)
                n = 38;
            if (n < -38)
                n = -39;
            if (!dec_round(x[i], s, n, mode, to, p, &o[i])) {
                wr_fn_error(f, "Numeric overflow in %s",
                            trunc ? "TRUNC" : "ROUND");
                continue;
            }
            wr_col_set_null(out, i, false);
        }
        return;
    }
    default:
        return;
    }
}

static void k_round(ARGS)
{
    round_trunc(f, args, nargs, b, out, false);
}

static void k_trunc(ARGS)
{
    round_trunc(f, args, nargs, b, out, true);
}

/* GREATEST (sign 1) / LEAST (sign -1): the extreme non-NULL argument, NULL
 * when all are NULL. Arguments already have the result type. */
static void extreme(const wr_col *args, int nargs, const wr_batch *b,
                    wr_col *out, int sign)
{
    const wr_type *t = out->type;
    if (t->kind == WR_T_DOUBLE) {
        double *o = WR_COL_F64(out);
        WR_FOR_SEL(b, i)
        {
            bool any = false;
            double best = 0;
            for (int a = 0; a < nargs; a++) {
                if (args[a].type->kind == WR_T_NULL ||
                    wr_col_is_null(&args[a], i))
                    continue;
                double v = WR_COL_F64(&args[a])[i];
                /* Double.compareTo: NaN above everything. */
                int c = (v != v || best != best) ? (v != v) - (best != best)
                                                 : (v > best) - (v < best);
                if (!any || c * sign > 0)
                    best = v;
                any = true;
            }
            if (any) {
                o[i] = best;
                wr_col_set_null(out, i, false);
            }
        }
        return;
    }
    WR_FOR_SEL(b, i)
    {
        wr_datum best = {true, {0}}, d;
        for (int a = 0; a < nargs; a++) {
            if (args[a].type->kind == WR_T_NULL)
                continue;
            wr_col_get(&args[a], i, &d);
            if (d.null)
                continue;
            if (best.null || wr_datum_cmp(t, &d, &best) * sign > 0)
                best = d;
        }
        wr_col_put(out, i, &best);
    }
}

static void k_greatest(ARGS)
{
    (void)f;
    extreme(args, nargs, b, out, 1);
}

static void k_least(ARGS)
{
    (void)f;
    extreme(args, nargs, b, out, -1);
}

const wr_fn_impl wr_fn_math[] = {
    {"ABS", k_abs, WR_FN_ASIS},
    {"ACOS", k_acos, WR_FN_TO_DOUBLE},
    {"ASIN", k_asin, WR_FN_TO_DOUBLE},
    {"ATAN", k_atan, WR_FN_TO_DOUBLE},
    {"ATAN2", k_atan2, WR_FN_TO_DOUBLE},
    {"CBRT", k_cbrt, WR_FN_TO_DOUBLE},
    {"CEIL", k_ceil, WR_FN_ASIS},
    {"COS", k_cos, WR_FN_TO_DOUBLE},
    {"COSH", k_cosh, WR_FN_TO_DOUBLE},
    {"COT", k_cot, WR_FN_TO_DOUBLE},
    {"DEGREES", k_degrees, WR_FN_TO_DOUBLE},
    {"EXP", k_exp, WR_FN_TO_DOUBLE},
    {"FLOOR", k_floor, WR_FN_ASIS},
    {"GREATEST", k_greatest, WR_FN_TO_RESULT},
    {"LEAST", k_least, WR_FN_TO_RESULT},
    {"LN", k_ln, WR_FN_TO_DOUBLE},
    {"LOG", k_log, WR_FN_TO_DOUBLE},
    {"PI", k_pi, WR_FN_ASIS},
    {"POWER", k_power, WR_FN_TO_DOUBLE},
    {"RADIANS", k_radians, WR_FN_TO_DOUBLE},
    {"RANDOM", k_random, WR_FN_ASIS},
    {"ROUND", k_round, WR_FN_ASIS},
    {"SIGN", k_sign, WR_FN_TO_DOUBLE},
    {"SIN", k_sin, WR_FN_TO_DOUBLE},
    {"SINH", k_sinh, WR_FN_TO_DOUBLE},
    {"SQRT", k_sqrt, WR_FN_TO_DOUBLE},
    {"TAN", k_tan, WR_FN_TO_DOUBLE},
    {"TANH", k_tanh, WR_FN_TO_DOUBLE},
    {"TRUNC", k_trunc, WR_FN_ASIS},
    {NULL, NULL, WR_FN_ASIS},
};
