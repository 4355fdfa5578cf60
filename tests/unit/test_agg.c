/* test_agg.c: aggregate accumulator tests (unit_agg). */
#include "test.h"

#include <math.h>

#include "common/arena.h"
#include "common/batch.h"
#include "common/decimal.h"
#include "common/func.h"
#include "exec/agg.h"

/* ---- fixture -------------------------------------------------------- */

/* Arenas of one test: query (types, accumulators), batch, results. */
typedef struct fx {
    wr_arena *q; /* query arena */
    wr_arena *b; /* batch arena (reset to check copying) */
    wr_arena *r; /* result arena */
} fx;

static fx fx_open(void)
{
    fx f = {wr_arena_new(0), wr_arena_new(0), wr_arena_new(0)};
    return f;
}

static void fx_close(fx *f)
{
    wr_arena_free(f->q);
    wr_arena_free(f->b);
    wr_arena_free(f->r);
}

static const wr_type *prim(wr_type_kind k)
{
    return wr_type_prim(k);
}

static wr_datum lit_int(int32_t v)
{
    wr_datum d = {.null = false};
    d.u.i32 = v;
    return d;
}

static wr_datum lit_bool(bool v)
{
    wr_datum d = {.null = false};
    d.u.b = v;
    return d;
}

/*
 * Creates the accumulator for name(t, lits...) with the result type the
 * registry resolves (t NULL: COUNT(*)). Literal types are INT for int
 * literals and BOOLEAN for boolean ones, given by `ltypes` ("ib").
 */
static wr_agg *mk(fx *f, const char *name, const wr_type *t,
                  const wr_datum *lits, const char *ltypes, bool distinct)
{
    const wr_func *fn = wr_func_lookup(name, strlen(name));
    if (!fn)
        return NULL;
    const wr_type *all[4] = {t};
    int nlit = ltypes ? (int)strlen(ltypes) : 0;
    for (int i = 0; i < nlit; i++)
        all[1 + i] = prim(ltypes[i] == 'b' ? WR_T_BOOLEAN : WR_T_INT);
    char err[256];
    const wr_type *rt =
        wr_func_resolve(fn, all, t ? 1 + nlit : 0, f->q, err, sizeof err);
    if (!rt) {
        fprintf(stderr, "resolve %s: %s\n", name, err);
        return NULL;
    }
    weir_status st;
    return wr_agg_new(f->q, fn, &t, t ? 1 : 0, lits, nlit, distinct, rt, &st);
}

/* The result type an accumulator was created with, for result columns. */
static const wr_type *rtype(fx *f, const char *name, const wr_type *t,
                            const char *ltypes)
{
    const wr_func *fn = wr_func_lookup(name, strlen(name));
    const wr_type *all[4] = {t};
    int nlit = ltypes ? (int)strlen(ltypes) : 0;
    for (int i = 0; i < nlit; i++)
        all[1 + i] = prim(ltypes[i] == 'b' ? WR_T_BOOLEAN : WR_T_INT);
    char err[256];
    return wr_func_resolve(fn, all, t ? 1 + nlit : 0, f->q, err, sizeof err);
}

/* A column of type t from text values (NULL pointer: SQL NULL); strings
 * are copied into ar so that resetting ar invalidates them. */
static wr_col mkcol(wr_arena *ar, const wr_type *t, const char *const *v, int n)
{
    wr_col c;
    memset(&c, 0, sizeof c);
    if (!wr_col_init(&c, ar, t, n ? n : 1))
        return c;
    for (int i = 0; i < n; i++) {
        wr_datum d;
        memset(&d, 0, sizeof d);
        d.null = v[i] == NULL;
        if (!d.null) {
            switch (t->kind) {
            case WR_T_BOOLEAN:
                d.u.b = strcmp(v[i], "true") == 0;
                break;
            case WR_T_INT:
            case WR_T_DATE:
            case WR_T_TIME:
                d.u.i32 = (int32_t)strtol(v[i], NULL, 10);
                break;
            case WR_T_BIGINT:
            case WR_T_TIMESTAMP:
                d.u.i64 = strtoll(v[i], NULL, 10);
                break;
            case WR_T_DOUBLE:
                d.u.f64 = strtod(v[i], NULL);
                break;
            case WR_T_DECIMAL:
                wr_dec_parse(v[i], strlen(v[i]), t->precision, t->scale,
                             &d.u.dec);
                break;
            default:
                d.u.str.p = wr_arena_strdup(ar, v[i]);
                d.u.str.len = (int32_t)strlen(v[i]);
                break;
            }
        }
        wr_col_put(&c, i, &d);
    }
    return c;
}

/* ---- formatting results --------------------------------------------- */

typedef struct sbuf {
    char p[2048]; /* text */
    size_t n;     /* length */
} sbuf;

static void sb_put(sbuf *sb, const char *s)
{
    size_t l = strlen(s);
    if (sb->n + l >= sizeof sb->p)
        l = sizeof sb->p - sb->n - 1;
    memcpy(sb->p + sb->n, s, l);
    sb->n += l;
    sb->p[sb->n] = '\0';
}

static void fmt(sbuf *sb, const wr_type *t, const wr_datum *d)
{
    char tmp[64];
    if (d->null) {
        sb_put(sb, "null");
        return;
    }
    switch (t->kind) {
    case WR_T_BOOLEAN:
        sb_put(sb, d->u.b ? "true" : "false");
        return;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        snprintf(tmp, sizeof tmp, "%d", d->u.i32);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        snprintf(tmp, sizeof tmp, "%lld", (long long)d->u.i64);
        break;
    case WR_T_DOUBLE:
        snprintf(tmp, sizeof tmp, "%g", d->u.f64);
        break;
    case WR_T_DECIMAL:
        wr_dec_format(d->u.dec, t->scale, tmp);
        break;
    case WR_T_STRING:
    case WR_T_BYTES: {
        size_t l = (size_t)d->u.str.len;
        if (l >= sizeof tmp)
            l = sizeof tmp - 1;
        memcpy(tmp, d->u.str.p, l);
        tmp[l] = '\0';
        break;
    }
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        const wr_val *v = d->u.nest;
        sb_put(sb, t->kind == WR_T_ARRAY ? "[" : "{");
        for (int i = 0; i < v->n; i++) {
            if (i)
                sb_put(sb, ", ");
            if (t->kind == WR_T_ARRAY) {
                fmt(sb, t->elem, &v->items[i]);
            } else if (t->kind == WR_T_MAP) {
                fmt(sb, t->key, &v->items[2 * i]);
                sb_put(sb, "=");
                fmt(sb, t->elem, &v->items[2 * i + 1]);
            } else {
                sb_put(sb, t->fields[i].name);
                sb_put(sb, "=");
                fmt(sb, t->fields[i].type, &v->items[i]);
            }
        }
        sb_put(sb, t->kind == WR_T_ARRAY ? "]" : "}");
        return;
    }
    default:
        sb_put(sb, "?");
        return;
    }
    sb_put(sb, tmp);
}

