/*
 * json.c: the JSON DOM of json.h: a recursive-descent parser into arena
 * nodes and a compact writer.
 *
 * The parser follows RFC 8259 strictly (no comments, no trailing commas, no
 * NaN literals, no unescaped control characters in strings). Numbers are
 * validated and kept as their source text; strings are unescaped into
 * NUL-terminated UTF-8, \uXXXX surrogate pairs included (a lone surrogate is
 * an error). Nesting is limited to WR_JSON_MAX_DEPTH levels so that hostile
 * input cannot exhaust the stack. Every node, string and item array lives
 * in the caller's arena; on error nothing is freed (the arena owner resets
 * it) and err receives "at byte N: what".
 *
 * This DOM serves tests, expected outputs, keys and rare decoder paths; the
 * per-record value decoder in json_codec.c never builds one.
 */
#include "formats/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "formats/formats_int.h"
#include "common/text.h"

#define WR_JSON_MAX_DEPTH 512

typedef struct jparse {
    wr_arena *ar;  /* owns every node */
    const char *s; /* input start */
    const char *p; /* cursor */
    const char *e; /* input end */
    char *err;     /* message buffer (may be NULL) */
    size_t errlen; /* its size */
    bool failed;   /* an error was recorded */
} jparse;

/* Records "at byte N: msg" for the byte at `at` (first error wins). */
static void *jfail(jparse *jp, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void *jfail(jparse *jp, const char *at, const char *fmt, ...)
{
    if (jp->failed)
        return NULL;
    jp->failed = true;
    if (jp->err && jp->errlen) {
        char msg[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(jp->err, jp->errlen, "at byte %zu: %s", (size_t)(at - jp->s),
                 msg);
    }
    return NULL;
}

static void skip_ws(jparse *jp)
{
    while (jp->p < jp->e && (*jp->p == ' ' || *jp->p == '\t' ||
                             *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

/* Reads 4 hex digits at p; -1 if they are not all hex. */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = wr_hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Appends code point cp as UTF-8 at q; returns the new end. */
static char *put_utf8(char *q, unsigned long cp)
{
    if (cp < 0x80) {
        *q++ = (char)cp;
    } else if (cp < 0x800) {
        *q++ = (char)(0xc0 | (cp >> 6));
        *q++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *q++ = (char)(0xe0 | (cp >> 12));
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *q++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *q++ = (char)(0xf0 | (cp >> 18));
        *q++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *q++ = (char)(0x80 | (cp & 0x3f));
    }
    return q;
}

/*
 * Unescapes the string body raw[0..n) (already delimited, escapes
 * validated by the caller's scan or not) into dst, which has room for n
 * bytes. Returns the unescaped length, or -1 with *bad pointing at the
 * offending escape.
 */
static long unescape(const char *raw, size_t n, char *dst, const char **bad)
{
    const char *p = raw;
    const char *e = raw + n;
    char *q = dst;
    while (p < e) {
        if (*p != '\\') {
            *q++ = *p++;
            continue;
        }
        *bad = p;
        if (p + 1 >= e)
            return -1;
        char c = p[1];
        p += 2;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            *q++ = c;
            break;
        case 'b':
            *q++ = '\b';
            break;
        case 'f':
            *q++ = '\f';
            break;
        case 'n':
            *q++ = '\n';
            break;
        case 'r':
            *q++ = '\r';
            break;
        case 't':
            *q++ = '\t';
            break;
        case 'u': {
            long cp = e - p >= 4 ? hex4(p) : -1;
            if (cp < 0)
                return -1;
            p += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return -1;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                long lo = e - p >= 6 && p[0] == '\\' && p[1] == 'u'
                              ? hex4(p + 2)
                              : -1;
                if (lo < 0xdc00 || lo > 0xdfff)
                    return -1;
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            q = put_utf8(q, (unsigned long)cp);
            break;
        }
        default:
            return -1;
        }
    }
    return (long)(q - dst);
}

long wr_json_unescape(const char *raw, size_t n, char *dst, size_t *bad)
{
    const char *b = raw;
    long r = unescape(raw, n, dst, &b);
    if (r < 0 && bad)
        *bad = (size_t)(b - raw);
    return r;
}

/* Parses a string at jp->p (on the opening quote) into *out and *len. */
static bool parse_string(jparse *jp, const char **out, int32_t *len)
{
    const char *start = ++jp->p;
    bool esc = false;
    while (jp->p < jp->e && *jp->p != '"') {
        unsigned char c = (unsigned char)*jp->p;
        if (c < 0x20) {
            jfail(jp, jp->p, "control character in string");
            return false;
        }
        if (c == '\\') {
            esc = true;
            jp->p++;
            if (jp->p >= jp->e)
                break;
        }
        jp->p++;
    }
    if (jp->p >= jp->e) {
        jfail(jp, jp->p, "unterminated string");
        return false;
    }
    size_t n = (size_t)(jp->p - start);
    jp->p++;
    char *dst = wr_arena_alloc(jp->ar, n + 1);
    if (!dst) {
        jfail(jp, start, "out of memory");
        return false;
    }
    long m;
    if (esc) {
        const char *bad = start;
        m = unescape(start, n, dst, &bad);
        if (m < 0) {
            jfail(jp, bad, "invalid escape");
            return false;
        }
    } else {
        memcpy(dst, start, n);
        m = (long)n;
    }
    dst[m] = '\0';
    *out = dst;
    *len = (int32_t)m;
    return true;
}

size_t wr_json_scan_number(const char *p, const char *e)
{
    const char *s = p;
    if (p < e && *p == '-')
        p++;
    if (p >= e)
        return 0;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    } else {
        return 0;
    }
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9')
            return 0;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9')
            return 0;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    return (size_t)(p - s);
}

static wr_jval *parse_value(jparse *jp, int depth);

/* Appends v to a growing arena array (*items, *n, *cap). */
static bool push(jparse *jp, void ***items, int *n, int *cap, void *v)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 4;
        void **ni = wr_arena_alloc(jp->ar, sizeof(void *) * (size_t)nc);
        if (!ni)
            return false;
        if (*n)
            memcpy(ni, *items, sizeof(void *) * (size_t)*n);
        *items = ni;
        *cap = nc;
    }
    (*items)[(*n)++] = v;
    return true;
}

static wr_jval *parse_container(jparse *jp, wr_jval *v, int depth)
{
    bool obj = *jp->p == '{';
    char close = obj ? '}' : ']';
    void **items = NULL;
    void **keys = NULL;
    int n = 0;
    int cap = 0;
    int kn = 0;
    int kcap = 0;
    if (depth >= WR_JSON_MAX_DEPTH)
        return jfail(jp, jp->p, "nesting deeper than %d levels",
                     WR_JSON_MAX_DEPTH);
    jp->p++;
    skip_ws(jp);
    if (jp->p < jp->e && *jp->p == close) {
        jp->p++;
    } else {
        for (;;) {
            skip_ws(jp);
            if (obj) {
                const char *k;
                int32_t klen;
                if (jp->p >= jp->e || *jp->p != '"')
                    return jfail(jp, jp->p, "expected string key");
                if (!parse_string(jp, &k, &klen))
                    return NULL;
                skip_ws(jp);
                if (jp->p >= jp->e || *jp->p != ':')
                    return jfail(jp, jp->p, "expected ':'");
                jp->p++;
                if (!push(jp, &keys, &kn, &kcap, (void *)k))
                    return jfail(jp, jp->p, "out of memory");
            }
            wr_jval *item = parse_value(jp, depth + 1);
            if (!item)
                return NULL;
            if (!push(jp, &items, &n, &cap, item))
                return jfail(jp, jp->p, "out of memory");
            skip_ws(jp);
            if (jp->p < jp->e && *jp->p == ',') {
                jp->p++;
                continue;
            }
            if (jp->p < jp->e && *jp->p == close) {
                jp->p++;
                break;
            }
            return jfail(jp, jp->p,
                         obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    v->kind = obj ? WR_J_OBJ : WR_J_ARR;
    v->n = n;
    v->items = (wr_jval **)items;
    v->keys = obj ? (const char **)keys : NULL;
    return v;
}

static wr_jval *parse_value(jparse *jp, int depth)
{
    skip_ws(jp);
    if (jp->p >= jp->e)
        return jfail(jp, jp->p, "unexpected end of input");
    wr_jval *v = wr_arena_zalloc(jp->ar, sizeof(*v));
    if (!v)
        return jfail(jp, jp->p, "out of memory");
    char c = *jp->p;
    size_t rest = (size_t)(jp->e - jp->p);
    switch (c) {
    case '{':
    case '[':
        return parse_container(jp, v, depth);
    case '"':
        v->kind = WR_J_STR;
        return parse_string(jp, &v->s, &v->len) ? v : NULL;
    case 't':
    case 'f':
    case 'n': {
        const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t wl = strlen(word);
        if (rest < wl || memcmp(jp->p, word, wl) != 0)
            return jfail(jp, jp->p, "expected value");
        jp->p += wl;
        v->kind = c == 'n' ? WR_J_NULL : WR_J_BOOL;
        v->b = c == 't';
        return v;
    }
    default: {
        size_t len = wr_json_scan_number(jp->p, jp->e);
        if (len == 0)
            return jfail(jp, jp->p,
                         (c == '-' || (c >= '0' && c <= '9'))
                             ? "invalid number"
                             : "expected value");
        char *t = wr_arena_strndup(jp->ar, jp->p, len);
        if (!t)
            return jfail(jp, jp->p, "out of memory");
        v->kind = WR_J_NUM;
        v->s = t;
        v->len = (int32_t)len;
        jp->p += len;
        return v;
    }
    }
}

wr_jval *wr_json_parse(wr_arena *ar, const char *p, size_t n, char *err,
                       size_t errlen)
{
    jparse jp = {ar, p, p, p + n, err, errlen, false};
    if (err && errlen)
        err[0] = '\0';
    wr_jval *v = parse_value(&jp, 0);
    if (!v)
        return NULL;
    skip_ws(&jp);
    if (jp.p != jp.e)
        return jfail(&jp, jp.p, "unexpected data after the value");
    return v;
}

void wr_json_write_str(wr_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    wr_buf_putc(b, '"');
    size_t run = 0; /* start of the pending unescaped run */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        wr_buf_putn(b, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
            break;
        }
        wr_buf_putn(b, esc, el);
    }
    wr_buf_putn(b, s + run, n - run);
    wr_buf_putc(b, '"');
}

void wr_json_write(wr_buf *b, const wr_jval *v)
{
    switch (v->kind) {
    case WR_J_NULL:
        wr_buf_putn(b, "null", 4);
        break;
    case WR_J_BOOL:
        wr_buf_puts(b, v->b ? "true" : "false");
        break;
    case WR_J_NUM:
        wr_buf_putn(b, v->s, (size_t)v->len);
        break;
    case WR_J_STR:
        wr_json_write_str(b, v->s, (size_t)v->len);
        break;
    case WR_J_ARR:
    case WR_J_OBJ:
        wr_buf_putc(b, v->kind == WR_J_OBJ ? '{' : '[');
        for (int i = 0; i < v->n; i++) {
            if (i)
                wr_buf_putc(b, ',');
            if (v->kind == WR_J_OBJ) {
                wr_json_write_str(b, v->keys[i], strlen(v->keys[i]));
                wr_buf_putc(b, ':');
            }
            wr_json_write(b, v->items[i]);
        }
        wr_buf_putc(b, v->kind == WR_J_OBJ ? '}' : ']');
        break;
    }
}

const wr_jval *wr_json_get(const wr_jval *obj, const char *key)
{
    if (!obj || obj->kind != WR_J_OBJ)
        return NULL;
    const wr_jval *found = NULL;
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            found = obj->items[i]; /* the last duplicate wins */
    if (found)
        return found;
    size_t kl = strlen(key);
    for (int i = 0; i < obj->n; i++) {
        const char *k = obj->keys[i];
        if (strlen(k) != kl)
            continue;
        size_t j = 0;
        while (j < kl &&
               (k[j] == key[j] || ((unsigned char)(k[j] | 0x20) >= 'a' &&
                                   (unsigned char)(k[j] | 0x20) <= 'z' &&
                                   (k[j] | 0x20) == (key[j] | 0x20))))
            j++;
        if (j == kl)
            found = obj->items[i];
    }
    return found;
}
