/*
 * fn_string.c: kernels of the string scalar functions (CONCAT .. UCASE,
 * SPLIT and the MASK family), with ksqlDB's semantics.
 *
 * Strings are UTF-8 slices; functions that count or cut characters work on
 * code points (Java counts UTF-16 units, which differs only for characters
 * outside the BMP; LEN counts those as two, as Java does). Case mapping
 * covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic, which is
 * where Java's locale-independent mapping and a simple table agree. Results
 * are built directly in the batch arena: each kernel sizes its output from
 * its inputs first, so every row costs one allocation. BYTES overloads work
 * on bytes. Out-of-range positions follow ksqlDB (SUBSTRING clamps to "",
 * LPAD/RPAD with an empty padding or a negative length give NULL, INSTR
 * returns 0 and never NULL).
 */
#include "exec/fn_int.h"

#include <string.h>

#include "common/text.h"

#define ARGS                                                                   \
    wr_fnctx *f, const wr_col *args, int nargs, const wr_batch *b, wr_col *out

/* Row i of argument column c is NULL (or the column has the NULL type). */
static inline bool anull(const wr_col *c, int i)
{
    return c->type->kind == WR_T_NULL || wr_col_is_null(c, i);
}

static inline wr_str sarg(const wr_col *c, int i)
{
    return WR_COL_STR(c)[i];
}

static inline int32_t iarg(const wr_col *c, int i)
{
    return WR_COL_I32(c)[i];
}

/* ---- case mapping -------------------------------------------------------- */

static uint32_t cp_upper(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 32;
    if (c == 0xFF)
        return 0x178;
    if (c == 0xB5)
        return 0x39C;
    if (c >= 0x100 && c <= 0x17F) {
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 0) ? c - 1 : c;
        if (c == 0x131)
            return 'I';
        if (c == 0x17F)
            return 'S';
        if (c == 0x138 || c == 0x149 || c == 0x130)
            return c;
        return (c % 2 == 1) ? c - 1 : c;
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
        return c - 32;
    if (c == 0x3C2)
        return 0x3A3;
    if (c >= 0x3AC && c <= 0x3AF)
        return c == 0x3AC ? 0x386 : c - 37;
    if (c >= 0x430 && c <= 0x44F)
        return c - 32;
    if (c >= 0x450 && c <= 0x45F)
        return c - 80;
    return c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c == 0x178)
        return 0xFF;
    if (c >= 0x100 && c <= 0x17F) {
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 1) ? c + 1 : c;
        if (c == 0x130)
            return 'i';
        if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F)
            return c;
        return (c % 2 == 0) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
        return c + 32;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 37;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    return c;
}

static bool cp_is_upper(uint32_t c)
{
    return cp_lower(c) != c || (c >= 'A' && c <= 'Z');
}

static bool cp_is_lower(uint32_t c)
{
    return cp_upper(c) != c || c == 0xDF || c == 0x138 || c == 0x149;
}

/* Maps every character of s with upper (or lower) case into the arena. */
static void map_case(wr_fnctx *f, wr_str s, bool upper, wr_col *out, int i)
{
    /* ß upper-cases to "SS": at most 2 bytes become 2, so n * 2 is ample
     * and every other mapping keeps or shrinks the UTF-8 length except a
     * few Latin Extended-A to ASCII ones, which shrink. */
    char *o = wr_fn_alloc(f, (size_t)s.len * 2 + 4);
    if (!o)
        return;
    int n = 0, p = 0;
    while (p < s.len) {
        uint32_t c = wr_utf8_next(s.p, s.len, &p);
        if (upper && c == 0xDF) {
            o[n++] = 'S';
            o[n++] = 'S';
            continue;
        }
        n += wr_utf8_put(upper ? cp_upper(c) : cp_lower(c), o + n);
    }
    wr_fn_put_str(out, i, o, (size_t)n);
}

