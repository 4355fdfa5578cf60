/*
 * javafmt.c: Java's Double.toString (JDK 19 and later), which is how ksqlDB
 * writes DOUBLE values in JSON and DELIMITED records.
 *
 * The digits are the shortest decimal that reads back as the same double,
 * found by trying correctly rounded %.Ne conversions (round-tripping is
 * monotone in N, so a binary search over 1..17 digits suffices). When one
 * digit would do, Java prints the closest two-digit decimal instead
 * (4.9E-324, not 5.0E-324). The layout is Java's: plain notation with at
 * least one fraction digit for 1e-3 <= |d| < 1e7 ("0.001", "1234567.0"),
 * computerized scientific notation otherwise ("1.0E7", "1.2345E-5").
 * Nothing here allocates besides appending to the caller's buffer.
 */
#include "formats/formats_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Writes the shortest round-trip digits of the finite, positive d into
 * digits (no trailing zeros, NUL-terminated) and returns the decimal
 * exponent of the first digit (d = 0.DIGITS * 10^(e+1)).
 */
static int shortest_digits(double d, char *digits)
{
    char buf[40];
    int lo = 1;
    int hi = 17;
    /* Most doubles that are not short decimals need 16 or 17 digits: test
     * those first, then search below 16 only when 15 digits round-trip. */
    snprintf(buf, sizeof buf, "%.*e", 14, d);
    if (strtod(buf, NULL) != d) {
        snprintf(buf, sizeof buf, "%.*e", 15, d);
        lo = hi = strtod(buf, NULL) == d ? 16 : 17;
    } else {
        hi = 15;
    }
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, sizeof buf, "%.*e", mid - 1, d);
        if (strtod(buf, NULL) == d)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(buf, sizeof buf, "%.*e", (lo < 2 ? 2 : lo) - 1, d);
    /* buf is "D.DDDDe+XX" (or "De+XX" for one digit). */
    int nd = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    return (int)strtol(p + 1, NULL, 10);
}

int wr_fmt_java_double(double d, char *out)
{
    int len = 0;
    if (isnan(d)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (signbit(d)) {
        out[len++] = '-';
        d = -d;
    }
    if (isinf(d)) {
        memcpy(out + len, "Infinity", 9);
        return len + 8;
    }
    if (d == 0) {
        memcpy(out + len, "0.0", 4);
        return len + 3;
    }
    char dig[24];
    int e = shortest_digits(d, dig);
    int nd = (int)strlen(dig);
    if (d >= 1e-3 && d < 1e7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++)
                out[len++] = i < nd ? dig[i] : '0';
            out[len++] = '.';
            if (nd > e + 1) {
                memcpy(out + len, dig + e + 1, (size_t)(nd - e - 1));
                len += nd - e - 1;
            } else {
                out[len++] = '0';
            }
        } else {
            out[len++] = '0';
            out[len++] = '.';
            for (int i = 0; i < -e - 1; i++)
                out[len++] = '0';
            memcpy(out + len, dig, (size_t)nd);
            len += nd;
        }
    } else {
        out[len++] = dig[0];
        out[len++] = '.';
        if (nd > 1) {
            memcpy(out + len, dig + 1, (size_t)(nd - 1));
            len += nd - 1;
        } else {
            out[len++] = '0';
        }
        len += snprintf(out + len, 8, "E%d", e);
    }
    out[len] = '\0';
    return len;
}

void wr_put_java_double(wr_buf *out, double d)
{
    char buf[WR_JAVA_DOUBLE_MAX];
    int n = wr_fmt_java_double(d, buf);
    wr_buf_putn(out, buf, (size_t)n);
}