/* Result of state as text (in a static buffer; "<oom>" on failure). */
static const char *res(fx *f, const wr_agg *a, const wr_type *rt,
                       const void *state)
{
    static sbuf sb;
    wr_col out;
    sb.n = 0;
    sb.p[0] = '\0';
    if (!wr_col_init(&out, f->r, rt, 1) ||
        !wr_agg_result(a, state, &out, 0, f->r))
        return "<oom>";
    wr_datum d;
    wr_col_get(&out, 0, &d);
    fmt(&sb, rt, &d);
    return sb.p;
}

/* ---- feeding -------------------------------------------------------- */

static void *slot_new(const wr_agg *a)
{
    size_t n = (wr_agg_state_size(a) + 15) & ~(size_t)15;
    void *s = aligned_alloc(16, n ? n : 16);
    wr_agg_init(a, s);
    return s;
}

static void slot_free(const wr_agg *a, void *s)
{
    wr_agg_fini(a, s);
    free(s);
}

#define MAXR 64

/* Sequence number of row 0 in feed() and unfeed(). */
static int64_t seq0 = 100;

/* One vectorized update: row i goes to slots[part ? part[i] : 0] with
 * sequence number seq0 + i. */
static bool feed(const wr_agg *a, void *const *slots, const int *part,
                 const wr_col *c, int n)
{
    void *st[MAXR];
    uint32_t rows[MAXR];
    int64_t seq[MAXR];
    for (int i = 0; i < n; i++) {
        st[i] = slots[part ? part[i] : 0];
        rows[i] = (uint32_t)i;
        seq[i] = seq0 + i;
    }
    return wr_agg_update(a, st, c, rows, seq, n);
}

/* Retracts rows [from, from + n) of c from slot s. */
static bool unfeed(const wr_agg *a, void *s, const wr_col *c, int from, int n)
{
    void *st[MAXR];
    uint32_t rows[MAXR];
    int64_t seq[MAXR];
    for (int i = 0; i < n; i++) {
        st[i] = s;
        rows[i] = (uint32_t)(from + i);
        seq[i] = seq0 + from + i;
    }
    return wr_agg_retract(a, st, c, rows, seq, n);
}

/*
 * Checks that one slot fed every row, and two slots fed the rows split by
 * part then merged (dst = part 0), both give `expect`; then also the
 * empty-slot result `empty`. Frees everything.
 */
static void check_all(fx *f, const wr_agg *a, const wr_type *rt,
                      const wr_col *c, int n, const int *part,
                      const char *expect, const char *empty)
{
    void *one = slot_new(a);
    void *two[2] = {slot_new(a), slot_new(a)};
    void *e = slot_new(a);
    bool ok = feed(a, &one, NULL, c, n) && feed(a, two, part, c, n);
    bool merged = wr_agg_merge(a, two[0], two[1]);
    char single[2048], got[2048], got_empty[256];
    snprintf(single, sizeof single, "%s", res(f, a, rt, one));
    snprintf(got, sizeof got, "%s", res(f, a, rt, two[0]));
    snprintf(got_empty, sizeof got_empty, "%s", res(f, a, rt, e));
    slot_free(a, one);
    slot_free(a, two[0]);
    slot_free(a, two[1]);
    slot_free(a, e);
    CHECK(ok);
    CHECK(merged);
    CHECK_STR(single, expect);
    CHECK_STR(got, expect);
    CHECK_STR(got_empty, empty);
}

static const int alt[MAXR] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
                              0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
static const int late[MAXR] = {1, 1, 0, 0, 1, 0, 1, 0, 0, 1,
                               1, 0, 1, 0, 0, 1, 0, 1, 1, 0};

/* ---- COUNT ---------------------------------------------------------- */

TEST(count_star_and_count)
{
    fx f = fx_open();
    const char *v[] = {"1", NULL, "3", NULL, "5"};
    wr_col c = mkcol(f.b, prim(WR_T_INT), v, 5);
    const wr_type *bt = prim(WR_T_BIGINT);
    wr_agg *star = mk(&f, "COUNT", NULL, NULL, NULL, false);
    wr_agg *cnt = mk(&f, "COUNT", prim(WR_T_INT), NULL, NULL, false);
    CHECK(star && cnt);
    CHECK(wr_agg_invertible(star) && wr_agg_invertible(cnt));
    /* A hopping window holds about one slot per row: COUNT's is 8 bytes. */
    CHECK_INT(wr_agg_state_size(star), ==, 8);
    CHECK_INT(wr_agg_state_align(star), ==, 8);
    check_all(&f, star, bt, &c, 5, alt, "5", "0");
    check_all(&f, cnt, bt, &c, 5, late, "3", "0");

    void *s = slot_new(cnt);
    void *t = slot_new(star);
    CHECK(feed(cnt, &s, NULL, &c, 5) && feed(star, &t, NULL, &c, 5));
    CHECK(unfeed(cnt, s, &c, 0, 2) && unfeed(star, t, &c, 0, 2));
    CHECK_STR(res(&f, cnt, bt, s), "2");
    CHECK_STR(res(&f, star, bt, t), "3");
    slot_free(cnt, s);
    slot_free(star, t);
    fx_close(&f);
}

