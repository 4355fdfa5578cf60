/*
 * fn_misc.c: kernels of the NULL-handling, collection, JSON, date/time and
 * identifier scalar functions, plus the default text forms of TIMESTAMP,
 * DATE and TIME used by CAST (declared in fn_int.h).
 *
 * IFNULL, COALESCE, NULLIF and AS_VALUE are generic: their arguments all
 * have the result type (or are NULL literals), so they copy values by size
 * without looking at the type. The date/time functions interpret Java
 * DateTimeFormatter patterns: the letters y u M L d D H h k K m s S a E z Z
 * X x and quoted literals; numeric fields written with two or more letters
 * parse exactly that many digits. Time zones are UTC/GMT/Z and fixed
 * offsets ("+05:30", "UTC-3"); a region name such as "Europe/Paris" makes
 * the row fail (NULL plus an error). Calendar arithmetic is proleptic
 * Gregorian on days since 1970-01-01. EXTRACTJSONFIELD parses the document
 * with the JSON DOM of formats/json.h into the batch arena and follows a
 * JSONPath of .name, ['name'] and [index] steps. UUID and the clock
 * functions read per-thread state only.
 */
#include "exec/fn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/tz.h"
#include "formats/json.h"

#define ARGS                                                                   \
    wr_fnctx *f, const wr_col *args, int nargs, const wr_batch *b, wr_col *out

static inline bool anull(const wr_col *c, int i)
{
    return c->type->kind == WR_T_NULL || wr_col_is_null(c, i);
}

/* ---- NULL handling ------------------------------------------------------ */

/* Row i of the first argument among args[0..nargs) that is not NULL. */
static void first_non_null(const wr_col *args, int nargs, const wr_batch *b,
                           wr_col *out)
{
    size_t sz = wr_value_size(out->type->kind);
    WR_FOR_SEL(b, i)
    {
        for (int a = 0; a < nargs; a++) {
            if (anull(&args[a], i))
                continue;
            memcpy((char *)out->data + (size_t)i * sz,
                   (const char *)args[a].data + (size_t)i * sz, sz);
            wr_col_set_null(out, i, false);
            break;
        }
    }
}

static void k_coalesce(ARGS)
{
    (void)f;
    first_non_null(args, nargs, b, out);
}

static void k_as_value(ARGS)
{
    (void)f;
    first_non_null(args, nargs, b, out);
}

static void k_nullif(ARGS)
{
    (void)f, (void)nargs;
    size_t sz = wr_value_size(out->type->kind);
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i))
            continue;
        if (!anull(&args[1], i)) {
            wr_datum x, y;
            wr_col_get(&args[0], i, &x);
            wr_col_get(&args[1], i, &y);
            if (wr_datum_equal(out->type, &x, &y))
                continue;
        }
        memcpy((char *)out->data + (size_t)i * sz,
               (const char *)args[0].data + (size_t)i * sz, sz);
        wr_col_set_null(out, i, false);
    }
}

static void k_array_length(ARGS)
{
    (void)f, (void)nargs;
    int32_t *o = WR_COL_I32(out);
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i))
            continue;
        o[i] = WR_COL_NEST(&args[0])[i]->n;
        wr_col_set_null(out, i, false);
    }
}

/* ---- JSON --------------------------------------------------------------- */

/* Follows path (JSONPath subset) from v; NULL when absent or malformed. */
static const wr_jval *json_path(const wr_jval *v, const char *p, int n)
{
    int i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < n && p[i] == '$')
        i++;
    while (v && i < n) {
        char key[256];
        int kl = 0;
        if (p[i] == '.') {
            i++;
            while (i < n && p[i] != '.' && p[i] != '[' && kl < 255)
                key[kl++] = p[i++];
        } else if (p[i] == '[') {
            i++;
            if (i < n && (p[i] == '\'' || p[i] == '"')) {
                char q = p[i++];
                while (i < n && p[i] != q && kl < 255)
                    key[kl++] = p[i++];
                i++;
                if (i >= n || p[i] != ']')
                    return NULL;
                i++;
            } else {
                long idx = 0;
                bool digits = false;
                while (i < n && p[i] >= '0' && p[i] <= '9') {
                    idx = idx * 10 + (p[i++] - '0');
                    digits = true;
                }
                if (!digits || i >= n || p[i] != ']' || v->kind != WR_J_ARR)
                    return NULL;
                i++;
                v = idx < v->n ? v->items[idx] : NULL;
                continue;
            }
        } else {
            return NULL;
        }
        key[kl] = '\0';
        if (v->kind != WR_J_OBJ)
            return NULL;
        const wr_jval *next = NULL;
        for (int k = 0; k < v->n; k++)
            if (!strcmp(v->keys[k], key)) {
                next = v->items[k];
                break;
            }
        v = next;
    }
    return v;
}

