/*
 * json_codec.c: the schema-directed JSON decoder for record values and keys
 * (the engine's hot path), with ksqlDB's JSON deserializer semantics.
 *
 * One pass over the bytes, no DOM, no allocation for records whose strings
 * have no escapes when the caller lets us borrow the input. A record value
 * must be a JSON object (or the literal null: a tombstone). Each member name
 * is looked up among the declared fields: first the field after the last
 * match (records usually keep the declared order), then all of them.
 * Matching follows KsqlJsonDeserializer: a declared field takes the member
 * of exactly its name if there is one, else a member whose upper-cased name
 * equals it (ASCII upper-casing here); later duplicates win. When no
 * declared name has a lower-case letter, a member can match at most one
 * field, so the first hit ends the lookup; otherwise both an exact and an
 * upper-cased match are honoured. Members that match nothing, or a field
 * the query does not use (col -1), are skipped with a validating scanner
 * that converts nothing.
 *
 * Conversions follow ksqlDB's coercions: integers accept JSON numbers
 * (fractions truncate, as Jackson's intValue does; out of range is an
 * error) and numeric strings; DOUBLE accepts numbers and numeric strings;
 * DECIMAL accepts numbers and numeric strings exactly (no rounding, must
 * fit the precision); BOOLEAN accepts true/false and the strings "true" and
 * "false" in any case; STRING accepts anything (numbers keep their source
 * text, objects become compact JSON, arrays Java's List.toString form);
 * BYTES is base64; ARRAY, MAP and STRUCT recurse. JSON null is SQL NULL.
 *
 * Memory: strings and nested values go to b->ar (the batch arena), or point
 * into the input when `borrow` is set and the string has no escapes. Any
 * error (syntax or conversion) leaves every target cell of the row NULL and
 * returns WEIR_E_DATA with "malformed JSON at byte N: ..." or a ksqlDB-style
 * conversion message naming the field.
 */
#include "formats/formats_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/json.h"

#define JDEPTH_MAX 512

typedef struct jdec {
    const char *s;    /* start of the input (for byte offsets) */
    const char *p;    /* cursor */
    const char *e;    /* end of the input */
    wr_arena *ar;     /* receives copied strings and nested values */
    bool borrow;      /* strings may point into the input */
    char *err;        /* message buffer (may be NULL) */
    size_t errlen;    /* its size */
    bool failed;      /* an error has been recorded */
    const char *path; /* top-level field being decoded, for messages */
} jdec;

/* A scalar token, or the opener of a container. */
typedef enum jkind {
    JK_NUM,
    JK_STR,
    JK_TRUE,
    JK_FALSE,
    JK_NULL,
    JK_OBJ,
    JK_ARR
} jkind;

typedef struct jtok {
    jkind kind;      /* what was read */
    const char *raw; /* NUM: text; STR: body between the quotes */
    size_t len;      /* its length */
    bool esc;        /* STR: the body has escapes */
    /* NUM only: value = (neg ? -1 : 1) * mant * 10^exp10 when !trunc */
    bool neg;      /* leading minus */
    bool is_int;   /* no fraction and no exponent */
    bool trunc;    /* more than 19 significant digits */
    uint64_t mant; /* significant digits */
    int exp10;     /* decimal exponent of mant */
} jtok;

/* Bytes that end the fast scan of a string body: quote, backslash, and
 * control characters (which JSON forbids unescaped). */
static const uint8_t str_stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ['"'] = 1, ['\\'] = 1,
};

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Records a syntax error at `at` (the first error wins). Returns false. */
static bool syntax(jdec *jd, const char *at, const char *what)
{
    if (!jd->failed) {
        jd->failed = true;
        wr_fmt_err(jd->err, jd->errlen, "malformed JSON at byte %zu: %s",
                   (size_t)(at - jd->s), what);
    }
    return false;
}