TEST(count_shared_slots_and_selection)
{
    /* Several rows of one call share a slot; rows need not be 0..n-1. */
    fx f = fx_open();
    const char *v[] = {"1", "2", NULL, "4", "5", "6"};
    wr_col c = mkcol(f.b, prim(WR_T_INT), v, 6);
    wr_agg *sum = mk(&f, "SUM", prim(WR_T_INT), NULL, NULL, false);
    void *a = slot_new(sum), *b = slot_new(sum);
    void *st[4] = {a, b, a, b};
    uint32_t rows[4] = {1, 2, 3, 5};
    int64_t seq[4] = {1, 2, 3, 4};
    CHECK(wr_agg_update(sum, st, &c, rows, seq, 4));
    CHECK_STR(res(&f, sum, prim(WR_T_INT), a), "6");
    CHECK_STR(res(&f, sum, prim(WR_T_INT), b), "6");
    slot_free(sum, a);
    slot_free(sum, b);
    fx_close(&f);
}

TEST(count_distinct)
{
    fx f = fx_open();
    const wr_type *bt = prim(WR_T_BIGINT);
    const char *v[] = {"3", "1", NULL, "3", "2", "1", NULL, "7", "2", "3"};
    wr_col c = mkcol(f.b, prim(WR_T_INT), v, 10);
    wr_agg *cd = mk(&f, "COUNT", prim(WR_T_INT), NULL, NULL, true);
    CHECK(cd != NULL);
    CHECK(!wr_agg_invertible(cd));
    check_all(&f, cd, bt, &c, 10, alt, "4", "0");
    check_all(&f, cd, bt, &c, 10, late, "4", "0");

    const char *s[] = {"apple", "pear", "apple", NULL, "fig", "pear", "", ""};
    wr_col cs = mkcol(f.b, prim(WR_T_STRING), s, 8);
    wr_agg *cds =
        mk(&f, "COUNT_DISTINCT", prim(WR_T_STRING), NULL, NULL, false);
    CHECK(cds != NULL);
    check_all(&f, cds, bt, &cs, 8, alt, "4", "0");
    /* Many values: the hash index grows. */
    const char *many[MAXR];
    char buf[MAXR][8];
    for (int i = 0; i < MAXR; i++) {
        snprintf(buf[i], sizeof buf[i], "%d", i % 40);
        many[i] = buf[i];
    }
    wr_col cm = mkcol(f.b, prim(WR_T_INT), many, MAXR);
    check_all(&f, cd, bt, &cm, MAXR, NULL, "40", "0");
    /* Strings are copied: reset the batch arena before the result. */
    void *st = slot_new(cds);
    CHECK(feed(cds, &st, NULL, &cs, 8));
    wr_arena_reset(f.b);
    const char *s2[] = {"apple", "kiwi"};
    wr_col c2 = mkcol(f.b, prim(WR_T_STRING), s2, 2);
    CHECK(feed(cds, &st, NULL, &c2, 2));
    CHECK_STR(res(&f, cds, bt, st), "5");
    slot_free(cds, st);
    fx_close(&f);
}

/* ---- SUM ------------------------------------------------------------ */

TEST(sum_int_wraps_and_nulls)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    wr_agg *sum = mk(&f, "SUM", it, NULL, NULL, false);
    CHECK(sum != NULL && wr_agg_invertible(sum));
    const char *v[] = {"2147483647", NULL, "1", "5"};
    wr_col c = mkcol(f.b, it, v, 4);
    /* Java int arithmetic: MAX_VALUE + 1 wraps to MIN_VALUE. */
    check_all(&f, sum, it, &c, 4, alt, "-2147483643", "0");
    const char *n[] = {NULL, NULL};
    wr_col cn = mkcol(f.b, it, n, 2);
    check_all(&f, sum, it, &cn, 2, alt, "0", "0");

    void *s = slot_new(sum);
    CHECK(feed(sum, &s, NULL, &c, 4));
    CHECK(unfeed(sum, s, &c, 0, 2));
    CHECK_STR(res(&f, sum, it, s), "6");
    slot_free(sum, s);
    fx_close(&f);
}

TEST(sum_bigint_double)
{
    fx f = fx_open();
    const wr_type *bt = prim(WR_T_BIGINT), *dt = prim(WR_T_DOUBLE);
    wr_agg *sl = mk(&f, "SUM", bt, NULL, NULL, false);
    wr_agg *sd = mk(&f, "SUM", dt, NULL, NULL, false);
    CHECK(sl && sd);
    const char *v[] = {"9223372036854775807", "1", NULL, "10"};
    wr_col c = mkcol(f.b, bt, v, 4);
    check_all(&f, sl, bt, &c, 4, late, "-9223372036854775798", "0");
    const char *d[] = {"1.5", NULL, "2.25", "-0.75"};
    wr_col cd = mkcol(f.b, dt, d, 4);
    check_all(&f, sd, dt, &cd, 4, alt, "3", "0");
    void *s = slot_new(sd);
    CHECK(feed(sd, &s, NULL, &cd, 4));
    CHECK(unfeed(sd, s, &cd, 2, 2));
    CHECK_STR(res(&f, sd, dt, s), "1.5");
    slot_free(sd, s);
    fx_close(&f);
}

TEST(sum_decimal_exact_and_overflow)
{
    fx f = fx_open();
    const wr_type *dt = wr_type_decimal(f.q, 5, 2);
    wr_agg *sum = mk(&f, "SUM", dt, NULL, NULL, false);
    CHECK(sum != NULL);
    CHECK_INT(wr_agg_state_align(sum), ==, 16); /* a 128-bit sum */
    const wr_type *rt = rtype(&f, "SUM", dt, NULL);
    CHECK(rt && rt->kind == WR_T_DECIMAL && rt->scale == 2);
    const char *v[] = {"0.10", "0.20", NULL, "100.05", "-0.35"};
    wr_col c = mkcol(f.b, dt, v, 5);
    check_all(&f, sum, rt, &c, 5, alt, "100.00", "0.00");
    /* 999.99 + 0.01 needs 6 digits: that record is skipped. */
    const char *o[] = {"999.99", "0.01", "-9.99"};
    wr_col co = mkcol(f.b, dt, o, 3);
    void *s = slot_new(sum);
    CHECK(feed(sum, &s, NULL, &co, 3));
    CHECK_STR(res(&f, sum, rt, s), "990.00");
    CHECK(unfeed(sum, s, &co, 2, 1));
    CHECK_STR(res(&f, sum, rt, s), "999.99");
    slot_free(sum, s);
    /* DECIMAL(38, 0) near the 128-bit limit does not overflow in C. */
    const wr_type *big = wr_type_decimal(f.q, 38, 0);
    wr_agg *sb = mk(&f, "SUM", big, NULL, NULL, false);
    const char *b[] = {"99999999999999999999999999999999999999",
                       "99999999999999999999999999999999999999", "-1"};
    wr_col cb = mkcol(f.b, big, b, 3);
    const wr_type *rb = rtype(&f, "SUM", big, NULL);
    check_all(&f, sb, rb, &cb, 3, NULL,
              "99999999999999999999999999999999999998", "0");
    fx_close(&f);
}