static void case_kernel(wr_fnctx *f, const wr_col *a, const wr_batch *b,
                        wr_col *out, bool upper)
{
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i))
            continue;
        wr_str s = sarg(a, i);
        bool ascii = true;
        for (int k = 0; k < s.len && ascii; k++)
            ascii = (unsigned char)s.p[k] < 0x80;
        if (!ascii) {
            map_case(f, s, upper, out, i);
            continue;
        }
        char *o = wr_fn_alloc(f, (size_t)s.len);
        if (!o)
            return;
        for (int k = 0; k < s.len; k++) {
            char c = s.p[k];
            if (upper && c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            o[k] = c;
        }
        wr_fn_put_str(out, i, o, (size_t)s.len);
    }
}

static void k_ucase(ARGS)
{
    (void)nargs;
    case_kernel(f, &args[0], b, out, true);
}

static void k_lcase(ARGS)
{
    (void)nargs;
    case_kernel(f, &args[0], b, out, false);
}

/* INITCAP: lower-case everything, upper-case the first character of each
 * whitespace-separated word; leading whitespace is dropped (ksqlDB joins
 * the matches of [^\s]+\s*). */
static bool is_jspace(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' ||
           c == '\r';
}

static void k_initcap(ARGS)
{
    (void)nargs;
    const wr_col *a = &args[0];
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i))
            continue;
        wr_str s = sarg(a, i);
        char *o = wr_fn_alloc(f, (size_t)s.len * 2 + 4);
        if (!o)
            return;
        int n = 0, p = 0;
        bool start = true, lead = true;
        while (p < s.len) {
            uint32_t c = wr_utf8_next(s.p, s.len, &p);
            if (is_jspace(c)) {
                if (!lead)
                    o[n++] = (char)c;
                start = true;
                continue;
            }
            lead = false;
            n +=
                wr_utf8_put(start ? cp_upper(cp_lower(c)) : cp_lower(c), o + n);
            start = false;
        }
        wr_fn_put_str(out, i, o, (size_t)n);
    }
}

/* ---- length, trim, substring -------------------------------------------- */

static void k_len(ARGS)
{
    (void)f, (void)nargs;
    const wr_col *a = &args[0];
    bool bytes = a->type->kind == WR_T_BYTES;
    int32_t *o = WR_COL_I32(out);
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i))
            continue;
        wr_str s = sarg(a, i);
        int n = s.len;
        if (!bytes) {
            n = 0;
            for (int k = 0; k < s.len; k++) {
                unsigned char c = (unsigned char)s.p[k];
                /* UTF-16 units: a 4-byte sequence is a surrogate pair. */
                n += (c & 0xC0) != 0x80;
                n += c >= 0xF0;
            }
        }
        o[i] = n;
        wr_col_set_null(out, i, false);
    }
}

/* which: 0 both ends, 1 start only, 2 end only. Java's trim() drops every
 * character <= ' '. */
static void trim_kernel(const wr_col *a, const wr_batch *b, wr_col *out,
                        int which)
{
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i))
            continue;
        wr_str s = sarg(a, i);
        int lo = 0, hi = s.len;
        if (which != 2)
            while (lo < hi && (unsigned char)s.p[lo] <= ' ')
                lo++;
        if (which != 1)
            while (hi > lo && (unsigned char)s.p[hi - 1] <= ' ')
                hi--;
        wr_fn_put_str(out, i, s.p + lo, (size_t)(hi - lo));
    }
}

static void k_trim(ARGS)
{
    (void)f, (void)nargs;
    trim_kernel(&args[0], b, out, 0);
}

static void k_ltrim(ARGS)
{
    (void)f, (void)nargs;
    trim_kernel(&args[0], b, out, 1);
}

static void k_rtrim(ARGS)
{
    (void)f, (void)nargs;
    trim_kernel(&args[0], b, out, 2);
}

/* SUBSTRING(s, pos [, len]): 1-based; a negative pos counts from the end;
 * out of range clamps (ksqlDB's getStartIndex / getEndIndex). */
