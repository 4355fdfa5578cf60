/*
 * decimal.c: DECIMAL comparison and arithmetic (see decimal.h); text and
 * double conversions live in decimal_text.c.
 *
 * Operands are unscaled wr_i128 values below 10^38 in magnitude. Aligning
 * scales or multiplying can need up to 77 digits, so the work is done on
 * unsigned 256-bit magnitudes (four 64-bit limbs, least significant first)
 * with the sign kept apart, and the result is narrowed back to 128 bits only
 * after rounding to the result scale. This follows Java's BigDecimal as
 * ksqlDB uses it: + - * exact then rounded HALF_UP to the result type's
 * scale, / rounded HALF_UP at the result scale, % with the sign of the
 * dividend (BigDecimal.remainder). The binder computes the result types;
 * this file only checks that the value fits the result precision.
 * Nothing here allocates.
 */
#include "common/decimal.h"

#include <string.h>

/* An unsigned 256-bit integer, least significant limb first. */
typedef struct u256 {
    uint64_t w[4]; /* limbs */
} u256;

static u256 u256_from(wr_u128 m)
{
    u256 r = {{(uint64_t)m, (uint64_t)(m >> 64), 0, 0}};
    return r;
}

static bool u256_is_zero(const u256 *a)
{
    return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

static int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a += b; returns false on overflow past 256 bits. */
static bool u256_add(u256 *a, const u256 *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        wr_u128 s = (wr_u128)a->w[i] + b->w[i] + carry;
        a->w[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry == 0;
}

/* a -= b; requires a >= b. */
static void u256_sub(u256 *a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t d = x - y - borrow;
        borrow = (x < y) || (x - y < borrow);
        a->w[i] = d;
    }
}

/* a *= m (m < 2^64); false on overflow. */
static bool u256_mul64(u256 *a, uint64_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        wr_u128 p = (wr_u128)a->w[i] * m + carry;
        a->w[i] = (uint64_t)p;
        carry = (uint64_t)(p >> 64);
    }
    return carry == 0;
}

/* a /= d (d < 2^64, nonzero); returns the remainder. */
static uint64_t u256_div64(u256 *a, uint64_t d)
{
    wr_u128 r = 0;
    for (int i = 3; i >= 0; i--) {
        wr_u128 cur = (r << 64) | a->w[i];
        a->w[i] = (uint64_t)(cur / d);
        r = cur % d;
    }
    return (uint64_t)r;
}

/* a *= 10^n; false on overflow. */
static bool u256_mul_pow10(u256 *a, int n)
{
    while (n > 0) {
        int k = n > 19 ? 19 : n;
        if (!u256_mul64(a, (uint64_t)wr_dec_pow10(k)))
            return false;
        n -= k;
    }
    return true;
}

/* Full product of two 128-bit magnitudes. */
static u256 u256_mul128(wr_u128 x, wr_u128 y)
{
    uint64_t a[2] = {(uint64_t)x, (uint64_t)(x >> 64)};
    uint64_t b[2] = {(uint64_t)y, (uint64_t)(y >> 64)};
    u256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 2; j++) {
            wr_u128 p = (wr_u128)a[i] * b[j] + r.w[i + j] + carry;
            r.w[i + j] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
        r.w[i + 2] += carry;
    }
    return r;
}

static void u256_shl1(u256 *a)
{
    for (int i = 3; i > 0; i--)
        a->w[i] = (a->w[i] << 1) | (a->w[i - 1] >> 63);
    a->w[0] <<= 1;
}

/* q = n / d, r = n % d by shift-subtract (d nonzero). */
static void u256_divmod(const u256 *n, const u256 *d, u256 *q, u256 *r)
{
    u256 quo = {{0, 0, 0, 0}}, rem = {{0, 0, 0, 0}};
    for (int bit = 255; bit >= 0; bit--) {
        u256_shl1(&rem);
        rem.w[0] |= (n->w[bit / 64] >> (bit % 64)) & 1;
        if (u256_cmp(&rem, d) >= 0) {
            u256_sub(&rem, d);
            quo.w[bit / 64] |= (uint64_t)1 << (bit % 64);
        }
    }
    *q = quo;
    *r = rem;
}

/* Divides a by 10^n, rounding HALF_UP (ties away from zero). */
static void u256_div_pow10_round(u256 *a, int n)
{
    if (n <= 0)
        return;
    /* Truncate all but the last dropped digit, then look at that one. */
    int k = n - 1;
    while (k > 0) {
        int s = k > 19 ? 19 : k;
        u256_div64(a, (uint64_t)wr_dec_pow10(s));
        k -= s;
    }
    uint64_t last = u256_div64(a, 10);
    if (last >= 5) {
        u256 one = {{1, 0, 0, 0}};
        u256_add(a, &one);
    }
}