/* ---- AVG, STDDEV_SAMP ----------------------------------------------- */

TEST(avg)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT), *dt = prim(WR_T_DOUBLE);
    wr_agg *ai = mk(&f, "AVG", it, NULL, NULL, false);
    wr_agg *al = mk(&f, "AVG", prim(WR_T_BIGINT), NULL, NULL, false);
    wr_agg *ad = mk(&f, "AVG", dt, NULL, NULL, false);
    CHECK(ai && al && ad && wr_agg_invertible(ai));
    /* Sum and count, nothing more: hopping panes hold one per row. */
    CHECK_INT(wr_agg_state_size(ad), ==, 16);
    CHECK_INT(wr_agg_state_align(ad), ==, 8);
    const char *v[] = {"1", NULL, "2", "4", NULL};
    wr_col c = mkcol(f.b, it, v, 5);
    /* No values: 0.0, as AverageUdaf.map. */
    check_all(&f, ai, dt, &c, 5, alt, "2.33333", "0");
    wr_col cl = mkcol(f.b, prim(WR_T_BIGINT), v, 5);
    check_all(&f, al, dt, &cl, 5, late, "2.33333", "0");
    const char *d[] = {"0.5", "1.5", NULL};
    wr_col cd = mkcol(f.b, dt, d, 3);
    check_all(&f, ad, dt, &cd, 3, alt, "1", "0");
    const char *n[] = {NULL};
    wr_col cn = mkcol(f.b, it, n, 1);
    check_all(&f, ai, dt, &cn, 1, NULL, "0", "0");
    /* AverageUdaf sums INT in a Java int. */
    const char *w[] = {"2147483647", "1"};
    wr_col cw = mkcol(f.b, it, w, 2);
    check_all(&f, ai, dt, &cw, 2, alt, "-1.07374e+09", "0");

    void *s = slot_new(ai);
    CHECK(feed(ai, &s, NULL, &c, 5));
    CHECK(unfeed(ai, s, &c, 3, 2));
    CHECK_STR(res(&f, ai, dt, s), "1.5");
    CHECK(unfeed(ai, s, &c, 0, 3));
    CHECK_STR(res(&f, ai, dt, s), "0");
    slot_free(ai, s);
    fx_close(&f);
}

TEST(stddev_samp)
{
    fx f = fx_open();
    const wr_type *dt = prim(WR_T_DOUBLE);
    const wr_type *types[] = {prim(WR_T_INT), prim(WR_T_BIGINT), dt};
    const char *v[] = {"2", "4", NULL, "4", "4", "5", "5", "7", "9"};
    double want = sqrt(32.0 / 7.0);
    for (int t = 0; t < 3; t++) {
        wr_agg *a = mk(&f, "STDDEV_SAMP", types[t], NULL, NULL, false);
        CHECK(a != NULL);
        CHECK(!wr_agg_invertible(a));
        wr_col c = mkcol(f.b, types[t], v, 9);
        void *one = slot_new(a);
        void *two[2] = {slot_new(a), slot_new(a)};
        void *e = slot_new(a);
        CHECK(feed(a, &one, NULL, &c, 9));
        CHECK(feed(a, two, late, &c, 9));
        CHECK(wr_agg_merge(a, two[0], two[1]));
        double x = strtod(res(&f, a, dt, one), NULL);
        double y = strtod(res(&f, a, dt, two[0]), NULL);
        CHECK(fabs(x - want) < 1e-5);
        CHECK(fabs(y - want) < 1e-5);
        CHECK_STR(res(&f, a, dt, e), "0");
        CHECK(feed(a, &e, NULL, &c, 1));
        CHECK_STR(res(&f, a, dt, e), "0");
        slot_free(a, one);
        slot_free(a, two[0]);
        slot_free(a, two[1]);
        slot_free(a, e);
    }
    fx_close(&f);
}

/* ---- MIN, MAX ------------------------------------------------------- */

TEST(min_max_numbers)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT), *dt = prim(WR_T_DOUBLE);
    const wr_type *dec = wr_type_decimal(f.q, 6, 3);
    const char *v[] = {NULL, "5", "-3", "12", NULL, "7"};
    wr_col c = mkcol(f.b, it, v, 6);
    wr_agg *mn = mk(&f, "MIN", it, NULL, NULL, false);
    wr_agg *mx = mk(&f, "MAX", it, NULL, NULL, false);
    CHECK(mn && mx && !wr_agg_invertible(mn));
    check_all(&f, mn, it, &c, 6, alt, "-3", "null");
    check_all(&f, mx, it, &c, 6, late, "12", "null");
    const char *n[] = {NULL, NULL};
    wr_col cn = mkcol(f.b, it, n, 2);
    check_all(&f, mx, it, &cn, 2, alt, "null", "null");

    const char *d[] = {"1.5", "-0.25", NULL, "1e10"};
    wr_col cd = mkcol(f.b, dt, d, 4);
    check_all(&f, mk(&f, "MIN", dt, NULL, NULL, false), dt, &cd, 4, alt,
              "-0.25", "null");
    check_all(&f, mk(&f, "MAX", dt, NULL, NULL, false), dt, &cd, 4, alt,
              "1e+10", "null");

    const char *q[] = {"1.500", "-2.125", "100.000", NULL};
    wr_col cq = mkcol(f.b, dec, q, 4);
    const wr_type *rq = rtype(&f, "MIN", dec, NULL);
    check_all(&f, mk(&f, "MIN", dec, NULL, NULL, false), rq, &cq, 4, late,
              "-2.125", "null");
    check_all(&f, mk(&f, "MAX", dec, NULL, NULL, false), rq, &cq, 4, late,
              "100.000", "null");

    const wr_type *ts = prim(WR_T_TIMESTAMP);
    const char *t[] = {"1000", "500", "2000"};
    wr_col ct = mkcol(f.b, ts, t, 3);
    check_all(&f, mk(&f, "MAX", ts, NULL, NULL, false), ts, &ct, 3, alt, "2000",
              "null");
    fx_close(&f);
}