static void k_substring(ARGS)
{
    (void)f;
    const wr_col *a = &args[0], *pc = &args[1];
    const wr_col *lc = nargs > 2 ? &args[2] : NULL;
    bool bytes = a->type->kind == WR_T_BYTES;
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i) || anull(pc, i) || (lc && anull(lc, i)))
            continue;
        wr_str s = sarg(a, i);
        bool ascii = bytes;
        if (!ascii) {
            ascii = true;
            for (int k = 0; k < s.len && ascii; k++)
                ascii = (unsigned char)s.p[k] < 0x80;
        }
        int64_t len = ascii ? s.len : wr_utf8_count(s.p, s.len);
        int64_t pos = iarg(pc, i);
        int64_t start = pos < 0 ? (len + pos > 0 ? len + pos : 0)
                                : (pos - 1 < len ? pos - 1 : len);
        if (start < 0)
            start = 0;
        int64_t end = len;
        if (lc) {
            int64_t e = start + iarg(lc, i);
            end = e < len ? e : len;
            if (end < start)
                end = start;
        }
        int bs = ascii ? (int)start : wr_utf8_offset(s.p, s.len, (int)start);
        int be = ascii ? (int)end
                       : bs + wr_utf8_offset(s.p + bs, s.len - bs,
                                             (int)(end - start));
        wr_fn_put_str(out, i, s.p + bs, (size_t)(be - bs));
    }
}

/* ---- concatenation --------------------------------------------------------
 */

/* CONCAT / CONCAT_WS (sep: the separator column or NULL). NULL inputs are
 * skipped; CONCAT_WS is NULL when its separator is. */
static void concat_kernel(wr_fnctx *f, const wr_col *args, int nargs,
                          const wr_batch *b, wr_col *out, const wr_col *sep)
{
    WR_FOR_SEL(b, i)
    {
        wr_str ss = {NULL, 0};
        if (sep) {
            if (anull(sep, i))
                continue;
            ss = sarg(sep, i);
        }
        size_t n = 0;
        int parts = 0;
        for (int a = 0; a < nargs; a++)
            if (!anull(&args[a], i)) {
                n += (size_t)sarg(&args[a], i).len;
                parts++;
            }
        if (parts > 1)
            n += (size_t)ss.len * (size_t)(parts - 1);
        char *o = wr_fn_alloc(f, n);
        if (!o)
            return;
        size_t m = 0;
        bool first = true;
        for (int a = 0; a < nargs; a++) {
            if (anull(&args[a], i))
                continue;
            if (!first && ss.len) {
                memcpy(o + m, ss.p, (size_t)ss.len);
                m += (size_t)ss.len;
            }
            first = false;
            wr_str s = sarg(&args[a], i);
            if (s.len)
                memcpy(o + m, s.p, (size_t)s.len);
            m += (size_t)s.len;
        }
        wr_fn_put_str(out, i, o, m);
    }
}

static void k_concat(ARGS)
{
    concat_kernel(f, args, nargs, b, out, NULL);
}

static void k_concat_ws(ARGS)
{
    concat_kernel(f, args + 1, nargs - 1, b, out, &args[0]);
}

/* ---- search and replace ------------------------------------------------- */

/* First index >= from of needle in hay (bytes), or -1. */
static int find_bytes(const char *h, int hn, const char *nd, int nn, int from)
{
    if (from < 0)
        from = 0;
    if (nn == 0)
        return from <= hn ? from : -1;
    for (int k = from; k + nn <= hn; k++)
        if (h[k] == nd[0] && !memcmp(h + k, nd, (size_t)nn))
            return k;
    return -1;
}

/* REPLACE(s, old, new): every non-overlapping occurrence, left to right
 * (Java String.replace); an empty old inserts new around every char. */