static void k_extractjsonfield(ARGS)
{
    (void)nargs;
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i) || anull(&args[1], i))
            continue;
        wr_str js = WR_COL_STR(&args[0])[i], ps = WR_COL_STR(&args[1])[i];
        char err[128];
        wr_jval *root =
            wr_json_parse(f->ar, js.p, (size_t)js.len, err, sizeof err);
        if (!root)
            continue; /* ksqlDB returns NULL for malformed JSON */
        const wr_jval *v = json_path(root, ps.p, ps.len);
        if (!v || v->kind == WR_J_NULL)
            continue;
        if (v->kind == WR_J_STR) {
            wr_fn_put_str(out, i, v->s, (size_t)v->len);
            continue;
        }
        wr_buf buf = WR_BUF_INIT;
        wr_json_write(&buf, v);
        char *o = buf.oom ? NULL : wr_fn_alloc(f, buf.len);
        if (o) {
            memcpy(o, wr_buf_str(&buf), buf.len);
            wr_fn_put_str(out, i, o, buf.len);
        } else {
            f->oom = true;
        }
        wr_buf_fini(&buf);
        if (f->oom)
            return;
    }
}

/* ---- calendar ----------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Broken-down local time. */
typedef struct tparts {
    int64_t year;
    int mon, day, hour, min, sec, ms, dow, doy;
    int off;          /* zone offset in seconds */
    const char *abbr; /* the region's abbreviation ("CEST"), or NULL */
} tparts;

static void split_ms(int64_t ms, int off, tparts *t)
{
    ms += (int64_t)off * 1000;
    int64_t days = floordiv(ms, 86400000);
    int64_t rem = ms - days * 86400000;
    civil_from_days(days, &t->year, &t->mon, &t->day);
    t->hour = (int)(rem / 3600000);
    t->min = (int)(rem / 60000 % 60);
    t->sec = (int)(rem / 1000 % 60);
    t->ms = (int)(rem % 1000);
    t->dow = (int)(((days % 7) + 7 + 3) % 7); /* 0 Monday (1970-01-01 Thu) */
    t->doy = (int)(days - days_from_civil(t->year, 1, 1)) + 1;
    t->off = off;
    t->abbr = NULL;
}

int wr_fmt_date(int32_t days, char *buf)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    return snprintf(buf, 40, "%04lld-%02d-%02d", (long long)y, m, d);
}

int wr_fmt_time(int32_t ms, char *buf)
{
    int h = ms / 3600000, mi = ms / 60000 % 60, s = ms / 1000 % 60,
        f = ms % 1000;
    if (f)
        return snprintf(buf, 40, "%02d:%02d:%02d.%03d", h, mi, s, f);
    return snprintf(buf, 40, "%02d:%02d:%02d", h, mi, s);
}

int wr_fmt_timestamp(int64_t ms, char *buf)
{
    tparts t;
    split_ms(ms, 0, &t);
    return snprintf(buf, 40, "%04lld-%02d-%02dT%02d:%02d:%02d.%03d",
                    (long long)t.year, t.mon, t.day, t.hour, t.min, t.sec,
                    t.ms);
}

/* Reads exactly n digits (n > 0) or, with n == 0, 1..9 digits. */
static bool digits(const char *s, int len, int *p, int n, int64_t *out)
{
    int64_t v = 0;
    int k = 0;
    while (*p < len && s[*p] >= '0' && s[*p] <= '9' && (n ? k < n : k < 9)) {
        v = v * 10 + (s[*p] - '0');
        (*p)++;
        k++;
    }
    *out = v;
    return n ? k == n : k > 0;
}