static wr_u128 mag(wr_i128 v)
{
    return v < 0 ? (wr_u128)0 - (wr_u128)v : (wr_u128)v;
}

/* Narrows a magnitude with a sign to the result precision p. */
static bool narrow(const u256 *m, bool neg, int p, wr_i128 *out)
{
    if (m->w[2] || m->w[3])
        return false;
    wr_u128 v = ((wr_u128)m->w[1] << 64) | m->w[0];
    if (v >= (wr_u128)wr_dec_pow10(p))
        return false;
    *out = neg ? -(wr_i128)v : (wr_i128)v;
    return true;
}

int wr_dec_cmp(wr_i128 a, int sa, wr_i128 b, int sb)
{
    if (sa == sb || a == 0 || b == 0)
        return a < b ? -1 : a > b;
    if ((a < 0) != (b < 0))
        return a < 0 ? -1 : 1;
    u256 x = u256_from(mag(a)), y = u256_from(mag(b));
    /* Both scales are at most 38, so the alignment fits 256 bits. */
    if (sa < sb)
        u256_mul_pow10(&x, sb - sa);
    else
        u256_mul_pow10(&y, sa - sb);
    int c = u256_cmp(&x, &y);
    return a < 0 ? -c : c;
}

/* Signed addition of magnitudes: (na ? -x : x) + (nb ? -y : y). */
static void add_signed(u256 *x, bool na, const u256 *y, bool nb, bool *neg)
{
    if (na == nb) {
        u256_add(x, y);
        *neg = na;
        return;
    }
    if (u256_cmp(x, y) >= 0) {
        u256_sub(x, y);
        *neg = na;
    } else {
        u256 t = *y;
        u256_sub(&t, x);
        *x = t;
        *neg = nb;
    }
    if (u256_is_zero(x))
        *neg = false;
}

bool wr_dec_arith(char op, wr_i128 a, int sa, wr_i128 b, int sb,
                  const wr_type *rt, wr_i128 *out)
{
    int rs = rt->scale, rp = rt->precision;
    bool na = a < 0, nb = b < 0, neg = false;
    u256 x = u256_from(mag(a)), y = u256_from(mag(b));
    int s; /* scale of the exact result in x */

    switch (op) {
    case '+':
    case '-':
        if (op == '-')
            nb = !nb && b != 0;
        s = sa > sb ? sa : sb;
        u256_mul_pow10(&x, s - sa);
        u256_mul_pow10(&y, s - sb);
        add_signed(&x, na, &y, nb, &neg);
        break;
    case '*':
        x = u256_mul128(mag(a), mag(b));
        s = sa + sb;
        neg = (na != nb) && !u256_is_zero(&x);
        break;
    case '/': {
        if (b == 0)
            return false;
        /* q = a * 10^(rs + sb - sa) / b, rounded HALF_UP. */
        int e = rs + sb - sa;
        if (e >= 0) {
            if (!u256_mul_pow10(&x, e))
                return false;
        } else if (!u256_mul_pow10(&y, -e)) {
            /* The divisor dwarfs the dividend: the quotient rounds to 0. */
            *out = 0;
            return true;
        }
        u256 q, r;
        u256_divmod(&x, &y, &q, &r);
        /* HALF_UP: round away from zero when 2r >= divisor. */
        u256 r2 = r;
        if (!u256_add(&r2, &r) || u256_cmp(&r2, &y) >= 0) {
            u256 one = {{1, 0, 0, 0}};
            u256_add(&q, &one);
        }
        neg = (na != nb) && !u256_is_zero(&q);
        return narrow(&q, neg, rp, out);
    }
    case '%': {
        if (b == 0)
            return false;
        s = sa > sb ? sa : sb;
        u256_mul_pow10(&x, s - sa);
        u256_mul_pow10(&y, s - sb);
        u256 q, r;
        u256_divmod(&x, &y, &q, &r);
        x = r;
        neg = na && !u256_is_zero(&x);
        break;
    }
    default:
        return false;
    }
    if (s > rs)
        u256_div_pow10_round(&x, s - rs);
    else if (s < rs && !u256_mul_pow10(&x, rs - s))
        return false;
    if (u256_is_zero(&x))
        neg = false;
    return narrow(&x, neg, rp, out);
}