static void k_replace(ARGS)
{
    (void)nargs;
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i) || anull(&args[1], i) || anull(&args[2], i))
            continue;
        wr_str s = sarg(&args[0], i), o = sarg(&args[1], i),
               r = sarg(&args[2], i);
        int count = 0;
        if (o.len == 0) {
            count = wr_utf8_count(s.p, s.len) + 1;
        } else {
            for (int k = find_bytes(s.p, s.len, o.p, o.len, 0); k >= 0;
                 k = find_bytes(s.p, s.len, o.p, o.len, k + o.len))
                count++;
        }
        if (count == 0) {
            wr_fn_put_str(out, i, s.p, (size_t)s.len);
            continue;
        }
        size_t n = (size_t)s.len + (size_t)count * (size_t)r.len;
        char *d = wr_fn_alloc(f, n);
        if (!d)
            return;
        size_t m = 0;
        if (o.len == 0) {
            int p = 0;
            for (;;) {
                memcpy(d + m, r.p, (size_t)r.len);
                m += (size_t)r.len;
                if (p >= s.len)
                    break;
                int q = p;
                wr_utf8_next(s.p, s.len, &q);
                memcpy(d + m, s.p + p, (size_t)(q - p));
                m += (size_t)(q - p);
                p = q;
            }
        } else {
            int p = 0;
            for (int k = find_bytes(s.p, s.len, o.p, o.len, 0); k >= 0;
                 k = find_bytes(s.p, s.len, o.p, o.len, p)) {
                memcpy(d + m, s.p + p, (size_t)(k - p));
                m += (size_t)(k - p);
                memcpy(d + m, r.p, (size_t)r.len);
                m += (size_t)r.len;
                p = k + o.len;
            }
            memcpy(d + m, s.p + p, (size_t)(s.len - p));
            m += (size_t)(s.len - p);
        }
        wr_fn_put_str(out, i, d, m);
    }
}

/* Decodes s into code points (arena); *n gets the count. */
static uint32_t *decode(wr_fnctx *f, wr_str s, int *n)
{
    uint32_t *cp = wr_fn_alloc(f, sizeof *cp * (size_t)(s.len + 1));
    if (!cp)
        return NULL;
    int k = 0, p = 0;
    while (p < s.len)
        cp[k++] = wr_utf8_next(s.p, s.len, &p);
    *n = k;
    return cp;
}

static void reverse(uint32_t *a, int n)
{
    for (int x = 0, y = n - 1; x < y; x++, y--) {
        uint32_t t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
}

/* Commons-lang ordinalIndexOf over code points (overlapping matches). */
static int ordinal_index(const uint32_t *h, int hn, const uint32_t *nd, int nn,
                         int ordinal)
{
    if (ordinal <= 0)
        return -1;
    int found = -1;
    for (int count = 0; count < ordinal; count++) {
        int from = found + 1, hit = -1;
        for (int k = from; k + nn <= hn; k++) {
            if (!memcmp(h + k, nd, sizeof *h * (size_t)nn)) {
                hit = k;
                break;
            }
        }
        if (hit < 0)
            return -1;
        found = hit;
    }
    return found;
}

/* INSTR(s, sub [, position [, occurrence]]), exactly as ksqlDB computes it
 * (including its arithmetic when the substring is absent). */
static void k_instr(ARGS)
{
    int32_t *o = WR_COL_I32(out);
    WR_FOR_SEL(b, i)
    {
        bool nul = anull(&args[0], i) || anull(&args[1], i);
        int32_t pos = 1, occ = 1;
        if (nargs > 2) {
            if (anull(&args[2], i)) {
                wr_fn_error(f, "INSTR position is null");
                continue;
            }
            pos = iarg(&args[2], i);
        }
        if (nargs > 3) {
            if (anull(&args[3], i)) {
                wr_fn_error(f, "INSTR occurrence is null");
                continue;
            }
            occ = iarg(&args[3], i);
        }
        wr_col_set_null(out, i, false);
        o[i] = 0;
        if (nul)
            continue;
        int hn, nn;
        uint32_t *h = decode(f, sarg(&args[0], i), &hn);
        uint32_t *nd = h ? decode(f, sarg(&args[1], i), &nn) : NULL;
        if (!nd)
            return;
        if ((pos < 0 ? -(int64_t)pos : pos) > hn)
            continue;
        bool rev = pos < 0;
        if (rev) {
            reverse(h, hn);
            reverse(nd, nn);
            pos = -pos;
        }
        /* StringUtils.substring(str, pos - 1) */
        int start = pos - 1;
        if (start < 0)
            start = hn + start < 0 ? 0 : hn + start;
        int k = ordinal_index(h + start, hn - start, nd, nn, occ);
        if (k < 0)
            continue; /* not found: 0 */
        o[i] = rev ? hn - pos - k : k + pos;
    }
}

/* ---- padding ------------------------------------------------------------ */

/* LPAD (left) / RPAD to `target` characters (bytes for BYTES). */
static void pad_kernel(wr_fnctx *f, const wr_col *args, const wr_batch *b,
                       wr_col *out, bool left)
{
    bool bytes = args[0].type->kind == WR_T_BYTES;
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i) || anull(&args[1], i) || anull(&args[2], i))
            continue;
        wr_str s = sarg(&args[0], i), pd = sarg(&args[2], i);
        int32_t target = iarg(&args[1], i);
        if (pd.len == 0 || target < 0)
            continue;
        int slen = bytes ? s.len : wr_utf8_count(s.p, s.len);
        int plen = bytes ? pd.len : wr_utf8_count(pd.p, pd.len);
        int npad = target > slen ? target - slen : 0; /* characters */
        int keep = slen < target ? slen : target;     /* of s */
        /* Bytes: whole paddings plus a partial one, plus s's prefix. */
        size_t cap =
            (size_t)(npad / plen + 1) * (size_t)pd.len + (size_t)s.len + 1;
        char *o = wr_fn_alloc(f, cap);
        if (!o)
            return;
        size_t m = 0;
        int sbytes = bytes ? keep : wr_utf8_offset(s.p, s.len, keep);
        if (!left) {
            memcpy(o, s.p, (size_t)sbytes);
            m = (size_t)sbytes;
        }
        for (int done = 0; done < npad;) {
            int take = npad - done < plen ? npad - done : plen;
            int tb = bytes ? take : wr_utf8_offset(pd.p, pd.len, take);
            memcpy(o + m, pd.p, (size_t)tb);
            m += (size_t)tb;
            done += take;
        }
        if (left) {
            memcpy(o + m, s.p, (size_t)sbytes);
            m += (size_t)sbytes;
        }
        wr_fn_put_str(out, i, o, m);
    }
}

