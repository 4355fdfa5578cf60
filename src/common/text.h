/*
 * text.h: small character helpers shared by the codecs and the string
 * functions (inline; no state).
 */
#ifndef WEIR_COMMON_TEXT_H
#define WEIR_COMMON_TEXT_H

/* The value of hexadecimal digit c (0-15), or -1 when c is not one. */
static inline int wr_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