TEST(min_max_strings_survive_reset)
{
    fx f = fx_open();
    const wr_type *st = prim(WR_T_STRING);
    const char *v[] = {"pear", NULL, "apple", "zebra", "", "mango"};
    wr_col c = mkcol(f.b, st, v, 6);
    wr_agg *mn = mk(&f, "MIN", st, NULL, NULL, false);
    wr_agg *mx = mk(&f, "MAX", st, NULL, NULL, false);
    check_all(&f, mn, st, &c, 6, alt, "", "null");
    check_all(&f, mx, st, &c, 6, alt, "zebra", "null");
    void *a = slot_new(mn), *b = slot_new(mx);
    CHECK(feed(mn, &a, NULL, &c, 4) && feed(mx, &b, NULL, &c, 4));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, mn, st, a), "apple");
    CHECK_STR(res(&f, mx, st, b), "zebra");
    const char *w[] = {"aardvark", "zz"};
    wr_col c2 = mkcol(f.b, st, w, 2);
    CHECK(feed(mn, &a, NULL, &c2, 2) && feed(mx, &b, NULL, &c2, 2));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, mn, st, a), "aardvark");
    CHECK_STR(res(&f, mx, st, b), "zz");
    /* Merge copies from src: src stays valid and is freed separately. */
    void *m = slot_new(mn);
    CHECK(wr_agg_merge(mn, m, a));
    slot_free(mn, a);
    CHECK_STR(res(&f, mn, st, m), "aardvark");
    slot_free(mn, m);
    slot_free(mx, b);
    fx_close(&f);
}

/* ---- EARLIEST_BY_OFFSET, LATEST_BY_OFFSET --------------------------- */

TEST(earliest_latest)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    const char *v[] = {NULL, "1", "2", NULL, "3", NULL};
    wr_col c = mkcol(f.b, it, v, 6);
    wr_agg *e = mk(&f, "EARLIEST_BY_OFFSET", it, NULL, NULL, false);
    wr_agg *l = mk(&f, "LATEST_BY_OFFSET", it, NULL, NULL, false);
    CHECK(e && l && !wr_agg_invertible(e));
    check_all(&f, e, it, &c, 6, alt, "1", "null");
    check_all(&f, e, it, &c, 6, late, "1", "null");
    check_all(&f, l, it, &c, 6, alt, "3", "null");
    check_all(&f, l, it, &c, 6, late, "3", "null");
    /* ignoreNulls = false keeps NULLs. */
    wr_datum no = lit_bool(false);
    wr_agg *en = mk(&f, "EARLIEST_BY_OFFSET", it, &no, "b", false);
    wr_agg *ln = mk(&f, "LATEST_BY_OFFSET", it, &no, "b", false);
    CHECK(en && ln);
    check_all(&f, en, it, &c, 6, late, "null", "null");
    check_all(&f, ln, it, &c, 6, alt, "null", "null");
    check_all(&f, ln, it, &c, 5, late, "3", "null");
    check_all(&f, en, it, &c + 0, 0, NULL, "null", "null");
    fx_close(&f);
}

TEST(earliest_latest_strings_survive_reset)
{
    fx f = fx_open();
    const wr_type *st = prim(WR_T_STRING);
    const char *v[] = {"first", NULL, "second", "third"};
    wr_col c = mkcol(f.b, st, v, 4);
    wr_agg *e = mk(&f, "EARLIEST_BY_OFFSET", st, NULL, NULL, false);
    wr_agg *l = mk(&f, "LATEST_BY_OFFSET", st, NULL, NULL, false);
    check_all(&f, e, st, &c, 4, late, "first", "null");
    check_all(&f, l, st, &c, 4, late, "third", "null");
    void *a = slot_new(e), *b = slot_new(l);
    CHECK(feed(e, &a, NULL, &c, 4) && feed(l, &b, NULL, &c, 4));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, e, st, a), "first");
    CHECK_STR(res(&f, l, st, b), "third");
    slot_free(e, a);
    slot_free(l, b);
    fx_close(&f);
}

TEST(earliest_latest_n)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    const char *v[] = {"1", NULL, "2", "3", NULL, "4", "5"};
    wr_col c = mkcol(f.b, it, v, 7);
    wr_datum two = lit_int(2);
    wr_agg *e = mk(&f, "EARLIEST_BY_OFFSET", it, &two, "i", false);
    wr_agg *l = mk(&f, "LATEST_BY_OFFSET", it, &two, "i", false);
    const wr_type *rt = rtype(&f, "EARLIEST_BY_OFFSET", it, "i");
    CHECK(e && l && rt && rt->kind == WR_T_ARRAY);
    check_all(&f, e, rt, &c, 7, alt, "[1, 2]", "[]");
    check_all(&f, e, rt, &c, 7, late, "[1, 2]", "[]");
    check_all(&f, l, rt, &c, 7, alt, "[4, 5]", "[]");
    check_all(&f, l, rt, &c, 7, late, "[4, 5]", "[]");
    wr_datum lits[2] = {lit_int(3), lit_bool(false)};
    wr_agg *en = mk(&f, "EARLIEST_BY_OFFSET", it, lits, "ib", false);
    wr_agg *ln = mk(&f, "LATEST_BY_OFFSET", it, lits, "ib", false);
    const wr_type *rn = rtype(&f, "LATEST_BY_OFFSET", it, "ib");
    CHECK(en && ln && rn);
    check_all(&f, en, rn, &c, 7, late, "[1, null, 2]", "[]");
    check_all(&f, ln, rn, &c, 7, alt, "[null, 4, 5]", "[]");
    check_all(&f, ln, rn, &c, 3, late, "[1, null, 2]", "[]");
    /* n < 1 is an error when the accumulator is created. */
    wr_datum zero = lit_int(0);
    const wr_func *fn = wr_func_lookup("LATEST_BY_OFFSET", 16);
    weir_status st;
    CHECK(wr_agg_new(f.q, fn, &it, 1, &zero, 1, false, rt, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_BIND);
    CHECK_STR(st.msg, "earliestN must be 1 or greater");
    /* Strings survive the batch. */
    const wr_type *s = prim(WR_T_STRING);
    const char *sv[] = {"a", "b", "c", "d"};
    wr_col cs = mkcol(f.b, s, sv, 4);
    wr_agg *ls = mk(&f, "LATEST_BY_OFFSET", s, &two, "i", false);
    const wr_type *rs = rtype(&f, "LATEST_BY_OFFSET", s, "i");
    void *a = slot_new(ls);
    CHECK(feed(ls, &a, NULL, &cs, 4));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, ls, rs, a), "[c, d]");
    slot_free(ls, a);
    fx_close(&f);
}