static void k_lpad(ARGS)
{
    (void)nargs;
    pad_kernel(f, args, b, out, true);
}

static void k_rpad(ARGS)
{
    (void)nargs;
    pad_kernel(f, args, b, out, false);
}

/* ---- CHR, SPLIT -----------------------------------------------------------
 */

/* CHR(code point) or CHR('\uXXXX'). */
static void k_chr(ARGS)
{
    (void)nargs;
    const wr_col *a = &args[0];
    bool text = a->type->kind == WR_T_STRING;
    WR_FOR_SEL(b, i)
    {
        if (anull(a, i))
            continue;
        char *o;
        if (!text) {
            int32_t c = iarg(a, i);
            if (c < 0 || c > 0x10FFFF)
                continue;
            if (!(o = wr_fn_alloc(f, 4)))
                return;
            wr_fn_put_str(out, i, o, (size_t)wr_utf8_put((uint32_t)c, o));
            continue;
        }
        wr_str s = sarg(a, i);
        if (s.len < 6 || s.p[0] != '\\' || s.p[1] != 'u')
            continue;
        if (!(o = wr_fn_alloc(f, (size_t)s.len + 4)))
            return;
        /* StringEscapeUtils.unescapeJava for \uXXXX; surrogate pairs
         * combine. */
        int m = 0, p = 0;
        bool bad = false;
        while (p < s.len) {
            if (s.p[p] == '\\' && p + 5 < s.len && s.p[p + 1] == 'u') {
                uint32_t c = 0;
                for (int k = 2; k < 6; k++) {
                    int h = wr_hexval(s.p[p + k]);
                    if (h < 0)
                        bad = true;
                    c = c * 16 + (uint32_t)(h < 0 ? 0 : h);
                }
                p += 6;
                if (c >= 0xD800 && c < 0xDC00 && p + 5 < s.len &&
                    s.p[p] == '\\' && s.p[p + 1] == 'u') {
                    uint32_t lo = 0;
                    for (int k = 2; k < 6; k++)
                        lo = lo * 16 + (uint32_t)(wr_hexval(s.p[p + k]) & 15);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                        p += 6;
                    }
                }
                m += wr_utf8_put(c, o + m);
            } else {
                o[m++] = s.p[p++];
            }
        }
        if (bad) {
            wr_fn_error(f, "Unable to parse unicode value: %.*s",
                        s.len > 60 ? 60 : s.len, s.p);
            continue;
        }
        wr_fn_put_str(out, i, o, (size_t)m);
    }
}