/* Parses a zone offset "Z", "+hh", "+hh:mm", "+hhmm" at s[*p]. */
static bool parse_offset(const char *s, int len, int *p, int *off)
{
    if (*p < len && (s[*p] == 'Z' || s[*p] == 'z')) {
        (*p)++;
        *off = 0;
        return true;
    }
    if (*p >= len || (s[*p] != '+' && s[*p] != '-'))
        return false;
    int sg = s[(*p)++] == '-' ? -1 : 1;
    int64_t h, m = 0;
    if (!digits(s, len, p, 2, &h))
        return false;
    if (*p < len && s[*p] == ':')
        (*p)++;
    if (*p + 1 < len && s[*p] >= '0' && s[*p] <= '9')
        digits(s, len, p, 2, &m);
    if (h > 18 || m > 59)
        return false;
    *off = sg * (int)(h * 3600 + m * 60);
    return true;
}

bool wr_parse_date(const char *s, int n, int32_t *days)
{
    int p = 0;
    int64_t y, m, d;
    bool neg = p < n && s[p] == '-';
    if (neg)
        p++;
    if (!digits(s, n, &p, 4, &y) || p >= n || s[p++] != '-' ||
        !digits(s, n, &p, 2, &m) || p >= n || s[p++] != '-' ||
        !digits(s, n, &p, 2, &d) || p != n)
        return false;
    if (neg)
        y = -y;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
        return false;
    *days = (int32_t)days_from_civil(y, (int)m, (int)d);
    return true;
}