/* ---- COLLECT_LIST, COLLECT_SET -------------------------------------- */

TEST(collect_list)
{
    fx f = fx_open();
    const wr_type *st = prim(WR_T_STRING);
    const char *v[] = {"a", "b", NULL, "a", "c", "d"};
    wr_col c = mkcol(f.b, st, v, 6);
    wr_agg *cl = mk(&f, "COLLECT_LIST", st, NULL, NULL, false);
    const wr_type *rt = rtype(&f, "COLLECT_LIST", st, NULL);
    CHECK(cl && rt && !wr_agg_invertible(cl));
    /* NULLs are collected; merge restores processing order by seq. */
    check_all(&f, cl, rt, &c, 6, alt, "[a, b, null, a, c, d]", "[]");
    check_all(&f, cl, rt, &c, 6, late, "[a, b, null, a, c, d]", "[]");
    /* Strings survive the batch arena; merge of two states in any order of
     * sequence numbers. */
    void *two[2] = {slot_new(cl), slot_new(cl)};
    CHECK(feed(cl, two, late, &c, 6));
    wr_arena_reset(f.b);
    CHECK(wr_agg_merge(cl, two[1], two[0]));
    CHECK_STR(res(&f, cl, rt, two[1]), "[a, b, null, a, c, d]");
    slot_free(cl, two[0]);
    slot_free(cl, two[1]);
    fx_close(&f);
}

TEST(collect_list_limit)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    const wr_type *rt = rtype(&f, "COLLECT_LIST", it, NULL);
    wr_agg *cl = mk(&f, "COLLECT_LIST", it, NULL, NULL, false);
    const char *v[MAXR];
    char buf[MAXR][8];
    for (int i = 0; i < MAXR; i++) {
        snprintf(buf[i], sizeof buf[i], "%d", i);
        v[i] = buf[i];
    }
    wr_col c = mkcol(f.b, it, v, MAXR);
    /* 1000 entries at most: 16 batches of 64 = 1024 rows. */
    void *one = slot_new(cl), *x = slot_new(cl), *y = slot_new(cl);
    for (int b = 0; b < 16; b++) {
        seq0 = b * MAXR;
        CHECK(feed(cl, &one, NULL, &c, MAXR));
        CHECK(feed(cl, b < 10 ? &x : &y, NULL, &c, MAXR));
    }
    wr_col out;
    wr_datum d;
    CHECK(wr_col_init(&out, f.r, rt, 1));
    CHECK(wr_agg_result(cl, one, &out, 0, f.r));
    wr_col_get(&out, 0, &d);
    CHECK_INT(d.u.nest->n, ==, 1000);
    CHECK_INT(d.u.nest->items[999].u.i32, ==, 999 % 64);
    CHECK(wr_agg_merge(cl, x, y));
    CHECK(wr_agg_result(cl, x, &out, 0, f.r));
    wr_col_get(&out, 0, &d);
    CHECK_INT(d.u.nest->n, ==, 1000);
    CHECK_INT(d.u.nest->items[999].u.i32, ==, 999 % 64);
    seq0 = 100;
    slot_free(cl, one);
    slot_free(cl, x);
    slot_free(cl, y);
    fx_close(&f);
}

TEST(collect_set)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    const char *v[] = {"3", "1", NULL, "3", "2", NULL, "1", "5"};
    wr_col c = mkcol(f.b, it, v, 8);
    wr_agg *cs = mk(&f, "COLLECT_SET", it, NULL, NULL, false);
    const wr_type *rt = rtype(&f, "COLLECT_SET", it, NULL);
    CHECK(cs && rt);
    check_all(&f, cs, rt, &c, 8, alt, "[3, 1, null, 2, 5]", "[]");
    check_all(&f, cs, rt, &c, 8, late, "[3, 1, null, 2, 5]", "[]");
    const wr_type *st = prim(WR_T_STRING);
    const char *s[] = {"x", "y", "x", "z", "y", "w"};
    wr_col c2 = mkcol(f.b, st, s, 6);
    wr_agg *css = mk(&f, "COLLECT_SET", st, NULL, NULL, false);
    const wr_type *rs = rtype(&f, "COLLECT_SET", st, NULL);
    void *two[2] = {slot_new(css), slot_new(css)};
    CHECK(feed(css, two, late, &c2, 6));
    wr_arena_reset(f.b);
    CHECK(wr_agg_merge(css, two[0], two[1]));
    CHECK_STR(res(&f, css, rs, two[0]), "[x, y, z, w]");
    /* Merging src into an empty dst copies it. */
    void *e = slot_new(css);
    CHECK(wr_agg_merge(css, e, two[1]));
    CHECK_STR(res(&f, css, rs, e), "[x, y]");
    slot_free(css, two[0]);
    slot_free(css, two[1]);
    slot_free(css, e);
    fx_close(&f);
}

/* ---- HISTOGRAM ------------------------------------------------------ */

TEST(histogram)
{
    fx f = fx_open();
    const wr_type *st = prim(WR_T_STRING);
    const char *v[] = {"a", "b", "a", NULL, "c", "a", "b", "c"};
    wr_col c = mkcol(f.b, st, v, 8);
    wr_agg *h = mk(&f, "HISTOGRAM", st, NULL, NULL, false);
    const wr_type *rt = rtype(&f, "HISTOGRAM", st, NULL);
    CHECK(h && rt && rt->kind == WR_T_MAP);
    check_all(&f, h, rt, &c, 8, NULL, "{a=3, b=2, c=2}", "{}");
    void *two[2] = {slot_new(h), slot_new(h)};
    CHECK(feed(h, two, alt, &c, 8));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, h, rt, two[1]), "{b=1, a=1, c=1}");
    CHECK(wr_agg_merge(h, two[0], two[1]));
    CHECK_STR(res(&f, h, rt, two[0]), "{a=3, c=2, b=2}");
    slot_free(h, two[0]);
    slot_free(h, two[1]);
    fx_close(&f);
}