/* SPLIT(s, delimiter) into ARRAY<STRING|BYTES>, keeping empty parts; an
 * empty delimiter splits into characters. */
static void k_split(ARGS)
{
    (void)nargs;
    bool bytes = args[0].type->kind == WR_T_BYTES;
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i) || anull(&args[1], i))
            continue;
        wr_str s = sarg(&args[0], i), d = sarg(&args[1], i);
        int parts = 0;
        if (d.len == 0)
            parts = bytes ? s.len : wr_utf8_count(s.p, s.len);
        else
            for (int k = find_bytes(s.p, s.len, d.p, d.len, 0); k >= 0;
                 k = find_bytes(s.p, s.len, d.p, d.len, k + d.len))
                parts++;
        if (d.len != 0)
            parts++;
        if (d.len == 0 && parts == 0)
            parts = 1; /* "" splits into [""] */
        wr_val *v = wr_fn_alloc(f, sizeof *v);
        wr_datum *items = wr_fn_alloc(f, sizeof *items * (size_t)parts);
        if (!v || !items)
            return;
        int n = 0;
        if (d.len == 0) {
            int p = 0;
            while (p < s.len) {
                int q = p;
                if (bytes)
                    q++;
                else
                    wr_utf8_next(s.p, s.len, &q);
                items[n].null = false;
                items[n++].u.str = (wr_str){s.p + p, q - p};
                p = q;
            }
            if (n == 0) {
                items[n].null = false;
                items[n++].u.str = (wr_str){s.p, 0};
            }
        } else {
            int p = 0;
            for (;;) {
                int k = find_bytes(s.p, s.len, d.p, d.len, p);
                int e = k < 0 ? s.len : k;
                items[n].null = false;
                items[n++].u.str = (wr_str){s.p + p, e - p};
                if (k < 0)
                    break;
                p = k + d.len;
            }
        }
        v->type = out->type;
        v->n = n;
        v->items = items;
        wr_datum r = {false, {.nest = v}};
        wr_col_put(out, i, &r);
    }
}

/* ---- masking ------------------------------------------------------------ */

#define NO_MASK 0xFFFFFFFFu

typedef struct masker {
    uint32_t m[4]; /* upper, lower, digit, other; NO_MASK keeps */
} masker;

/* Reads the optional mask arguments args[first..nargs) of row i. */
static bool masker_get(wr_fnctx *f, const wr_col *args, int nargs, int first,
                       int i, masker *mk)
{
    static const uint32_t defs[4] = {'X', 'x', 'n', '-'};
    for (int k = 0; k < 4; k++) {
        int a = first + k;
        mk->m[k] = defs[k];
        if (a >= nargs)
            continue;
        if (anull(&args[a], i)) {
            mk->m[k] = NO_MASK;
            continue;
        }
        wr_str s = sarg(&args[a], i);
        int p = 0;
        uint32_t c = s.len ? wr_utf8_next(s.p, s.len, &p) : 0;
        if (s.len == 0 || p != s.len) {
            wr_fn_error(f,
                        "Invalid mask character. Must be only single "
                        "character, but was '%.*s'",
                        s.len > 40 ? 40 : s.len, s.p);
            return false;
        }
        mk->m[k] = c;
    }
    return true;
}

static uint32_t mask_char(const masker *mk, uint32_t c)
{
    int k = (c >= '0' && c <= '9') ? 2
            : cp_is_upper(c)       ? 0
            : cp_is_lower(c)       ? 1
                                   : 3;
    return mk->m[k] == NO_MASK ? c : mk->m[k];
}

