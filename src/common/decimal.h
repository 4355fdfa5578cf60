/*
 * decimal.h: exact DECIMAL(p, s) arithmetic on 128-bit unscaled integers,
 * with ksqlDB's (Java BigDecimal's) rules.
 *
 * A DECIMAL value is an unscaled wr_i128 u and a scale s (from its type):
 * the number is u * 10^-s. Precision is at most 38 digits, so |u| < 10^38
 * always fits. Operations take the operand scales and the result type
 * (computed by the binder with ksqlDB's rules) and return false when the
 * result does not fit the result precision (the caller turns that into a
 * NULL plus a logged error, as ksqlDB does for a throwing expression).
 * Rounding is HALF_UP unless said otherwise.
 */
#ifndef WEIR_COMMON_DECIMAL_H
#define WEIR_COMMON_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/value.h"

/* 10^n for 0 <= n <= 38. */
wr_i128 wr_dec_pow10(int n);

/* Number of decimal digits of |u| (1 for 0). */
int wr_dec_digits(wr_i128 u);

/*
 * Parses decimal text ("-12.50", "3", "1e3", ".5") into an unscaled value at
 * exactly scale `scale` (rounding HALF_UP when the text has more fraction
 * digits). Returns false on malformed text or when the result needs more than
 * `precision` digits.
 */
bool wr_dec_parse(const char *s, size_t n, int precision, int scale,
                  wr_i128 *out);

/*
 * Writes u at scale s as Java's BigDecimal.toPlainString does ("10.0000",
 * "-0.50", "7") into buf (at least 42 bytes). Returns the length.
 */
int wr_dec_format(wr_i128 u, int scale, char *buf);

/* Changes the scale of u from `from` to `to` (HALF_UP when reducing); false
 * when the result exceeds `precision` digits. */
bool wr_dec_rescale(wr_i128 u, int from, int to, int precision, wr_i128 *out);

/* Compares a (scale sa) and b (scale sb) numerically: <0, 0, >0. */
int wr_dec_cmp(wr_i128 a, int sa, wr_i128 b, int sb);

/* Converts to double (nearest). */
double wr_dec_to_double(wr_i128 u, int scale);

/* Converts a finite double to DECIMAL(precision, scale), HALF_UP; false when
 * it does not fit or is not finite. */
bool wr_dec_from_double(double d, int precision, int scale, wr_i128 *out);

/*
 * Arithmetic with ksqlDB's result types: a (scale sa) op b (scale sb) into
 * the result type rt (DECIMAL(p, s)); false on overflow of rt's precision or
 * division by zero. op is '+', '-', '*', '/', '%'. Division rounds HALF_UP
 * to rt's scale.
 */
bool wr_dec_arith(char op, wr_i128 a, int sa, wr_i128 b, int sb,
                  const wr_type *rt, wr_i128 *out);

#endif