/* Records a conversion error naming the field. Returns false. */
static bool convert_fail(jdec *jd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool convert_fail(jdec *jd, const char *fmt, ...)
{
    if (!jd->failed) {
        jd->failed = true;
        if (jd->err && jd->errlen) {
            char msg[200];
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(msg, sizeof msg, fmt, ap);
            va_end(ap);
            snprintf(jd->err, jd->errlen, "%s, path: $.%s", msg,
                     jd->path ? jd->path : "");
        }
    }
    return false;
}

static inline void ws(jdec *jd)
{
    /* Compact JSON has no whitespace: one test in the common case. */
    if (jd->p < jd->e && (unsigned char)*jd->p > ' ')
        return;
    while (jd->p < jd->e && (*jd->p == ' ' || *jd->p == '\n' ||
                             *jd->p == '\r' || *jd->p == '\t'))
        jd->p++;
}

/* Scans a string whose opening quote is at jd->p. */
static inline bool scan_str(jdec *jd, jtok *tk)
{
    const char *q = ++jd->p;
    const char *e = jd->e;
    bool esc = false;
    for (;;) {
        while (q < e && !str_stop[(unsigned char)*q])
            q++;
        if (q >= e)
            return syntax(jd, q, "unterminated string");
        if (*q == '"')
            break;
        if (*q != '\\')
            return syntax(jd, q, "control character in string");
        esc = true;
        q += 2;
        if (q > e)
            return syntax(jd, e, "unterminated string");
    }
    tk->kind = JK_STR;
    tk->raw = jd->p;
    tk->len = (size_t)(q - jd->p);
    tk->esc = esc;
    jd->p = q + 1;
    return true;
}

/* Scans a number at jd->p, accumulating up to 19 significant digits. */
static bool scan_num(jdec *jd, jtok *tk)
{
    const char *q = jd->p;
    const char *e = jd->e;
    uint64_t m = 0;
    int nd = 0;
    int exp10 = 0;
    bool trunc = false;
    tk->neg = false;
    if (q < e && *q == '-') {
        tk->neg = true;
        q++;
    }
    if (q >= e)
        return syntax(jd, q, "invalid number");
    if (*q == '0') {
        q++;
    } else if (*q >= '1' && *q <= '9') {
        do {
            unsigned dg = (unsigned)(*q - '0');
            if (nd < 19) {
                m = m * 10 + dg;
                nd++;
            } else {
                exp10++;
                trunc |= dg != 0;
            }
            q++;
        } while (q < e && *q >= '0' && *q <= '9');
    } else {
        return syntax(jd, q, "invalid number");
    }
    tk->is_int = true;
    if (q < e && *q == '.') {
        tk->is_int = false;
        q++;
        if (q >= e || *q < '0' || *q > '9')
            return syntax(jd, q, "invalid number");
        do {
            unsigned dg = (unsigned)(*q - '0');
            if (m == 0 && dg == 0) {
                exp10--;
            } else if (nd < 19) {
                m = m * 10 + dg;
                nd++;
                exp10--;
            } else {
                trunc |= dg != 0;
            }
            q++;
        } while (q < e && *q >= '0' && *q <= '9');
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        tk->is_int = false;
        q++;
        bool eneg = false;
        if (q < e && (*q == '+' || *q == '-'))
            eneg = *q++ == '-';
        if (q >= e || *q < '0' || *q > '9')
            return syntax(jd, q, "invalid number");
        int ev = 0;
        do {
            if (ev < 100000)
                ev = ev * 10 + (*q - '0');
            q++;
        } while (q < e && *q >= '0' && *q <= '9');
        exp10 += eneg ? -ev : ev;
    }
    tk->kind = JK_NUM;
    tk->esc = false;
    tk->raw = jd->p;
    tk->len = (size_t)(q - jd->p);
    tk->mant = m;
    tk->exp10 = exp10;
    tk->trunc = trunc;
    jd->p = q;
    return true;
}

/* Reads the next token; for containers the cursor stays on the opener. */
static bool next_tok(jdec *jd, jtok *tk)
{
    ws(jd);
    if (jd->p >= jd->e)
        return syntax(jd, jd->p, "unexpected end of input");
    const char *q = jd->p;
    size_t rest = (size_t)(jd->e - q);
    switch (*q) {
    case '"':
        return scan_str(jd, tk);
    case '{':
        tk->kind = JK_OBJ;
        return true;
    case '[':
        tk->kind = JK_ARR;
        return true;
    case 't':
        if (rest < 4 || memcmp(q, "true", 4) != 0)
            return syntax(jd, q, "expected value");
        tk->kind = JK_TRUE;
        jd->p += 4;
        return true;
    case 'f':
        if (rest < 5 || memcmp(q, "false", 5) != 0)
            return syntax(jd, q, "expected value");
        tk->kind = JK_FALSE;
        jd->p += 5;
        return true;
    case 'n':
        if (rest < 4 || memcmp(q, "null", 4) != 0)
            return syntax(jd, q, "expected value");
        tk->kind = JK_NULL;
        jd->p += 4;
        return true;
    default:
        if (*q == '-' || (*q >= '0' && *q <= '9'))
            return scan_num(jd, tk);
        return syntax(jd, q, "expected value");
    }
}

static bool skip_value(jdec *jd, int depth);

/* Skips a container whose opener is at jd->p, validating it. */
static bool skip_container(jdec *jd, int depth)
{
    bool obj = *jd->p == '{';
    char close = obj ? '}' : ']';
    if (depth >= JDEPTH_MAX)
        return syntax(jd, jd->p, "nesting too deep");
    jd->p++;
    ws(jd);
    if (jd->p < jd->e && *jd->p == close) {
        jd->p++;
        return true;
    }
    for (;;) {
        if (obj) {
            jtok k;
            ws(jd);
            if (jd->p >= jd->e || *jd->p != '"')
                return syntax(jd, jd->p, "expected string key");
            if (!scan_str(jd, &k))
                return false;
            ws(jd);
            if (jd->p >= jd->e || *jd->p != ':')
                return syntax(jd, jd->p, "expected ':'");
            jd->p++;
        }
        if (!skip_value(jd, depth + 1))
            return false;
        ws(jd);
        if (jd->p < jd->e && *jd->p == ',') {
            jd->p++;
            continue;
        }
        if (jd->p < jd->e && *jd->p == close) {
            jd->p++;
            return true;
        }
        return syntax(jd, jd->p,
                      obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool skip_value(jdec *jd, int depth)
{
    jtok tk;
    if (!next_tok(jd, &tk))
        return false;
    if (tk.kind == JK_OBJ || tk.kind == JK_ARR)
        return skip_container(jd, depth);
    if (tk.kind == JK_STR && tk.esc) {
        /* Validate the escapes (an invalid one is malformed JSON). */
        char stack[256];
        char *dst = tk.len <= sizeof stack ? stack : malloc(tk.len);
        size_t bad = 0;
        long r = dst ? wr_json_unescape(tk.raw, tk.len, dst, &bad) : 0;
        if (dst != stack)
            free(dst);
        if (r < 0)
            return syntax(jd, tk.raw + bad, "invalid escape");
    }
    return true;
}

/* Jackson's node class for a token, for conversion messages. */
static const char *node_name(const jtok *tk)
{
    switch (tk->kind) {
    case JK_NUM:
        if (!tk->is_int)
            return "DecimalNode";
        if (tk->trunc || tk->mant > (uint64_t)INT64_MAX)
            return "BigIntegerNode";
        return tk->mant > (uint64_t)INT32_MAX ? "LongNode" : "IntNode";
    case JK_STR:
        return "TextNode";
    case JK_TRUE:
    case JK_FALSE:
        return "BooleanNode";
    case JK_NULL:
        return "NullNode";
    case JK_OBJ:
        return "ObjectNode";
    default:
        return "ArrayNode";
    }
}

static bool bad_type(jdec *jd, const jtok *tk, const wr_type *t)
{
    char tb[128];
    return convert_fail(jd,
                        "Can't convert type. sourceType: %s, requiredType: %s",
                        node_name(tk), wr_type_format(t, tb, sizeof tb));
}

/* The text of a string token: borrowed, copied or unescaped into jd->ar. */
static inline bool str_text(jdec *jd, const jtok *tk, bool may_borrow,
                            wr_str *out)
{
    if (!tk->esc) {
        if (tk->len == 0) {
            out->p = "";
            out->len = 0;
            return true;
        }
        if (may_borrow) {
            out->p = tk->raw;
        } else {
            char *c = wr_arena_alloc(jd->ar, tk->len);
            if (!c)
                return convert_fail(jd, "out of memory");
            memcpy(c, tk->raw, tk->len);
            out->p = c;
        }
        out->len = (int32_t)tk->len;
        return true;
    }
    char *c = wr_arena_alloc(jd->ar, tk->len);
    if (!c)
        return convert_fail(jd, "out of memory");
    size_t bad = 0;
    long r = wr_json_unescape(tk->raw, tk->len, c, &bad);
    if (r < 0)
        return syntax(jd, tk->raw + bad, "invalid escape");
    out->p = c;
    out->len = (int32_t)r;
    return true;
}

/* strtod over a token's text (which is not NUL-terminated). */
static double num_strtod(const jtok *tk)
{
    char stack[64];
    char *b = tk->len < sizeof stack ? stack : malloc(tk->len + 1);
    if (!b)
        return NAN;
    memcpy(b, tk->raw, tk->len);
    b[tk->len] = '\0';
    double d = strtod(b, NULL);
    if (b != stack)
        free(b);
    return d;
}

/* The double nearest to a number token (exact fast path, else strtod). */
static double num_double(const jtok *tk)
{
    if (!tk->trunc && tk->mant <= ((uint64_t)1 << 53) && tk->exp10 >= -22 &&
        tk->exp10 <= 22) {
        double d = (double)tk->mant;
        d = tk->exp10 < 0 ? d / p10[-tk->exp10] : d * p10[tk->exp10];
        return tk->neg ? -d : d;
    }
    if (tk->mant == 0)
        return tk->neg ? -0.0 : 0.0;
    return num_strtod(tk);
}

/* Integer value of a number token in [lo, hi], truncating fractions. */
static bool num_int(jdec *jd, const jtok *tk, const wr_type *t, int64_t lo,
                    int64_t hi, int64_t *out)
{
    char tb[64];
    if (tk->is_int && !tk->trunc && tk->exp10 == 0) {
        uint64_t m = tk->mant;
        if (tk->neg) {
            if (m <= (uint64_t)INT64_MAX + 1) {
                int64_t v =
                    m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
                if (v >= lo) {
                    *out = v;
                    return true;
                }
            }
        } else if (m <= (uint64_t)hi) {
            *out = (int64_t)m;
            return true;
        }
    } else if (!tk->is_int) {
        double d = trunc(num_double(tk));
        if (d >= (double)lo && d <= (double)hi && d < 9223372036854775808.0) {
            *out = (int64_t)d;
            return true;
        }
    }
    return convert_fail(jd, "Value %.*s is out of range for type %s",
                        (int)(tk->len > 64 ? 64 : tk->len), tk->raw,
                        wr_type_format(t, tb, sizeof tb));
}

static bool decode_value(jdec *jd, const wr_type *t, wr_datum *out, int depth);

/* Appends a DOM value as Jackson's asText / List.toString would. */
static void put_astext(wr_buf *b, const wr_jval *v)
{
    if (v->kind == WR_J_STR) {
        wr_buf_putn(b, v->s, (size_t)v->len);
    } else if (v->kind == WR_J_ARR) {
        wr_buf_putc(b, '[');
        for (int i = 0; i < v->n; i++) {
            if (i)
                wr_buf_putn(b, ", ", 2);
            put_astext(b, v->items[i]);
        }
        wr_buf_putc(b, ']');
    } else {
        wr_json_write(b, v);
    }
}

/* STRING from an object or array: rare, so it goes through the DOM. */
static bool container_text(jdec *jd, int depth, wr_str *out)
{
    const char *start = jd->p;
    if (!skip_container(jd, depth))
        return false;
    char msg[8];
    wr_jval *v =
        wr_json_parse(jd->ar, start, (size_t)(jd->p - start), msg, sizeof msg);
    if (!v)
        return convert_fail(jd, "out of memory");
    wr_buf b = WR_BUF_INIT;
    put_astext(&b, v);
    char *c = b.oom ? NULL : wr_arena_alloc(jd->ar, b.len ? b.len : 1);
    if (c)
        memcpy(c, wr_buf_str(&b), b.len);
    out->p = c;
    out->len = (int32_t)b.len;
    wr_buf_fini(&b);
    return c ? true : convert_fail(jd, "out of memory");
}

/* Grows an arena array of datums to hold at least need items. */
static bool grow_items(jdec *jd, wr_datum **items, int *cap, int need)
{
    if (need <= *cap)
        return true;
    int nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    wr_datum *ni = wr_arena_alloc(jd->ar, sizeof(wr_datum) * (size_t)nc);
    if (!ni)
        return convert_fail(jd, "out of memory");
    if (*cap)
        memcpy(ni, *items, sizeof(wr_datum) * (size_t)*cap);
    *items = ni;
    *cap = nc;
    return true;
}

/* Upper-cased (ASCII) a[0..n) equals b[0..n). */
static inline bool upper_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c >= 'a' && c <= 'z')
            c -= 32;
        if (c != (unsigned char)b[i])
            return false;
    }
    return true;
}

/* The unescaped text of a member name (scratch: stack or jd->ar). */
static inline bool key_text(jdec *jd, const jtok *k, char *stack, size_t cap,
                            const char **s, size_t *n)
{
    if (!k->esc) {
        *s = k->raw;
        *n = k->len;
        return true;
    }
    char *dst = k->len <= cap ? stack : wr_arena_alloc(jd->ar, k->len);
    if (!dst)
        return convert_fail(jd, "out of memory");
    size_t bad = 0;
    long r = wr_json_unescape(k->raw, k->len, dst, &bad);
    if (r < 0)
        return syntax(jd, k->raw + bad, "invalid escape");
    *s = dst;
    *n = (size_t)r;
    return true;
}

/* Reads a member name and the ':' after it; the cursor is on the name. */
static inline bool member_name(jdec *jd, jtok *k)
{
    ws(jd);
    if (jd->p >= jd->e || *jd->p != '"')
        return syntax(jd, jd->p, "expected string key");
    if (!scan_str(jd, k))
        return false;
    ws(jd);
    if (jd->p >= jd->e || *jd->p != ':')
        return syntax(jd, jd->p, "expected ':'");
    jd->p++;
    return true;
}

/* After a member: ',' (returns 1), '}' (returns 0) or an error (-1). */
static int member_end(jdec *jd)
{
    ws(jd);
    if (jd->p < jd->e) {
        if (*jd->p == ',') {
            jd->p++;
            return 1;
        }
        if (*jd->p == '}') {
            jd->p++;
            return 0;
        }
    }
    syntax(jd, jd->p, "expected ',' or '}'");
    return -1;
}

/* STRUCT from an object at jd->p. */
static bool decode_struct(jdec *jd, const wr_type *t, wr_datum *out, int depth)
{
    int nf = t->nfields;
    wr_val *v = wr_arena_alloc(jd->ar, sizeof(*v));
    wr_datum *items =
        wr_arena_zalloc(jd->ar, (sizeof(wr_datum) + 1) * (size_t)(nf ? nf : 1));
    if (!v || !items)
        return convert_fail(jd, "out of memory");
    uint8_t *exact = (uint8_t *)(items + (nf ? nf : 1));
    for (int i = 0; i < nf; i++)
        items[i].null = true;
    jd->p++;
    ws(jd);
    if (jd->p < jd->e && *jd->p == '}') {
        jd->p++;
    } else {
        for (;;) {
            jtok k;
            char stack[128];
            const char *ks = NULL;
            size_t kn = 0;
            if (!member_name(jd, &k) ||
                !key_text(jd, &k, stack, sizeof stack, &ks, &kn))
                return false;
            int ex = -1;
            int up = -1;
            for (int i = 0; i < nf; i++) {
                const char *fname = t->fields[i].name;
                if (strlen(fname) != kn)
                    continue;
                if (memcmp(fname, ks, kn) == 0)
                    ex = i;
                else if (upper_eq(ks, fname, kn))
                    up = i;
            }
            if (up >= 0 && exact[up])
                up = -1;
            if (ex < 0 && up < 0) {
                if (!skip_value(jd, depth + 1))
                    return false;
            } else {
                int first = ex >= 0 ? ex : up;
                if (!decode_value(jd, t->fields[first].type, &items[first],
                                  depth + 1))
                    return false;
                if (ex >= 0)
                    exact[ex] = 1;
                if (ex >= 0 && up >= 0)
                    items[up] = items[ex];
            }
            int r = member_end(jd);
            if (r < 0)
                return false;
            if (r == 0)
                break;
        }
    }
    v->type = t;
    v->n = nf;
    v->items = items;
    out->null = false;
    out->u.nest = v;
    return true;
}

/* ARRAY from an array, MAP from an object, at jd->p. */
static bool decode_list(jdec *jd, const wr_type *t, wr_datum *out, int depth)
{
    bool map = t->kind == WR_T_MAP;
    char close = map ? '}' : ']';
    wr_datum *items = NULL;
    int cap = 0;
    int n = 0;
    jd->p++;
    ws(jd);
    if (jd->p < jd->e && *jd->p == close) {
        jd->p++;
    } else {
        for (;;) {
            if (!grow_items(jd, &items, &cap, map ? 2 * n + 2 : n + 1))
                return false;
            if (map) {
                jtok k;
                wr_datum *kd = &items[2 * n];
                memset(kd, 0, sizeof *kd);
                if (!member_name(jd, &k) ||
                    !str_text(jd, &k, jd->borrow, &kd->u.str))
                    return false;
                if (t->key && t->key->kind != WR_T_STRING) {
                    wr_str ktext = kd->u.str;
                    if (!wr_fmt_parse_int(ktext.p, (size_t)ktext.len, INT64_MIN,
                                          INT64_MAX, &kd->u.i64))
                        return convert_fail(jd, "Can't coerce map key '%.*s'",
                                            (int)ktext.len, ktext.p);
                    if (t->key->kind == WR_T_INT)
                        kd->u.i32 = (int32_t)kd->u.i64;
                }
            }
            wr_datum *vd = &items[map ? 2 * n + 1 : n];
            if (!decode_value(jd, t->elem, vd, depth + 1))
                return false;
            n++;
            ws(jd);
            if (jd->p < jd->e && *jd->p == ',') {
                jd->p++;
                continue;
            }
            if (jd->p < jd->e && *jd->p == close) {
                jd->p++;
                break;
            }
            return syntax(jd, jd->p,
                          map ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    wr_val *v = wr_arena_alloc(jd->ar, sizeof(*v));
    if (!v)
        return convert_fail(jd, "out of memory");
    v->type = t;
    v->n = n;
    v->items = items ? items : (wr_datum *)v; /* never read when n == 0 */
    out->null = false;
    out->u.nest = v;
    return true;
}

/*
 * Decodes the value at the cursor into *out as type t. Strings borrow the
 * input when jd->borrow, else live in jd->ar. Returns false with the error
 * recorded.
 */
static bool decode_value(jdec *jd, const wr_type *t, wr_datum *out, int depth)
{
    jtok tk;
    if (!next_tok(jd, &tk))
        return false;
    out->null = false;
    if (tk.kind == JK_NULL) {
        out->null = true;
        return true;
    }
    if (depth >= JDEPTH_MAX)
        return syntax(jd, jd->p, "nesting too deep");
    switch (t->kind) {
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP: {
        bool wide = t->kind == WR_T_BIGINT || t->kind == WR_T_TIMESTAMP;
        int64_t lo = wide ? INT64_MIN : INT32_MIN;
        int64_t hi = wide ? INT64_MAX : INT32_MAX;
        int64_t v;
        if (tk.kind == JK_NUM) {
            if (!num_int(jd, &tk, t, lo, hi, &v))
                return false;
        } else if (tk.kind == JK_STR) {
            wr_str s = {NULL, 0};
            char tb[64];
            if (!str_text(jd, &tk, true, &s))
                return false;
            if (!wr_fmt_parse_int(s.p, (size_t)s.len, lo, hi, &v))
                return convert_fail(
                    jd, "Can't coerce string to type. targetType: %s",
                    wr_type_format(t, tb, sizeof tb));
        } else {
            return bad_type(jd, &tk, t);
        }
        if (wide)
            out->u.i64 = v;
        else
            out->u.i32 = (int32_t)v;
        return true;
    }
    case WR_T_DOUBLE:
        if (tk.kind == JK_NUM) {
            out->u.f64 = num_double(&tk);
            return true;
        }
        if (tk.kind == JK_STR) {
            wr_str s = {NULL, 0};
            if (!str_text(jd, &tk, true, &s))
                return false;
            if (!wr_fmt_parse_double(s.p, (size_t)s.len, &out->u.f64))
                return convert_fail(
                    jd, "Can't coerce string to type. targetType: DOUBLE");
            return true;
        }
        return bad_type(jd, &tk, t);
    case WR_T_DECIMAL: {
        wr_str s = {NULL, 0};
        char msg[200];
        if (tk.kind == JK_NUM) {
            s.p = tk.raw;
            s.len = (int32_t)tk.len;
        } else if (tk.kind == JK_STR) {
            if (!str_text(jd, &tk, true, &s))
                return false;
        } else {
            return bad_type(jd, &tk, t);
        }
        if (!wr_fmt_parse_decimal(s.p, (size_t)s.len, t, &out->u.dec, msg,
                                  sizeof msg))
            return convert_fail(jd, "%s", msg);
        return true;
    }
    case WR_T_BOOLEAN:
        if (tk.kind == JK_TRUE || tk.kind == JK_FALSE) {
            out->u.b = tk.kind == JK_TRUE;
            return true;
        }
        if (tk.kind == JK_STR && !tk.esc) {
            if (tk.len == 4 && strncasecmp(tk.raw, "true", 4) == 0) {
                out->u.b = 1;
                return true;
            }
            if (tk.len == 5 && strncasecmp(tk.raw, "false", 5) == 0) {
                out->u.b = 0;
                return true;
            }
        }
        return bad_type(jd, &tk, t);
    case WR_T_STRING:
        switch (tk.kind) {
        case JK_STR:
            return str_text(jd, &tk, jd->borrow, &out->u.str);
        case JK_NUM:
            return str_text(jd, &tk, jd->borrow, &out->u.str);
        case JK_TRUE:
            out->u.str = (wr_str){"true", 4};
            return true;
        case JK_FALSE:
            out->u.str = (wr_str){"false", 5};
            return true;
        default:
            return container_text(jd, depth, &out->u.str);
        }
    case WR_T_BYTES:
        if (tk.kind == JK_STR) {
            wr_str s = {NULL, 0};
            if (!str_text(jd, &tk, true, &s))
                return false;
            if (!wr_fmt_base64_decode(jd->ar, s.p, (size_t)s.len, &out->u.str))
                return convert_fail(jd, "Value is not a valid base64 "
                                        "encoded string");
            return true;
        }
        return bad_type(jd, &tk, t);
    case WR_T_ARRAY:
        if (tk.kind != JK_ARR)
            return bad_type(jd, &tk, t);
        return decode_list(jd, t, out, depth);
    case WR_T_MAP:
        if (tk.kind != JK_OBJ)
            return bad_type(jd, &tk, t);
        return decode_list(jd, t, out, depth);
    case WR_T_STRUCT:
        if (tk.kind != JK_OBJ)
            return bad_type(jd, &tk, t);
        return decode_struct(jd, t, out, depth);
    default:
        /* WR_T_NULL: nothing to decode into. */
        if (tk.kind == JK_OBJ || tk.kind == JK_ARR)
            return skip_container(jd, depth);
        out->null = true;
        return true;
    }
}

/* Sets every target cell of the row NULL. */
static void null_targets(const wr_decoder *d, wr_batch *b, int row)
{
    for (int i = 0; i < d->ntarget; i++)
        wr_col_set_null(&b->cols[d->targets[i]], row, true);
}

/*
 * Compares member name k with declared name f (same length n): 2 when they
 * are equal, 1 when k upper-cased (ASCII) equals f, 0 otherwise.
 */
static inline int name_cmp(const char *k, const char *f, size_t n)
{
    int r = 2;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == (unsigned char)f[i])
            continue;
        if (c >= 'a' && c <= 'z' && c - 32 == (unsigned char)f[i])
            r = 1;
        else
            return 0;
    }
    return r;
}

/*
 * Finds the declared fields matching member name k[0..kn): *ex the exact
 * match, *up an upper-cased match (-1: none). hint is tried first.
 */
static inline void lookup(const wr_decoder *d, const char *k, size_t kn,
                          int hint, int *ex, int *up)
{
    const wr_dfield *f = d->f;
    *ex = -1;
    *up = -1;
    if (!d->mixed) {
        /* No declared name upper-cases to another: the first hit is the
         * only one. */
        if (hint < d->n && (size_t)f[hint].len == kn) {
            int r = name_cmp(k, f[hint].name, kn);
            if (r) {
                *(r == 2 ? ex : up) = hint;
                return;
            }
        }
        for (int i = 0; i < d->n; i++) {
            if ((size_t)f[i].len != kn || i == hint)
                continue;
            int r = name_cmp(k, f[i].name, kn);
            if (r) {
                *(r == 2 ? ex : up) = i;
                return;
            }
        }
        return;
    }
    for (int i = 0; i < d->n; i++) {
        if ((size_t)f[i].len != kn)
            continue;
        if (kn && f[i].name[0] == k[0] && memcmp(f[i].name, k, kn) == 0)
            *ex = i;
        else if (upper_eq(k, f[i].name, kn))
            *up = i;
    }
}

/*
 * Decodes the value at the cursor into row `row` of column c (type t),
 * with direct paths for the common scalar cases and decode_value for the
 * rest. Returns false with the error recorded.
 */
static bool decode_cell(jdec *jd, const wr_type *t, wr_col *c, int row)
{
    ws(jd);
    if (jd->p < jd->e) {
        const char *q = jd->p;
        const char *e = jd->e;
        switch (t->kind) {
        case WR_T_INT:
        case WR_T_DATE:
        case WR_T_TIME:
        case WR_T_BIGINT:
        case WR_T_TIMESTAMP: {
            bool neg = *q == '-';
            q += neg;
            const char *d0 = q;
            uint64_t m = 0;
            while (q < e && (unsigned)(*q - '0') < 10 && q - d0 < 18)
                m = m * 10 + (unsigned)(*q++ - '0');
            size_t nd = (size_t)(q - d0);
            if (nd == 0 || (nd > 1 && *d0 == '0') ||
                (q < e && ((unsigned)(*q - '0') < 10 || *q == '.' ||
                           *q == 'e' || *q == 'E')))
                break; /* not a short plain integer: general path */
            int64_t v = neg ? -(int64_t)m : (int64_t)m;
            if (t->kind == WR_T_BIGINT || t->kind == WR_T_TIMESTAMP) {
                WR_COL_I64(c)[row] = v;
            } else {
                if (v < INT32_MIN || v > INT32_MAX)
                    break;
                WR_COL_I32(c)[row] = (int32_t)v;
            }
            jd->p = q;
            wr_col_set_null(c, row, false);
            return true;
        }
        case WR_T_STRING:
            if (*q == '"') {
                jtok tk;
                if (!scan_str(jd, &tk) ||
                    !str_text(jd, &tk, jd->borrow, &WR_COL_STR(c)[row]))
                    return false;
                wr_col_set_null(c, row, false);
                return true;
            }
            break;
        case WR_T_DOUBLE:
            if (*q == '-' || (unsigned)(*q - '0') < 10) {
                jtok tk;
                if (!scan_num(jd, &tk))
                    return false;
                WR_COL_F64(c)[row] = num_double(&tk);
                wr_col_set_null(c, row, false);
                return true;
            }
            break;
        default:
            break;
        }
    }
    wr_datum dt;
    if (!decode_value(jd, t, &dt, 1))
        return false;
    wr_col_put(c, row, &dt);
    return true;
}

/*
 * The fast path of member names: when the next member is exactly the
 * expected field (hint), written as declared or in lower case with no
 * escapes, consumes `"name":` and sets *ex or *up as lookup() would.
 * Returns false (consuming nothing) otherwise. Only valid when no two
 * declared names differ just in case (!d->mixed), so that a match is the
 * only one.
 */
/* Equality of two short byte strings, inline (member names are a few
 * bytes: a libc call costs more than the comparison). */
static inline bool bytes_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static inline bool expect_key(const wr_decoder *d, jdec *jd, int hint, int *ex,
                              int *up)
{
    if (d->mixed || hint >= d->n)
        return false;
    const wr_dfield *f = &d->f[hint];
    const char *p = jd->p;
    size_t L = (size_t)f->len;
    if (L == 0 || (size_t)(jd->e - p) < L + 3 || p[0] != '"' ||
        p[L + 1] != '"' || p[L + 2] != ':')
        return false;
    if (bytes_eq(p + 1, f->name, L)) {
        *ex = hint;
        *up = -1;
    } else if (f->lname && bytes_eq(p + 1, f->lname, L)) {
        *ex = -1;
        *up = hint;
    } else {
        return false;
    }
    jd->p = p + L + 3;
    return true;
}

weir_rc wr_json_decode_row(const wr_decoder *d, const char *p, size_t n,
                           bool borrow, wr_batch *b, int row, char *err,
                           size_t errlen)
{
    null_targets(d, b, row);
    if (!p) {
        if (b->tomb)
            b->tomb[row] = 1;
        return WEIR_OK;
    }
    jdec jd = {p, p, p + n, b->ar, borrow, err, errlen, false, NULL};
    uint64_t exact_small = 0;
    uint8_t *exact_big = NULL;
    if (d->n > 64) {
        exact_big = wr_arena_zalloc(b->ar, (size_t)d->n);
        if (!exact_big) {
            wr_fmt_err(err, errlen, "out of memory");
            return WEIR_E_NOMEM;
        }
    }
    ws(&jd);
    if (jd.p >= jd.e) {
        syntax(&jd, jd.p, "unexpected end of input");
        goto fail;
    }
    if (*jd.p != '{') {
        jtok tk;
        if (!next_tok(&jd, &tk))
            goto fail;
        if (tk.kind == JK_NULL) {
            ws(&jd);
            if (jd.p != jd.e) {
                syntax(&jd, jd.p, "unexpected data after the value");
                goto fail;
            }
            if (b->tomb)
                b->tomb[row] = 1;
            return WEIR_OK;
        }
        if (!jd.failed) {
            jd.failed = true;
            wr_fmt_err(err, errlen,
                       "Can't convert type. sourceType: %s, requiredType: "
                       "STRUCT (a record value must be a JSON object)",
                       node_name(&tk));
        }
        goto fail;
    }
    jd.p++;
    ws(&jd);
    if (jd.p < jd.e && *jd.p == '}') {
        jd.p++;
    } else {
        int hint = 0;
        for (;;) {
            jtok k;
            char stack[256];
            const char *ks = NULL;
            size_t kn = 0;
            int ex;
            int up;
            if (expect_key(d, &jd, hint, &ex, &up)) {
                /* The member the field order predicted: no scan, no
                 * lookup. */
            } else {
                if (!member_name(&jd, &k) ||
                    !key_text(&jd, &k, stack, sizeof stack, &ks, &kn))
                    goto fail;
                lookup(d, ks, kn, hint, &ex, &up);
            }
            /* Records usually list their members in one order: the next
             * member is most likely the field after this one, used or
             * skipped. */
            if (ex >= 0 || up >= 0)
                hint = (ex >= 0 ? ex : up) + 1;
            if (up >= 0 &&
                (exact_big ? exact_big[up] : (exact_small >> (up & 63)) & 1))
                up = -1;
            if (ex >= 0 && d->f[ex].col < 0)
                ex = -1;
            if (up >= 0 && d->f[up].col < 0)
                up = -1;
            if (ex < 0 && up < 0) {
                if (!skip_value(&jd, 1))
                    goto fail;
            } else {
                int first = ex >= 0 ? ex : up;
                wr_col *c = &b->cols[d->f[first].col];
                jd.path = d->f[first].name;
                if (!decode_cell(&jd, d->f[first].type, c, row))
                    goto fail;
                if (ex >= 0) {
                    if (exact_big)
                        exact_big[ex] = 1;
                    else
                        exact_small |= (uint64_t)1 << (ex & 63);
                    if (up >= 0) {
                        wr_datum dt;
                        wr_col_get(c, row, &dt);
                        wr_col_put(&b->cols[d->f[up].col], row, &dt);
                    }
                }
            }
            int r = member_end(&jd);
            if (r < 0)
                goto fail;
            if (r == 0)
                break;
        }
    }
    ws(&jd);
    if (jd.p != jd.e) {
        syntax(&jd, jd.p, "unexpected data after the value");
        goto fail;
    }
    return WEIR_OK;
fail:
    null_targets(d, b, row);
    return WEIR_E_DATA;
}

weir_rc wr_json_decode_key(const wr_type *t, const char *p, size_t n,
                           wr_datum *out, wr_arena *ar, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->null = true;
    if (!p)
        return WEIR_OK;
    jdec jd = {p, p, p + n, ar, false, err, errlen, false, "ROWKEY"};
    wr_datum dt;
    if (!decode_value(&jd, t, &dt, 0))
        return WEIR_E_DATA;
    ws(&jd);
    if (jd.p != jd.e) {
        syntax(&jd, jd.p, "unexpected data after the value");
        return WEIR_E_DATA;
    }
    *out = dt;
    return WEIR_OK;
}
