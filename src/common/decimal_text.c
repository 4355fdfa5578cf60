/*
 * decimal_text.c: DECIMAL conversions to and from text and doubles, plus the
 * power-of-ten helpers (see decimal.h). Arithmetic and comparison live in
 * decimal.c.
 *
 * A DECIMAL is an unscaled wr_i128 whose magnitude stays below 10^38, so it
 * always fits with room for one more digit of carry. Parsing follows Java's
 * `new BigDecimal(String)` grammar ([+-]digits[.digits][e[+-]digits], with
 * ".5" and "5." allowed) and rounds HALF_UP (ties away from zero) to the
 * requested scale; formatting is BigDecimal.toPlainString. Doubles convert
 * through their shortest round-trip decimal, as BigDecimal.valueOf(double)
 * does. Nothing here allocates.
 */
#include "common/decimal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10^0 .. 10^19 as unsigned 64-bit integers. */
static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

wr_i128 wr_dec_pow10(int n)
{
    if (n <= 19)
        return (wr_i128)pow10_u64[n < 0 ? 0 : n];
    return (wr_i128)pow10_u64[19] * (wr_i128)pow10_u64[n - 19];
}

/* Number of decimal digits of the unsigned magnitude m (1 for 0). */
static int udigits(wr_u128 m)
{
    int d = 1;
    while (d < 39 && m >= (wr_u128)wr_dec_pow10(d))
        d++;
    return d;
}

int wr_dec_digits(wr_i128 u)
{
    return udigits(u < 0 ? (wr_u128)0 - (wr_u128)u : (wr_u128)u);
}

bool wr_dec_parse(const char *s, size_t n, int precision, int scale,
                  wr_i128 *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    /* Mantissa: remember where the digits are and where the point is. */
    size_t mstart = i;
    size_t ndigits = 0; /* all mantissa digits */
    size_t nfrac = 0;   /* digits after the point */
    bool dot = false;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            ndigits++;
            if (dot)
                nfrac++;
        } else if (s[i] == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    size_t mend = i;
    if (ndigits == 0)
        return false;
    long exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i >= n)
            return false;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            if (exp < 100000000L)
                exp = exp * 10 + (s[i] - '0');
        }
        if (eneg)
            exp = -exp;
    }
    if (i != n)
        return false;

    /* Significant digits: skip leading zeros of the mantissa. */
    size_t p = mstart;
    size_t nsig = ndigits;
    while (p < mend && (s[p] == '0' || s[p] == '.')) {
        if (s[p] == '0')
            nsig--;
        p++;
    }
    if (nsig == 0) {
        *out = 0;
        return true;
    }
    /* value = D * 10^(exp - nfrac); result = D * 10^k. keep = digits of D
     * that survive before rounding. */
    long k = exp - (long)nfrac + scale;
    long keep = (long)nsig + k;
    if (keep > precision)
        return false;
    wr_u128 m = 0;
    long taken = 0;
    int next = 0; /* first dropped digit */
    for (; p < mend; p++) {
        if (s[p] == '.')
            continue;
        if (taken < keep) {
            m = m * 10 + (unsigned)(s[p] - '0');
            taken++;
        } else {
            next = s[p] - '0';
            break;
        }
    }
    if (keep > (long)nsig) {
        m *= (wr_u128)wr_dec_pow10((int)(keep - (long)nsig));
    }
    if (keep >= 0 && next >= 5)
        m += 1;
    if (m >= (wr_u128)wr_dec_pow10(precision))
        return false;
    *out = neg ? -(wr_i128)m : (wr_i128)m;
    return true;
}

/* Writes the decimal digits of m into buf (no NUL); returns their count. */
static int utoa128(wr_u128 m, char *buf)
{
    char tmp[48];
    int n = 0;
    const uint64_t e19 = pow10_u64[19];
    while (m >= e19) {
        uint64_t low = (uint64_t)(m % e19);
        m /= e19;
        for (int j = 0; j < 19; j++) {
            tmp[n++] = (char)('0' + low % 10);
            low /= 10;
        }
    }
    uint64_t v = (uint64_t)m;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int j = 0; j < n; j++)
        buf[j] = tmp[n - 1 - j];
    return n;
}

int wr_dec_format(wr_i128 u, int scale, char *buf)
{
    char digits[48];
    int len = 0;
    wr_u128 m = u < 0 ? (wr_u128)0 - (wr_u128)u : (wr_u128)u;
    int nd = utoa128(m, digits);
    if (u < 0)
        buf[len++] = '-';
    if (scale <= 0) {
        memcpy(buf + len, digits, (size_t)nd);
        len += nd;
        for (int j = 0; j < -scale && len < 41; j++)
            buf[len++] = '0';
    } else if (nd > scale) {
        memcpy(buf + len, digits, (size_t)(nd - scale));
        len += nd - scale;
        buf[len++] = '.';
        memcpy(buf + len, digits + nd - scale, (size_t)scale);
        len += scale;
    } else {
        buf[len++] = '0';
        buf[len++] = '.';
        for (int j = 0; j < scale - nd; j++)
            buf[len++] = '0';
        memcpy(buf + len, digits, (size_t)nd);
        len += nd;
    }
    buf[len] = '\0';
    return len;
}

bool wr_dec_rescale(wr_i128 u, int from, int to, int precision, wr_i128 *out)
{
    bool neg = u < 0;
    wr_u128 m = neg ? (wr_u128)0 - (wr_u128)u : (wr_u128)u;
    if (to >= from) {
        int d = to - from;
        if (m != 0) {
            if (d > 38 || udigits(m) + d > precision)
                return false;
            m *= (wr_u128)wr_dec_pow10(d);
        }
    } else {
        int d = from - to;
        if (d > 38) {
            m = 0;
        } else {
            wr_u128 p = (wr_u128)wr_dec_pow10(d);
            wr_u128 q = m / p;
            wr_u128 r = m % p;
            if (r * 2 >= p)
                q++;
            m = q;
        }
    }
    if (m >= (wr_u128)wr_dec_pow10(precision))
        return false;
    *out = neg ? -(wr_i128)m : (wr_i128)m;
    return true;
}

double wr_dec_to_double(wr_i128 u, int scale)
{
    wr_u128 m = u < 0 ? (wr_u128)0 - (wr_u128)u : (wr_u128)u;
    /* Exact operands and one correctly rounded operation. */
    if (m < ((wr_u128)1 << 53) && scale >= 0 && scale <= 22) {
        static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                       1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                       1e18, 1e19, 1e20, 1e21, 1e22};
        double d = (double)(uint64_t)m / p10[scale];
        return u < 0 ? -d : d;
    }
    char buf[96];
    int len = utoa128(m, buf + 1);
    buf[0] = u < 0 ? '-' : '+';
    snprintf(buf + 1 + len, sizeof buf - 1 - (size_t)len, "e%d", -scale);
    return strtod(buf, NULL);
}

bool wr_dec_from_double(double d, int precision, int scale, wr_i128 *out)
{
    if (!isfinite(d))
        return false;
    /* Shortest decimal that reads back as d (BigDecimal.valueOf). */
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return wr_dec_parse(buf, strlen(buf), precision, scale, out);
}