/* ---- TOPK, TOPKDISTINCT --------------------------------------------- */

TEST(topk)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT);
    const char *v[] = {"5", "1", NULL, "9", "5", "7", "9", "3"};
    wr_col c = mkcol(f.b, it, v, 8);
    wr_datum three = lit_int(3);
    wr_agg *t = mk(&f, "TOPK", it, &three, "i", false);
    wr_agg *td = mk(&f, "TOPKDISTINCT", it, &three, "i", false);
    const wr_type *rt = rtype(&f, "TOPK", it, "i");
    CHECK(t && td && rt);
    check_all(&f, t, rt, &c, 8, alt, "[9, 9, 7]", "[]");
    check_all(&f, t, rt, &c, 8, late, "[9, 9, 7]", "[]");
    check_all(&f, td, rt, &c, 8, alt, "[9, 7, 5]", "[]");
    check_all(&f, td, rt, &c, 8, late, "[9, 7, 5]", "[]");
    check_all(&f, t, rt, &c, 2, alt, "[5, 1]", "[]");

    const wr_type *st = prim(WR_T_STRING);
    const char *s[] = {"kiwi", "apple", "pear", "fig", "pear", "zucchini"};
    wr_col cs = mkcol(f.b, st, s, 6);
    wr_datum k2 = lit_int(2);
    wr_agg *ts = mk(&f, "TOPK", st, &k2, "i", false);
    wr_agg *tds = mk(&f, "TOPKDISTINCT", st, &k2, "i", false);
    const wr_type *rs = rtype(&f, "TOPK", st, "i");
    void *a[2] = {slot_new(ts), slot_new(ts)};
    void *b[2] = {slot_new(tds), slot_new(tds)};
    CHECK(feed(ts, a, alt, &cs, 5) && feed(tds, b, late, &cs, 5));
    wr_arena_reset(f.b);
    CHECK(wr_agg_merge(ts, a[0], a[1]) && wr_agg_merge(tds, b[0], b[1]));
    CHECK_STR(res(&f, ts, rs, a[0]), "[pear, pear]");
    CHECK_STR(res(&f, tds, rs, b[0]), "[pear, kiwi]");
    slot_free(ts, a[0]);
    slot_free(ts, a[1]);
    slot_free(tds, b[0]);
    slot_free(tds, b[1]);

    const wr_type *dec = wr_type_decimal(f.q, 4, 1);
    const char *d[] = {"1.5", "-2.0", "100.0", "3.3"};
    wr_col cd = mkcol(f.b, dec, d, 4);
    check_all(&f, mk(&f, "TOPK", dec, &k2, "i", false),
              rtype(&f, "TOPK", dec, "i"), &cd, 4, alt, "[100.0, 3.3]", "[]");
    fx_close(&f);
}

/* ---- nested values -------------------------------------------------- */

/* An ARRAY<STRING> value of the given strings, all in ar. */
static const wr_val *mkarr(wr_arena *ar, const wr_type *t, const char *a,
                           const char *b)
{
    wr_val *v = wr_arena_alloc(ar, sizeof(*v));
    wr_datum *items = wr_arena_zalloc(ar, 2 * sizeof(wr_datum));
    v->type = t;
    v->n = 2;
    v->items = items;
    items[0].u.str.p = wr_arena_strdup(ar, a);
    items[0].u.str.len = (int32_t)strlen(a);
    items[1].null = b == NULL;
    if (b) {
        items[1].u.str.p = wr_arena_strdup(ar, b);
        items[1].u.str.len = (int32_t)strlen(b);
    }
    return v;
}

TEST(nested_values_survive_reset)
{
    fx f = fx_open();
    const wr_type *at = wr_type_array(f.q, prim(WR_T_STRING));
    wr_field fl[2] = {{"A", prim(WR_T_INT)}, {"B", at}};
    const wr_type *stt = wr_type_struct(f.q, fl, 2);
    wr_col c, cs;
    CHECK(wr_col_init(&c, f.b, at, 3) && wr_col_init(&cs, f.b, stt, 3));
    const char *words[3][2] = {{"x", "y"}, {"long string", NULL}, {"", "z"}};
    for (int i = 0; i < 3; i++) {
        wr_datum d = {.null = false};
        d.u.nest = mkarr(f.b, at, words[i][0], words[i][1]);
        wr_col_put(&c, i, &d);
        wr_val *sv = wr_arena_alloc(f.b, sizeof(*sv));
        wr_datum *it = wr_arena_zalloc(f.b, 2 * sizeof(wr_datum));
        sv->type = stt;
        sv->n = 2;
        sv->items = it;
        it[0].u.i32 = i;
        it[1].u.nest = d.u.nest;
        wr_datum ds = {.null = false};
        ds.u.nest = sv;
        wr_col_put(&cs, i, &ds);
    }
    wr_agg *cl = mk(&f, "COLLECT_LIST", at, NULL, NULL, false);
    const wr_type *rt = rtype(&f, "COLLECT_LIST", at, NULL);
    wr_agg *lb = mk(&f, "LATEST_BY_OFFSET", stt, NULL, NULL, false);
    wr_agg *cset = mk(&f, "COLLECT_SET", stt, NULL, NULL, false);
    const wr_type *rset = rtype(&f, "COLLECT_SET", stt, NULL);
    CHECK(cl && lb && cset);
    check_all(&f, cl, rt, &c, 3, alt, "[[x, y], [long string, null], [, z]]",
              "[]");
    void *a = slot_new(cl), *b = slot_new(lb), *s = slot_new(cset);
    CHECK(feed(cl, &a, NULL, &c, 3) && feed(lb, &b, NULL, &cs, 2));
    CHECK(feed(cset, &s, NULL, &cs, 3) && feed(cset, &s, NULL, &cs, 3));
    wr_arena_reset(f.b);
    CHECK_STR(res(&f, cl, rt, a), "[[x, y], [long string, null], [, z]]");
    CHECK_STR(res(&f, lb, stt, b), "{A=1, B=[long string, null]}");
    CHECK_STR(res(&f, cset, rset, s),
              "[{A=0, B=[x, y]}, {A=1, B=[long string, null]}, {A=2, B=[, "
              "z]}]");
    slot_free(cl, a);
    slot_free(lb, b);
    slot_free(cset, s);
    fx_close(&f);
}