/* Masks characters [from, to) of s (code point indexes) into row i. */
static void mask_range(wr_fnctx *f, wr_str s, const masker *mk, int from,
                       int to, wr_col *out, int i)
{
    char *o = wr_fn_alloc(f, (size_t)s.len * 4 + 4);
    if (!o)
        return;
    int m = 0, p = 0, k = 0;
    while (p < s.len) {
        uint32_t c = wr_utf8_next(s.p, s.len, &p);
        if (k >= from && k < to)
            c = mask_char(mk, c);
        m += wr_utf8_put(c, o + m);
        k++;
    }
    wr_fn_put_str(out, i, o, (size_t)m);
}

/* kind: 0 MASK, 1 MASK_LEFT, 2 MASK_RIGHT, 3 MASK_KEEP_LEFT,
 * 4 MASK_KEEP_RIGHT. */
static void mask_kernel(wr_fnctx *f, const wr_col *args, int nargs,
                        const wr_batch *b, wr_col *out, int kind)
{
    static const char *const names[] = {"mask", "mask_left", "mask_right",
                                        "mask_keep_left", "mask_keep_right"};
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i))
            continue;
        int first = kind == 0 ? 1 : 2;
        int nch = 0;
        if (kind) {
            if (anull(&args[1], i))
                continue;
            nch = iarg(&args[1], i);
            if (nch < 0) {
                wr_fn_error(f,
                            "function %s requires a non-negative number of "
                            "characters to mask or skip",
                            names[kind]);
                continue;
            }
        }
        masker mk;
        if (!masker_get(f, args, nargs, first, i, &mk))
            continue;
        wr_str s = sarg(&args[0], i);
        int len = wr_utf8_count(s.p, s.len);
        int from = 0, to = len;
        switch (kind) {
        case 1:
            to = nch < len ? nch : len;
            break;
        case 2:
            from = len - nch > 0 ? len - nch : 0;
            break;
        case 3:
            from = nch;
            break;
        case 4:
            to = len - nch;
            break;
        default:
            break;
        }
        mask_range(f, s, &mk, from, to, out, i);
    }
}

static void k_mask(ARGS)
{
    mask_kernel(f, args, nargs, b, out, 0);
}

static void k_mask_left(ARGS)
{
    mask_kernel(f, args, nargs, b, out, 1);
}

static void k_mask_right(ARGS)
{
    mask_kernel(f, args, nargs, b, out, 2);
}

static void k_mask_keep_left(ARGS)
{
    mask_kernel(f, args, nargs, b, out, 3);
}

static void k_mask_keep_right(ARGS)
{
    mask_kernel(f, args, nargs, b, out, 4);
}

const wr_fn_impl wr_fn_string[] = {
    {"CHR", k_chr, WR_FN_ASIS},
    {"CONCAT", k_concat, WR_FN_ASIS},
    {"CONCAT_WS", k_concat_ws, WR_FN_ASIS},
    {"INITCAP", k_initcap, WR_FN_ASIS},
    {"INSTR", k_instr, WR_FN_ASIS},
    {"LCASE", k_lcase, WR_FN_ASIS},
    {"LEN", k_len, WR_FN_ASIS},
    {"LPAD", k_lpad, WR_FN_ASIS},
    {"LTRIM", k_ltrim, WR_FN_ASIS},
    {"MASK", k_mask, WR_FN_ASIS},
    {"MASK_KEEP_LEFT", k_mask_keep_left, WR_FN_ASIS},
    {"MASK_KEEP_RIGHT", k_mask_keep_right, WR_FN_ASIS},
    {"MASK_LEFT", k_mask_left, WR_FN_ASIS},
    {"MASK_RIGHT", k_mask_right, WR_FN_ASIS},
    {"REPLACE", k_replace, WR_FN_ASIS},
    {"RPAD", k_rpad, WR_FN_ASIS},
    {"RTRIM", k_rtrim, WR_FN_ASIS},
    {"SPLIT", k_split, WR_FN_ASIS},
    {"SUBSTRING", k_substring, WR_FN_ASIS},
    {"TRIM", k_trim, WR_FN_ASIS},
    {"UCASE", k_ucase, WR_FN_ASIS},
    {NULL, NULL, WR_FN_ASIS},
};