/* HH:mm[:ss[.fraction]] at s[*p]. */
static bool parse_hms(const char *s, int n, int *p, int32_t *ms)
{
    int64_t h, mi, sec = 0, frac = 0;
    if (!digits(s, n, p, 2, &h) || *p >= n || s[(*p)++] != ':' ||
        !digits(s, n, p, 2, &mi))
        return false;
    if (*p < n && s[*p] == ':') {
        (*p)++;
        if (!digits(s, n, p, 2, &sec))
            return false;
        if (*p < n && s[*p] == '.') {
            (*p)++;
            int k = 0;
            while (*p < n && s[*p] >= '0' && s[*p] <= '9') {
                if (k < 3)
                    frac = frac * 10 + (s[*p] - '0');
                k++;
                (*p)++;
            }
            if (k == 0)
                return false;
            for (; k < 3; k++)
                frac *= 10;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return false;
    *ms = (int32_t)(h * 3600000 + mi * 60000 + sec * 1000 + frac);
    return true;
}

bool wr_parse_time(const char *s, int n, int32_t *ms)
{
    int p = 0;
    return parse_hms(s, n, &p, ms) && p == n;
}

bool wr_parse_timestamp(const char *s, int n, int64_t *ms)
{
    int32_t days, t = 0;
    int p = 0;
    while (p < n && s[p] != 'T' && s[p] != ' ')
        p++;
    if (!wr_parse_date(s, p, &days))
        return false;
    int off = 0;
    if (p < n) {
        p++;
        if (!parse_hms(s, n, &p, &t))
            return false;
        if (p < n && !(parse_offset(s, n, &p, &off) && p == n))
            return false;
    }
    *ms = (int64_t)days * 86400000 + t - (int64_t)off * 1000;
    return true;
}

/* ---- Java DateTimeFormatter patterns ------------------------------------ */

static const char *const mon_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Monday",   "Tuesday", "Wednesday",
                                        "Thursday", "Friday",  "Saturday",
                                        "Sunday"};

static bool pat_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void put_num(wr_buf *o, int64_t v, int width)
{
    wr_buf_printf(o, "%0*lld", width, (long long)v);
}

/* Formats t with pattern pat into o; false on an unsupported letter. */
static bool format_pattern(wr_str pat, const tparts *t, wr_buf *o)
{
    const char *p = pat.p;
    int n = pat.len;
    for (int i = 0; i < n;) {
        char c = p[i];
        if (c == '\'') {
            i++;
            if (i < n && p[i] == '\'') {
                wr_buf_putc(o, '\'');
                i++;
                continue;
            }
            while (i < n) {
                if (p[i] == '\'') {
                    if (i + 1 < n && p[i + 1] == '\'') {
                        wr_buf_putc(o, '\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                wr_buf_putc(o, p[i++]);
            }
            continue;
        }
        if (!pat_letter(c)) {
            wr_buf_putc(o, c);
            i++;
            continue;
        }
        int cnt = 0;
        while (i < n && p[i] == c)
            i++, cnt++;
        switch (c) {
        case 'y':
        case 'u':
            if (cnt == 2)
                put_num(o, ((t->year % 100) + 100) % 100, 2);
            else
                put_num(o, t->year, cnt);
            break;
        case 'M':
        case 'L':
            if (cnt >= 4)
                wr_buf_puts(o, mon_names[t->mon - 1]);
            else if (cnt == 3)
                wr_buf_putn(o, mon_names[t->mon - 1], 3);
            else
                put_num(o, t->mon, cnt);
            break;
        case 'd':
            put_num(o, t->day, cnt);
            break;
        case 'D':
            put_num(o, t->doy, cnt);
            break;
        case 'H':
            put_num(o, t->hour, cnt);
            break;
        case 'k':
            put_num(o, t->hour ? t->hour : 24, cnt);
            break;
        case 'h':
            put_num(o, t->hour % 12 ? t->hour % 12 : 12, cnt);
            break;
        case 'K':
            put_num(o, t->hour % 12, cnt);
            break;
        case 'm':
            put_num(o, t->min, cnt);
            break;
        case 's':
            put_num(o, t->sec, cnt);
            break;
        case 'S': {
            char fr[16];
            snprintf(fr, sizeof fr, "%03d000000", t->ms);
            wr_buf_putn(o, fr, (size_t)(cnt > 9 ? 9 : cnt));
            break;
        }
        case 'a':
            wr_buf_puts(o, t->hour < 12 ? "AM" : "PM");
            break;
        case 'E':
            if (cnt >= 4)
                wr_buf_puts(o, day_names[t->dow]);
            else
                wr_buf_putn(o, day_names[t->dow], 3);
            break;
        case 'X':
        case 'x':
        case 'Z':
        case 'z': {
            int off = t->off, a = off < 0 ? -off : off;
            if (c == 'z' && t->abbr) { /* a region: "CET", "EDT" */
                wr_buf_puts(o, t->abbr);
                break;
            }
            if (c == 'z') {
                wr_buf_puts(o, off ? "" : "UTC");
                if (!off)
                    break;
            }
            if (off == 0 && c == 'X') {
                wr_buf_putc(o, 'Z');
                break;
            }
            wr_buf_printf(o, "%c%02d", off < 0 ? '-' : '+', a / 3600);
            if (c == 'Z' || cnt == 2 || (c != 'z' && cnt == 4))
                wr_buf_printf(o, "%02d", a / 60 % 60);
            else if (cnt >= 3 || c == 'z' || (c != 'X' && c != 'x'))
                wr_buf_printf(o, ":%02d", a / 60 % 60);
            else if (a % 3600)
                wr_buf_printf(o, "%02d", a / 60 % 60);
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

/* Parses s with pattern pat into *local, the local date-time in ms since
 * the epoch as if it were UTC; when the text carries a zone offset, *has_off
 * is set and *off (seconds) gets it. False on mismatch. */
static bool parse_pattern(wr_str pat, wr_str s, int64_t *local, bool *has_off,
                          int *off)
{
    int64_t year = 1970, mon = 1, day = 1, hour = 0, min = 0, sec = 0, frac = 0;
    int pm = -1, p = 0;
    bool h12 = false;
    *has_off = false;
    const char *q = pat.p;
    int n = pat.len;
    for (int i = 0; i < n;) {
        char c = q[i];
        if (c == '\'') {
            i++;
            while (i < n) {
                if (q[i] == '\'') {
                    if (i + 1 < n && q[i + 1] == '\'') {
                        if (p >= s.len || s.p[p] != '\'')
                            return false;
                        p++;
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (p >= s.len || s.p[p] != q[i])
                    return false;
                p++, i++;
            }
            continue;
        }
        if (!pat_letter(c)) {
            if (p >= s.len || s.p[p] != c)
                return false;
            p++, i++;
            continue;
        }
        int cnt = 0;
        while (i < n && q[i] == c)
            i++, cnt++;
        /* Adjacent numeric fields need fixed widths. */
        bool adjacent = i < n && pat_letter(q[i]);
        int width = (cnt >= 2 || adjacent) ? cnt : 0;
        int64_t v;
        switch (c) {
        case 'y':
        case 'u':
            if (cnt == 2) {
                if (!digits(s.p, s.len, &p, 2, &v))
                    return false;
                year = 2000 + v;
            } else {
                bool neg = p < s.len && s.p[p] == '-';
                p += neg;
                if (!digits(s.p, s.len, &p, cnt == 4 && adjacent ? 4 : 0, &v))
                    return false;
                year = neg ? -v : v;
            }
            break;
        case 'M':
        case 'L':
            if (cnt >= 3) {
                int k;
                for (k = 0; k < 12; k++) {
                    size_t l = cnt == 3 ? 3 : strlen(mon_names[k]);
                    if (p + (int)l <= s.len &&
                        !strncasecmp(s.p + p, mon_names[k], l)) {
                        p += (int)l;
                        break;
                    }
                }
                if (k == 12)
                    return false;
                mon = k + 1;
            } else if (!digits(s.p, s.len, &p, width, &mon)) {
                return false;
            }
            break;
        case 'd':
            if (!digits(s.p, s.len, &p, width, &day))
                return false;
            break;
        case 'H':
        case 'k':
            if (!digits(s.p, s.len, &p, width, &hour))
                return false;
            if (c == 'k' && hour == 24)
                hour = 0;
            break;
        case 'h':
        case 'K':
            if (!digits(s.p, s.len, &p, width, &hour))
                return false;
            h12 = true;
            break;
        case 'm':
            if (!digits(s.p, s.len, &p, width, &min))
                return false;
            break;
        case 's':
            if (!digits(s.p, s.len, &p, width, &sec))
                return false;
            break;
        case 'S': {
            int k = 0;
            frac = 0;
            while (p < s.len && s.p[p] >= '0' && s.p[p] <= '9' && k < cnt) {
                if (k < 3)
                    frac = frac * 10 + (s.p[p] - '0');
                p++, k++;
            }
            if (k != cnt)
                return false;
            for (; k < 3; k++)
                frac *= 10;
            break;
        }
        case 'a':
            if (p + 2 > s.len)
                return false;
            if (!strncasecmp(s.p + p, "AM", 2))
                pm = 0;
            else if (!strncasecmp(s.p + p, "PM", 2))
                pm = 1;
            else
                return false;
            p += 2;
            break;
        case 'E': {
            int k;
            for (k = 0; k < 7; k++) {
                size_t l = cnt >= 4 ? strlen(day_names[k]) : 3;
                if (p + (int)l <= s.len &&
                    !strncasecmp(s.p + p, day_names[k], l)) {
                    p += (int)l;
                    break;
                }
            }
            if (k == 7)
                return false;
            break;
        }
        case 'X':
        case 'x':
        case 'Z':
        case 'z': {
            bool named =
                c == 'z' && p + 3 <= s.len &&
                (!strncmp(s.p + p, "UTC", 3) || !strncmp(s.p + p, "GMT", 3));
            if (named) {
                p += 3;
                *has_off = true;
                *off = 0;
            }
            if (parse_offset(s.p, s.len, &p, off))
                *has_off = true;
            else if (!named)
                return false;
            break;
        }
        default:
            return false;
        }
    }
    if (p != s.len)
        return false;
    if (h12) {
        if (hour < 1 || hour > 12)
            return false;
        hour %= 12;
        if (pm == 1)
            hour += 12;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12 || day < 1 ||
        day > mdays[mon - 1] + (mon == 2 && leap(year)) || hour > 23 ||
        min > 59 || sec > 59)
        return false;
    *local = days_from_civil(year, (int)mon, (int)day) * 86400000 +
             hour * 3600000 + min * 60000 + sec * 1000 + frac;
    return true;
}

/* The zone argument of one kernel call: the last zone id resolved and its
 * zone, reused while the next rows name the same zone. */
typedef struct zone_memo {
    bool set;  /* id and z hold a resolved zone */
    wr_str id; /* that row's id, borrowed from the argument column */
    wr_zone z; /* its zone */
} zone_memo;

/* Resolves the optional zone argument za of row i into *z (UTC without
 * one), through the memo m. False when the row's result is NULL: a NULL
 * zone, or a name that is not a zone (which counts an error). Borrows
 * everything; allocates nothing once the zone is in the tz cache. */
static bool row_zone(wr_fnctx *f, const wr_col *args, int nargs, int za, int i,
                     zone_memo *m, wr_zone *z)
{
    z->tz = NULL;
    z->off = 0;
    if (za >= nargs)
        return true;
    if (anull(&args[za], i))
        return false;
    wr_str id = WR_COL_STR(&args[za])[i];
    if (m->set && m->id.len == id.len &&
        (id.len == 0 || memcmp(m->id.p, id.p, (size_t)id.len) == 0)) {
        *z = m->z;
        return true;
    }
    weir_rc rc = wr_zone_lookup(id.p, (size_t)id.len, z);
    if (rc == WEIR_OK) {
        m->set = true;
        m->id = id;
        m->z = *z;
        return true;
    }
    if (rc == WEIR_E_NOMEM)
        f->oom = true;
    else
        wr_fn_error(f, "Unknown time-zone ID: %.*s", id.len > 60 ? 60 : id.len,
                    id.len ? id.p : "");
    return false;
}

/* Formats ms (at row i) with the pattern column into out. */
static void fmt_row(wr_fnctx *f, int64_t ms, const wr_col *args, int nargs,
                    int i, wr_col *out, wr_buf *buf, zone_memo *m)
{
    wr_zone z;
    if (anull(&args[1], i) || !row_zone(f, args, nargs, 2, i, m, &z))
        return;
    const char *abbr;
    int off = wr_zone_offset_at(&z, floordiv(ms, 1000), &abbr);
    tparts t;
    split_ms(ms, off, &t);
    t.abbr = abbr;
    wr_buf_reset(buf);
    wr_str pat = WR_COL_STR(&args[1])[i];
    if (!format_pattern(pat, &t, buf)) {
        wr_fn_error(f, "Unknown pattern letter in '%.*s'",
                    pat.len > 60 ? 60 : pat.len, pat.p);
        return;
    }
    char *o = buf->oom ? NULL : wr_fn_alloc(f, buf->len);
    if (!o) {
        f->oom = true;
        return;
    }
    memcpy(o, wr_buf_str(buf), buf->len);
    wr_fn_put_str(out, i, o, buf->len);
}

/* TIMESTAMPTOSTRING(BIGINT), FORMAT_TIMESTAMP(TIMESTAMP), DATETOSTRING(INT
 * days): the first argument is ms (days when days is set). */
static void format_kernel(wr_fnctx *f, const wr_col *args, int nargs,
                          const wr_batch *b, wr_col *out, bool days)
{
    wr_buf buf = WR_BUF_INIT;
    zone_memo m = {0};
    WR_FOR_SEL(b, i)
    {
        if (anull(&args[0], i))
            continue;
        int64_t ms = days ? (int64_t)WR_COL_I32(&args[0])[i] * 86400000
                          : WR_COL_I64(&args[0])[i];
        fmt_row(f, ms, args, nargs, i, out, &buf, &m);
        if (f->oom)
            break;
    }
    wr_buf_fini(&buf);
}

static void k_timestamptostring(ARGS)
{
    format_kernel(f, args, nargs, b, out, false);
}

static void k_datetostring(ARGS)
{
    format_kernel(f, args, nargs, b, out, true);
}

/* STRINGTOTIMESTAMP (BIGINT out), PARSE_TIMESTAMP (TIMESTAMP out),
 * STRINGTODATE (INT days out). */
static void parse_kernel(wr_fnctx *f, const wr_col *args, int nargs,
                         const wr_batch *b, wr_col *out, bool days)
{
    zone_memo m = {0};
    WR_FOR_SEL(b, i)
    {
        wr_zone z;
        if (anull(&args[0], i) || anull(&args[1], i))
            continue;
        if (!row_zone(f, args, nargs, 2, i, &m, &z)) {
            if (f->oom)
                break;
            continue;
        }
        wr_str s = WR_COL_STR(&args[0])[i], pat = WR_COL_STR(&args[1])[i];
        int64_t ms;
        bool has_off;
        int off;
        if (!parse_pattern(pat, s, &ms, &has_off, &off)) {
            wr_fn_error(f, "Failed to parse date '%.*s' with formatter '%.*s'",
                        s.len > 60 ? 60 : s.len, s.p,
                        pat.len > 60 ? 60 : pat.len, pat.p);
            continue;
        }
        /* A zone in the text wins; else the zone argument's offset for
         * that local time (Java's choice in DST gaps and overlaps). */
        if (!has_off)
            off = wr_zone_offset_local(&z, floordiv(ms, 1000));
        ms -= (int64_t)off * 1000;
        if (days)
            WR_COL_I32(out)[i] = (int32_t)floordiv(ms, 86400000);
        else
            WR_COL_I64(out)[i] = ms;
        wr_col_set_null(out, i, false);
    }
}

static void k_stringtotimestamp(ARGS)
{
    parse_kernel(f, args, nargs, b, out, false);
}

static void k_stringtodate(ARGS)
{
    parse_kernel(f, args, nargs, b, out, true);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* UNIX_TIMESTAMP([ts]) and FROM_UNIXTIME(ms): BIGINT and TIMESTAMP share
 * their representation. */
static void k_unix_timestamp(ARGS)
{
    (void)f;
    int64_t now = nargs == 0 ? now_ms() : 0;
    int64_t *o = WR_COL_I64(out);
    WR_FOR_SEL(b, i)
    {
        if (nargs > 0 && anull(&args[0], i))
            continue;
        o[i] = nargs ? WR_COL_I64(&args[0])[i] : now;
        wr_col_set_null(out, i, false);
    }
}

static void k_unix_date(ARGS)
{
    (void)f;
    int32_t today = nargs == 0 ? (int32_t)floordiv(now_ms(), 86400000) : 0;
    int32_t *o = WR_COL_I32(out);
    WR_FOR_SEL(b, i)
    {
        if (nargs > 0 && anull(&args[0], i))
            continue;
        o[i] = nargs ? WR_COL_I32(&args[0])[i] : today;
        wr_col_set_null(out, i, false);
    }
}

static _Thread_local uint64_t uuid_state;

/* UUID(): a random (version 4) UUID from a per-thread generator. */
static void k_uuid(ARGS)
{
    (void)args, (void)nargs;
    if (!uuid_state) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uuid_state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
                     (uint64_t)(uintptr_t)&uuid_state;
        if (!uuid_state)
            uuid_state = 88172645463325252ull;
    }
    WR_FOR_SEL(b, i)
    {
        uint8_t r[16];
        for (int k = 0; k < 16; k += 8) {
            uuid_state ^= uuid_state >> 12;
            uuid_state ^= uuid_state << 25;
            uuid_state ^= uuid_state >> 27;
            uint64_t v = uuid_state * 0x2545F4914F6CDD1Dull;
            memcpy(r + k, &v, 8);
        }
        r[6] = (uint8_t)((r[6] & 0x0F) | 0x40);
        r[8] = (uint8_t)((r[8] & 0x3F) | 0x80);
        char *o = wr_fn_alloc(f, 37);
        if (!o)
            return;
        int m = 0;
        for (int k = 0; k < 16; k++) {
            if (k == 4 || k == 6 || k == 8 || k == 10)
                o[m++] = '-';
            m += snprintf(o + m, 3, "%02x", r[k]);
        }
        wr_fn_put_str(out, i, o, 36);
    }
}

const wr_fn_impl wr_fn_misc[] = {
    {"ARRAY_LENGTH", k_array_length, WR_FN_ASIS},
    {"AS_VALUE", k_as_value, WR_FN_ASIS},
    {"COALESCE", k_coalesce, WR_FN_TO_RESULT},
    {"DATETOSTRING", k_datetostring, WR_FN_ASIS},
    {"EXTRACTJSONFIELD", k_extractjsonfield, WR_FN_ASIS},
    {"FORMAT_TIMESTAMP", k_timestamptostring, WR_FN_ASIS},
    {"FROM_UNIXTIME", k_unix_timestamp, WR_FN_ARG0_LONG},
    {"IFNULL", k_coalesce, WR_FN_TO_RESULT},
    {"NULLIF", k_nullif, WR_FN_TO_RESULT},
    {"PARSE_TIMESTAMP", k_stringtotimestamp, WR_FN_ASIS},
    {"STRINGTODATE", k_stringtodate, WR_FN_ASIS},
    {"STRINGTOTIMESTAMP", k_stringtotimestamp, WR_FN_ASIS},
    {"TIMESTAMPTOSTRING", k_timestamptostring, WR_FN_ARG0_LONG},
    {"UNIX_DATE", k_unix_date, WR_FN_ASIS},
    {"UNIX_TIMESTAMP", k_unix_timestamp, WR_FN_ASIS},
    {"UUID", k_uuid, WR_FN_ASIS},
    {NULL, NULL, WR_FN_ASIS},
};