/* ---- creation and failures ------------------------------------------ */

/* Inverse reduction (processing-time hopping windows): merging a pane in
 * and taking it out again leaves the window as it was. */
TEST(unmerge_inverts_merge)
{
    fx f = fx_open();
    const wr_type *it = prim(WR_T_INT), *dt = prim(WR_T_DOUBLE);
    const wr_type *dec = wr_type_decimal(f.q, 5, 2);
    const char *vi[] = {"1", NULL, "3", "4"};
    const char *vd[] = {"0.5", "1.25", NULL, "2.0"};
    const char *vc[] = {"1.10", "2.20", "-0.30", NULL};
    struct {
        const char *fn;
        const wr_type *t;
        const char **v;
        const char *win, *pane;
    } k[] = {
        {"COUNT", NULL, vi, "4", "2"},     {"COUNT", it, vi, "3", "2"},
        {"SUM", it, vi, "8", "7"},         {"AVG", dt, vd, "1.25", "2"},
        {"SUM", dec, vc, "3.00", "-0.30"},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        wr_agg *a = mk(&f, k[i].fn, k[i].t, NULL, NULL, false);
        CHECK(a && wr_agg_invertible(a));
        const wr_type *rt = rtype(&f, k[i].fn, k[i].t, NULL);
        wr_col c = mkcol(f.b, k[i].t ? k[i].t : it, k[i].v, 4);
        /* window = rows 0..3; pane = rows 2..3 */
        void *win = slot_new(a), *pane = slot_new(a);
        CHECK(feed(a, &win, NULL, &c, 4));
        int part[] = {1, 1, 0, 0};
        void *two[2] = {pane, slot_new(a)};
        CHECK(feed(a, two, part, &c, 4));
        CHECK_STR(res(&f, a, rt, win), k[i].win);
        CHECK_STR(res(&f, a, rt, pane), k[i].pane);
        wr_agg_unmerge(a, win, pane); /* rows 0..1 remain */
        wr_agg_merge(a, win, pane);   /* and back */
        CHECK_STR(res(&f, a, rt, win), k[i].win);
        slot_free(a, win);
        slot_free(a, pane);
        slot_free(a, two[1]);
    }
    fx_close(&f);
}

TEST(unsupported_and_sizes)
{
    fx f = fx_open();
    weir_status st;
    const wr_type *s = prim(WR_T_STRING);
    const wr_func *sum = wr_func_lookup("SUM", 3);
    CHECK(wr_agg_new(f.q, sum, &s, 1, NULL, 0, false, s, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_UNSUPPORTED);
    const wr_type *it = prim(WR_T_INT);
    CHECK(wr_agg_new(f.q, sum, &it, 1, NULL, 0, true, it, &st) == NULL);
    const wr_func *abs = wr_func_lookup("ABS", 3);
    CHECK(wr_agg_new(f.q, abs, &it, 1, NULL, 0, false, it, &st) == NULL);
    /* Every registered aggregate has an implementation. */
    int naggs = 0;
    for (int i = 0; i < wr_func_count(); i++) {
        const wr_func *fn = wr_func_at(i);
        if (fn->kind != WR_FN_AGGREGATE)
            continue;
        naggs++;
        wr_datum lit = lit_int(2);
        bool needs_k = fn->min_args == 2;
        const wr_type *t = strcmp(fn->name, "HISTOGRAM") == 0 ? s : it;
        wr_agg *a = mk(&f, fn->name, t, &lit, needs_k ? "i" : NULL, false);
        if (!a)
            fprintf(stderr, "no accumulator for %s\n", fn->name);
        CHECK(a != NULL);
        size_t al = wr_agg_state_align(a);
        CHECK(al == 8 || al == 16);
        CHECK_INT(wr_agg_state_size(a) % al, ==, 0);
        CHECK(wr_agg_state_size(a) > 0);
    }
    CHECK_INT(naggs, >=, 14);
    fx_close(&f);
}

TEST(out_of_memory_is_reported)
{
    fx f = fx_open();
    const wr_type *st = prim(WR_T_STRING);
    const char *v[] = {"one", "two", "three", "four"};
    wr_col c = mkcol(f.b, st, v, 4);
    const char *names[] = {"COLLECT_LIST",     "COLLECT_SET",    "MIN",
                           "LATEST_BY_OFFSET", "COUNT_DISTINCT", "HISTOGRAM"};
    for (int i = 0; i < 6; i++) {
        wr_agg *a = mk(&f, names[i], st, NULL, NULL, false);
        CHECK(a != NULL);
        for (int fail = 0; fail < 8; fail++) {
            void *x = slot_new(a), *y = slot_new(a);
            CHECK(feed(a, &y, NULL, &c, 4));
            wr_fault_sim(fail);
            bool ok = feed(a, &x, NULL, &c, 4);
            bool mok = wr_agg_merge(a, x, y);
            wr_fault_sim(-1);
            (void)ok;
            (void)mok;
            slot_free(a, x);
            slot_free(a, y);
        }
    }
    fx_close(&f);
}

TEST_LIST(wr_tests_agg, TEST_ENTRY(count_star_and_count),
          TEST_ENTRY(count_shared_slots_and_selection),
          TEST_ENTRY(count_distinct), TEST_ENTRY(sum_int_wraps_and_nulls),
          TEST_ENTRY(sum_bigint_double),
          TEST_ENTRY(sum_decimal_exact_and_overflow), TEST_ENTRY(avg),
          TEST_ENTRY(stddev_samp), TEST_ENTRY(min_max_numbers),
          TEST_ENTRY(min_max_strings_survive_reset),
          TEST_ENTRY(earliest_latest),
          TEST_ENTRY(earliest_latest_strings_survive_reset),
          TEST_ENTRY(earliest_latest_n), TEST_ENTRY(collect_list),
          TEST_ENTRY(collect_list_limit), TEST_ENTRY(collect_set),
          TEST_ENTRY(histogram), TEST_ENTRY(topk),
          TEST_ENTRY(nested_values_survive_reset),
          TEST_ENTRY(unmerge_inverts_merge), TEST_ENTRY(unsupported_and_sizes),
          TEST_ENTRY(out_of_memory_is_reported));
