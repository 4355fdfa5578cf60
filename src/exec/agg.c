/*
 * agg.c: the aggregate functions of the registry (see agg.h) as
 * accumulators over fixed-size state slots.
 *
 * Design. wr_agg_new() maps a registry entry plus argument types onto one
 * accumulator kind (agg_kind) and fixes everything the per-row code needs
 * (argument kind, k / n / limit, ignoreNulls), so update, merge and result
 * switch on the kind once per call and then run a tight loop over the rows.
 * A slot is one of five layouts, all zeroed by wr_agg_init():
 *   int64_t  COUNT: the count (8 bytes);
 *   st_sum   SUM, AVG of INT, BIGINT, DOUBLE: a running sum (Java int or
 *            long, wrapping, or double) and AVG's count (16 bytes);
 *   st_num   SUM of DECIMAL (an exact 128-bit sum) and STDDEV_SAMP: the
 *            sum, a count and STDDEV's M2;
 *   st_val   MIN, MAX, EARLIEST/LATEST_BY_OFFSET: one value plus the
 *            sequence number it came from;
 *   st_coll  everything that holds several values: EARLIEST/LATEST with n,
 *            COLLECT_LIST, COLLECT_SET, COUNT(DISTINCT), COUNT_DISTINCT,
 *            HISTOGRAM, TOPK, TOPKDISTINCT: a malloc'd array of entries
 *            (value, sequence number or count, hash) and, for the set-like
 *            kinds, an open-addressing hash index over it.
 *
 * Memory. Slots belong to the caller. Every value a slot keeps (strings,
 * bytes, nested values, entry arrays, hash indexes) is malloc'd with
 * wr_malloc and owned by the slot until wr_agg_fini(): a retained value is
 * deep-copied out of the batch into one block ("kept"), because batch arenas
 * are reset after each batch. Numbers are never allocated, so COUNT, SUM,
 * AVG and MIN/MAX of numbers do no allocation at all. merge() never steals
 * from src (it is const): it copies what it takes, so src stays valid for
 * its own wr_agg_fini(). Results are built in the arena passed to
 * wr_agg_result().
 *
 * Null rules and results follow ksqlDB's UDAF classes (0.29):
 *   COUNT(*) counts rows; COUNT(x) counts non-NULL x (CountKudaf).
 *   COUNT(DISTINCT x), COUNT_DISTINCT(x): exact number of distinct non-NULL
 *     values (ksqlDB's COUNT_DISTINCT is a HyperLogLog estimate; exact is
 *     within its error bound).
 *   SUM starts at 0 and skips NULLs; INT and BIGINT wrap around as Java
 *     does; DECIMAL is exact, and an addition whose result no longer fits the
 *     result precision is skipped (ksqlDB's DecimalSumKudaf throws for that
 *     record, which leaves the aggregate unchanged).
 *   AVG keeps SUM (in the argument's Java type, so AVG(INT) sums in 32 bits
 *     as AverageUdaf does) and COUNT of non-NULL values; no values: 0.0.
 *   STDDEV_SAMP: Youngs-Cramer as StandardDeviationSampleUdaf; fewer than
 *     two values: 0.0.
 *   MIN, MAX skip NULLs; NULL when nothing was seen (BaseComparableKudaf).
 *   EARLIEST/LATEST_BY_OFFSET(x [, n] [, ignoreNulls]) order by `seq`; NULLs
 *     are skipped unless ignoreNulls is false; nothing seen: NULL, or an
 *     empty array for the n forms; n < 1 is rejected when created.
 *   COLLECT_LIST keeps NULLs, COLLECT_SET keeps one NULL (the UDAFs add
 *     whatever they are given); both stop at 1000 entries (the documented
 *     default of ksql.functions.collect_*.limit).
 *   HISTOGRAM skips NULLs (a NULL map key cannot be serialized) and counts
 *     at most 1000 distinct strings, as HistogramUdaf.
 *   TOPK, TOPKDISTINCT skip NULLs; the result is sorted largest first; a k
 *     below 1 gives an empty array.
 * Merges are exact with respect to `seq`: COLLECT_LIST, COLLECT_SET and
 * the by-offset kinds order the union of both states by sequence number, so
 * merging partial states equals one state fed every row.
 *
 * Not here: choosing which slots rows go to, windows, and checkpointing
 * state (the operator owns those).
 */
#include "exec/agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"

/* ksqlDB's default ksql.functions.collect_list/collect_set.limit. */
#define COLLECT_LIMIT 1000
/* HistogramUdaf.LIMIT. */
#define HISTOGRAM_LIMIT 1000

typedef enum agg_kind {
    A_COUNT_STAR,     /* COUNT(*) */
    A_COUNT,          /* COUNT(x) */
    A_SUM,            /* SUM(x) */
    A_AVG,            /* AVG(x) */
    A_STDDEV,         /* STDDEV_SAMP(x) */
    A_MIN,            /* MIN(x) */
    A_MAX,            /* MAX(x) */
    A_EARLIEST,       /* EARLIEST_BY_OFFSET(x [, ignoreNulls]) */
    A_LATEST,         /* LATEST_BY_OFFSET(x [, ignoreNulls]) */
    A_EARLIEST_N,     /* EARLIEST_BY_OFFSET(x, n [, ignoreNulls]) */
    A_LATEST_N,       /* LATEST_BY_OFFSET(x, n [, ignoreNulls]) */
    A_COLLECT_LIST,   /* COLLECT_LIST(x) */
    A_COLLECT_SET,    /* COLLECT_SET(x) */
    A_COUNT_DISTINCT, /* COUNT(DISTINCT x), COUNT_DISTINCT(x) */
    A_HISTOGRAM,      /* HISTOGRAM(x) */
    A_TOPK,           /* TOPK(x, k) */
    A_TOPK_DISTINCT,  /* TOPKDISTINCT(x, k) */
} agg_kind;

struct wr_agg {
    agg_kind kind;         /* which accumulator */
    wr_type_kind ak;       /* argument kind (WR_T_NULL for COUNT(*)) */
    const wr_type *arg;    /* argument type (NULL for COUNT(*)) */
    const wr_type *result; /* result type from the binder */
    int n;                 /* k, n or the entry limit */
    bool ignore_nulls;     /* by-offset kinds: skip NULL values */
    wr_i128 dec_max;       /* DECIMAL SUM: 10^precision (exclusive) */
    size_t size;           /* state slot size, multiple of align */
    size_t align;          /* slot alignment: 8, or 16 with a wr_i128 */
};

/* Running sum of SUM and AVG over INT, BIGINT and DOUBLE. Panes of a
 * hopping window over sparse keys hold about one slot per row: keep it
 * small (no DECIMAL, no M2, 8-aligned). */
typedef struct st_sum {
    union {
        int32_t i32; /* INT: Java int, wraps */
        int64_t i64; /* BIGINT: Java long, wraps */
        double f64;  /* DOUBLE */
    } sum;
    int64_t count; /* AVG: non-NULL values seen */
} st_sum;

/* Running numbers of COUNT, SUM, AVG and STDDEV_SAMP. */
typedef struct st_num {
    union {
        int32_t i32; /* INT: Java int, wraps */
        int64_t i64; /* BIGINT: Java long, wraps; COUNT */
        double f64;  /* DOUBLE */
        wr_i128 dec; /* DECIMAL: unscaled, result scale */
    } sum;           /* the sum (or the count for COUNT) */
    int64_t count;   /* AVG, STDDEV: non-NULL values seen */
    double m2;       /* STDDEV: sum of squared deviations */
} st_num;

/* One kept value: MIN, MAX, EARLIEST/LATEST_BY_OFFSET. */
typedef struct st_val {
    wr_datum v;  /* the value (kept: owned by the slot) */
    int64_t seq; /* sequence number it came from (by-offset) */
    bool has;    /* a row was taken (v may be NULL for by-offset) */
} st_val;

/* An entry of a collection. */
typedef struct ent {
    wr_datum d;  /* the value (kept: owned by the slot) */
    int64_t seq; /* sequence number (HISTOGRAM: the count) */
    uint64_t h;  /* hash of d (set-like kinds) */
} ent;

/* Several kept values, and a hash index for the set-like kinds. */
typedef struct st_coll {
    ent *e;         /* n entries (malloc'd), order depends on the kind */
    int n;          /* entries in use */
    int cap;        /* entries allocated */
    uint32_t *slot; /* hash index: 0 empty, else entry index + 1 */
    uint32_t nslot; /* index size, a power of two (0: no index yet) */
} st_coll;

/* ---- kept values: deep copies owned by a slot ------------------------ */

/* wr_datum_keep / wr_datum_drop (value.h) own what a slot keeps. */

static size_t align16(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

/* ---- creation ------------------------------------------------------- */

static bool kind_in(wr_type_kind k, const wr_type_kind *set, int n)
{
    for (int i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

static const wr_type_kind k_sum[] = {WR_T_INT, WR_T_BIGINT, WR_T_DOUBLE,
                                     WR_T_DECIMAL};
static const wr_type_kind k_avg[] = {WR_T_INT, WR_T_BIGINT, WR_T_DOUBLE};
static const wr_type_kind k_minmax[] = {
    WR_T_INT,  WR_T_BIGINT, WR_T_DOUBLE,    WR_T_DECIMAL, WR_T_DATE,
    WR_T_TIME, WR_T_STRING, WR_T_TIMESTAMP, WR_T_BYTES};
static const wr_type_kind k_topk[] = {WR_T_INT,       WR_T_BIGINT, WR_T_DOUBLE,
                                      WR_T_DECIMAL,   WR_T_DATE,   WR_T_TIME,
                                      WR_T_TIMESTAMP, WR_T_STRING};

#define NK(a) ((int)(sizeof(a) / sizeof((a)[0])))

static wr_agg *unsupported(const wr_func *fn, weir_status *st)
{
    weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                    "aggregate %s: no implementation for these arguments",
                    fn ? fn->name : "(null)");
    return NULL;
}

/* Picks the by-offset form from the literals: (x), (x, ignoreNulls),
 * (x, n), (x, n, ignoreNulls). */
static bool by_offset_args(wr_agg *a, const wr_datum *lits, int nlit,
                           bool earliest, weir_status *st)
{
    bool with_n = false;
    a->ignore_nulls = true;
    if (nlit == 2) {
        with_n = true;
    } else if (nlit == 1) {
        /* (x, n) returns ARRAY<T>; (x, ignoreNulls) returns T. */
        with_n = a->result && a->result->kind == WR_T_ARRAY &&
                 !wr_type_equal(a->result, a->arg);
    }
    if (with_n) {
        a->n = lits[0].null ? 1 : lits[0].u.i32;
        if (nlit == 2 && !lits[1].null)
            a->ignore_nulls = lits[1].u.b != 0;
        if (a->n < 1) {
            /* ksqlDB's message, for both functions. */
            weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                            "earliestN must be 1 or greater");
            return false;
        }
        a->kind = earliest ? A_EARLIEST_N : A_LATEST_N;
    } else {
        if (nlit == 1 && !lits[0].null)
            a->ignore_nulls = lits[0].u.b != 0;
        a->kind = earliest ? A_EARLIEST : A_LATEST;
    }
    return true;
}

wr_agg *wr_agg_new(wr_arena *ar, const wr_func *fn, const wr_type *const *args,
                   int nargs, const wr_datum *lits, int nlit, bool distinct,
                   const wr_type *result, weir_status *st)
{
    if (!fn || fn->kind != WR_FN_AGGREGATE || nargs < 0 || nargs > 1 ||
        (nargs == 1 && (!args || !args[0])) || nlit < 0 || (nlit > 0 && !lits))
        return unsupported(fn, st);
    wr_agg *a = wr_arena_zalloc(ar, sizeof(*a));
    if (!a) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    a->arg = nargs ? args[0] : NULL;
    a->ak = nargs ? args[0]->kind : WR_T_NULL;
    a->result = result;
    const char *name = fn->name;
    wr_type_kind k = a->ak;

    if (strcmp(name, "COUNT") == 0) {
        a->kind = nargs == 0 ? A_COUNT_STAR
                  : distinct ? A_COUNT_DISTINCT
                             : A_COUNT;
        distinct = false;
    } else if (nargs != 1) {
        return unsupported(fn, st);
    } else if (strcmp(name, "COUNT_DISTINCT") == 0) {
        a->kind = A_COUNT_DISTINCT;
    } else if (strcmp(name, "SUM") == 0 && kind_in(k, k_sum, NK(k_sum))) {
        a->kind = A_SUM;
        if (k == WR_T_DECIMAL) {
            const wr_type *rt =
                result && result->kind == WR_T_DECIMAL ? result : a->arg;
            if (rt->scale != a->arg->scale)
                return unsupported(fn, st);
            a->dec_max = wr_dec_pow10(rt->precision);
        }
    } else if (strcmp(name, "AVG") == 0 && kind_in(k, k_avg, NK(k_avg))) {
        a->kind = A_AVG;
    } else if (strcmp(name, "STDDEV_SAMP") == 0 &&
               kind_in(k, k_avg, NK(k_avg))) {
        a->kind = A_STDDEV;
    } else if (strcmp(name, "MIN") == 0 && kind_in(k, k_minmax, NK(k_minmax))) {
        a->kind = A_MIN;
    } else if (strcmp(name, "MAX") == 0 && kind_in(k, k_minmax, NK(k_minmax))) {
        a->kind = A_MAX;
    } else if (strcmp(name, "EARLIEST_BY_OFFSET") == 0 && nlit <= 2) {
        if (!by_offset_args(a, lits, nlit, true, st))
            return NULL;
    } else if (strcmp(name, "LATEST_BY_OFFSET") == 0 && nlit <= 2) {
        if (!by_offset_args(a, lits, nlit, false, st))
            return NULL;
    } else if (strcmp(name, "COLLECT_LIST") == 0) {
        a->kind = A_COLLECT_LIST;
        a->n = COLLECT_LIMIT;
    } else if (strcmp(name, "COLLECT_SET") == 0) {
        a->kind = A_COLLECT_SET;
        a->n = COLLECT_LIMIT;
    } else if (strcmp(name, "HISTOGRAM") == 0 && k == WR_T_STRING) {
        a->kind = A_HISTOGRAM;
        a->n = HISTOGRAM_LIMIT;
    } else if ((strcmp(name, "TOPK") == 0 ||
                strcmp(name, "TOPKDISTINCT") == 0) &&
               nlit == 1 && kind_in(k, k_topk, NK(k_topk))) {
        a->kind = name[4] ? A_TOPK_DISTINCT : A_TOPK;
        a->n = lits[0].null || lits[0].u.i32 < 0 ? 0 : lits[0].u.i32;
    } else {
        return unsupported(fn, st);
    }
    if (distinct)
        return unsupported(fn, st);

    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
        a->size = sizeof(int64_t);
        a->align = 8;
        return a;
    case A_SUM:
    case A_AVG:
        if (k != WR_T_DECIMAL) {
            a->size = sizeof(st_sum);
            a->align = 8;
            return a;
        }
        a->size = align16(sizeof(st_num));
        break;
    case A_STDDEV:
        a->size = align16(sizeof(st_num));
        break;
    case A_MIN:
    case A_MAX:
    case A_EARLIEST:
    case A_LATEST:
        a->size = align16(sizeof(st_val));
        break;
    default:
        a->size = align16(sizeof(st_coll));
        break;
    }
    a->align = 16;
    return a;
}

size_t wr_agg_state_size(const wr_agg *a)
{
    return a->size;
}

size_t wr_agg_state_align(const wr_agg *a)
{
    return a->align;
}

bool wr_agg_invertible(const wr_agg *a)
{
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_SUM:
    case A_AVG:
        return true;
    default:
        return false;
    }
}

void wr_agg_init(const wr_agg *a, void *state)
{
    memset(state, 0, a->size);
    if (a->kind == A_MIN || a->kind == A_MAX || a->kind == A_EARLIEST ||
        a->kind == A_LATEST)
        ((st_val *)state)->v.null = true;
}

/* ---- collections ---------------------------------------------------- */

/* Makes room for need entries. */
static bool coll_reserve(st_coll *s, int need)
{
    if (need <= s->cap)
        return true;
    int nc = s->cap ? s->cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    ent *e = wr_realloc(s->e, sizeof(ent) * (size_t)nc);
    if (!e)
        return false;
    s->e = e;
    s->cap = nc;
    return true;
}

static void coll_free(const wr_agg *a, st_coll *s)
{
    for (int i = 0; i < s->n; i++)
        wr_datum_drop(a->arg, &s->e[i].d);
    wr_free(s->e);
    wr_free(s->slot);
    memset(s, 0, sizeof(*s));
}

/* Index of the entry equal to d (hash h), or -1. */
static int set_find(const wr_agg *a, const st_coll *s, const wr_datum *d,
                    uint64_t h)
{
    if (!s->nslot)
        return -1;
    uint32_t mask = s->nslot - 1;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        uint32_t x = s->slot[i];
        if (!x)
            return -1;
        const ent *e = &s->e[x - 1];
        if (e->h == h && wr_datum_equal(a->arg, &e->d, d))
            return (int)(x - 1);
    }
}

/* Rebuilds the hash index over all entries with room for `need`. */
static bool set_reindex(st_coll *s, int need)
{
    uint32_t ns = 16;
    while ((uint64_t)ns * 3 < (uint64_t)need * 4)
        ns *= 2;
    uint32_t *slot = wr_malloc(sizeof(uint32_t) * ns);
    if (!slot)
        return false;
    memset(slot, 0, sizeof(uint32_t) * ns);
    for (int j = 0; j < s->n; j++) {
        uint32_t i = (uint32_t)s->e[j].h & (ns - 1);
        while (slot[i])
            i = (i + 1) & (ns - 1);
        slot[i] = (uint32_t)j + 1;
    }
    wr_free(s->slot);
    s->slot = slot;
    s->nslot = ns;
    return true;
}

/*
 * Appends the kept datum d (ownership passes to s, even on failure, when it
 * is dropped) with hash h and sequence number seq, and indexes it.
 */
static bool set_add(const wr_agg *a, st_coll *s, wr_datum *d, uint64_t h,
                    int64_t seq)
{
    if (!coll_reserve(s, s->n + 1) ||
        ((uint64_t)(s->n + 1) * 4 > (uint64_t)s->nslot * 3 &&
         !set_reindex(s, s->n + 1))) {
        wr_datum_drop(a->arg, d);
        return false;
    }
    s->e[s->n] = (ent){*d, seq, h};
    s->n++;
    uint32_t mask = s->nslot - 1;
    uint32_t i = (uint32_t)h & mask;
    while (s->slot[i])
        i = (i + 1) & mask;
    s->slot[i] = (uint32_t)s->n;
    return true;
}

/* Inserts the kept datum d at position pos (room must exist). */
static void coll_insert(st_coll *s, int pos, const wr_datum *d, int64_t seq)
{
    memmove(&s->e[pos + 1], &s->e[pos], sizeof(ent) * (size_t)(s->n - pos));
    s->e[pos] = (ent){*d, seq, 0};
    s->n++;
}

/* Removes entry pos, freeing its value. */
static void coll_remove(const wr_agg *a, st_coll *s, int pos)
{
    wr_datum_drop(a->arg, &s->e[pos].d);
    memmove(&s->e[pos], &s->e[pos + 1], sizeof(ent) * (size_t)(s->n - pos - 1));
    s->n--;
}

/* ---- update --------------------------------------------------------- */

#define ST(T, k) ((T *)states[k])
#define ISNULL(c, r) wr_col_is_null((c), (int)(r))

/* SUM / AVG / STDDEV sums: the argument's Java type, wrapping for ints. */
#define ADD_I32(x, y) ((int32_t)((uint32_t)(x) + (uint32_t)(y)))
#define SUB_I32(x, y) ((int32_t)((uint32_t)(x) - (uint32_t)(y)))
#define ADD_I64(x, y) ((int64_t)((uint64_t)(x) + (uint64_t)(y)))
#define SUB_I64(x, y) ((int64_t)((uint64_t)(x) - (uint64_t)(y)))

/* DECIMAL a + b (sign > 0) or a - b when it fits below dec_max. */
static bool dec_addsub(const wr_agg *a, wr_i128 x, wr_i128 y, int sign,
                       wr_i128 *out)
{
    wr_i128 r;
    if (sign > 0 ? __builtin_add_overflow(x, y, &r)
                 : __builtin_sub_overflow(x, y, &r))
        return false;
    if (r >= a->dec_max || r <= -a->dec_max)
        return false;
    *out = r;
    return true;
}

#define ADD_F64(x, y) ((x) + (y))
#define SUB_F64(x, y) ((x) - (y))

/* upd_sum over a column of C type T (read with COL) into sum.FIELD. */
#define SUM_LOOP(T, COL, FIELD, ADD, SUB)                                      \
    do {                                                                       \
        const T *v = COL(c);                                                   \
        for (int k = 0; k < n; k++) {                                          \
            uint32_t r = rows[k];                                              \
            if (ISNULL(c, r))                                                  \
                continue;                                                      \
            st_sum *s = ST(st_sum, k);                                         \
            s->sum.FIELD =                                                     \
                sign > 0 ? ADD(s->sum.FIELD, v[r]) : SUB(s->sum.FIELD, v[r]);  \
            s->count += dc;                                                    \
        }                                                                      \
    } while (0)

/* SUM (count == false) and AVG (count == true), adding (sign > 0) or
 * retracting (sign < 0) every non-NULL row. */
static void upd_sum(const wr_agg *a, void *const *states, const wr_col *c,
                    const uint32_t *rows, int n, int sign, bool count)
{
    int64_t dc = count ? sign : 0;
    switch (a->ak) {
    case WR_T_INT:
        SUM_LOOP(int32_t, WR_COL_I32, i32, ADD_I32, SUB_I32);
        break;
    case WR_T_BIGINT:
        SUM_LOOP(int64_t, WR_COL_I64, i64, ADD_I64, SUB_I64);
        break;
    case WR_T_DOUBLE:
        SUM_LOOP(double, WR_COL_F64, f64, ADD_F64, SUB_F64);
        break;
    case WR_T_DECIMAL: {
        const wr_i128 *v = WR_COL_DEC(c);
        for (int k = 0; k < n; k++) {
            uint32_t r = rows[k];
            if (ISNULL(c, r))
                continue;
            st_num *s = ST(st_num, k);
            /* Overflow: ksqlDB throws for this record; keep the sum. */
            if (dec_addsub(a, s->sum.dec, v[r], sign, &s->sum.dec))
                s->count += dc;
        }
        break;
    }
    default:
        break;
    }
}

/* The delta of StandardDeviationSampleUdaf.createDelta for value x. */
static double sd_delta(const wr_agg *a, const st_num *s, const wr_datum *x)
{
    switch (a->ak) {
    case WR_T_INT:
        return (double)SUB_I64(
            (int64_t)((uint64_t)(int64_t)x->u.i32 * (uint64_t)(s->count + 1)),
            ADD_I32(s->sum.i32, x->u.i32));
    case WR_T_BIGINT:
        return (double)SUB_I64(
            (int64_t)((uint64_t)x->u.i64 * (uint64_t)(s->count + 1)),
            ADD_I64(s->sum.i64, x->u.i64));
    default:
        return x->u.f64 * (double)(s->count + 1) - (s->sum.f64 + x->u.f64);
    }
}

static void upd_stddev(const wr_agg *a, void *const *states, const wr_col *c,
                       const uint32_t *rows, int n)
{
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        if (ISNULL(c, r))
            continue;
        wr_datum x;
        wr_col_get(c, (int)r, &x);
        st_num *s = ST(st_num, k);
        int64_t nc = s->count + 1;
        if (s->count > 0) {
            double d = sd_delta(a, s, &x);
            s->m2 += d * d / (double)(nc * (nc - 1));
        }
        if (a->ak == WR_T_INT)
            s->sum.i32 = ADD_I32(s->sum.i32, x.u.i32);
        else if (a->ak == WR_T_BIGINT)
            s->sum.i64 = ADD_I64(s->sum.i64, x.u.i64);
        else
            s->sum.f64 += x.u.f64;
        s->count = nc;
    }
}

/* DOUBLE ordering with NaN largest (Java Double.compareTo, but -0 == 0). */
static int dcmp(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

#define MM_LOOP(T, FIELD, ARR, CMP)                                            \
    do {                                                                       \
        const T *v = ARR;                                                      \
        for (int k = 0; k < n; k++) {                                          \
            uint32_t r = rows[k];                                              \
            if (ISNULL(c, r))                                                  \
                continue;                                                      \
            st_val *s = ST(st_val, k);                                         \
            T x = v[r];                                                        \
            if (s->v.null || CMP(x, s->v.u.FIELD) * dir < 0) {                 \
                s->v.u.FIELD = x;                                              \
                s->v.null = false;                                             \
            }                                                                  \
        }                                                                      \
    } while (0)

#define NCMP(x, y) (((x) > (y)) - ((x) < (y)))

/* MIN (dir 1) and MAX (dir -1): a value replaces the kept one when it
 * compares below it times dir. */
static bool upd_minmax(const wr_agg *a, void *const *states, const wr_col *c,
                       const uint32_t *rows, int n)
{
    int dir = a->kind == A_MIN ? 1 : -1;
    switch (a->ak) {
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        MM_LOOP(int32_t, i32, WR_COL_I32(c), NCMP);
        return true;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        MM_LOOP(int64_t, i64, WR_COL_I64(c), NCMP);
        return true;
    case WR_T_DOUBLE:
        MM_LOOP(double, f64, WR_COL_F64(c), dcmp);
        return true;
    case WR_T_DECIMAL:
        MM_LOOP(wr_i128, dec, WR_COL_DEC(c), NCMP);
        return true;
    default:
        break;
    }
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        if (ISNULL(c, r))
            continue;
        st_val *s = ST(st_val, k);
        wr_datum x;
        wr_col_get(c, (int)r, &x);
        if (!s->v.null && wr_datum_cmp(a->arg, &x, &s->v) * dir >= 0)
            continue;
        wr_datum y;
        if (!wr_datum_keep(a->arg, &x, &y))
            return false;
        wr_datum_drop(a->arg, &s->v);
        s->v = y;
    }
    return true;
}

/* True when a row with sequence number seq replaces what s holds. */
static bool by_offset_wins(bool earliest, const st_val *s, int64_t seq)
{
    if (!s->has)
        return true;
    return earliest ? seq < s->seq : seq >= s->seq;
}

static bool upd_by_offset(const wr_agg *a, void *const *states, const wr_col *c,
                          const uint32_t *rows, const int64_t *seq, int n)
{
    bool earliest = a->kind == A_EARLIEST;
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        bool null = ISNULL(c, r);
        if (null && a->ignore_nulls)
            continue;
        st_val *s = ST(st_val, k);
        int64_t sq = seq ? seq[k] : 0;
        if (!by_offset_wins(earliest, s, sq))
            continue;
        wr_datum x, y;
        wr_col_get(c, (int)r, &x);
        if (!wr_datum_keep(a->arg, &x, &y))
            return false;
        wr_datum_drop(a->arg, &s->v);
        s->v = y;
        s->seq = sq;
        s->has = true;
    }
    return true;
}

/* EARLIEST/LATEST with n: entries sorted by seq, at most n of them (the
 * lowest seqs for EARLIEST, the highest for LATEST). */
static bool upd_by_offset_n(const wr_agg *a, void *const *states,
                            const wr_col *c, const uint32_t *rows,
                            const int64_t *seq, int n)
{
    bool earliest = a->kind == A_EARLIEST_N;
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        if (ISNULL(c, r) && a->ignore_nulls)
            continue;
        st_coll *s = ST(st_coll, k);
        int64_t sq = seq ? seq[k] : 0;
        if (s->n >= a->n &&
            (earliest ? sq >= s->e[s->n - 1].seq : sq < s->e[0].seq))
            continue;
        if (!coll_reserve(s, s->n + 1))
            return false;
        wr_datum x, y;
        wr_col_get(c, (int)r, &x);
        if (!wr_datum_keep(a->arg, &x, &y))
            return false;
        if (s->n >= a->n)
            coll_remove(a, s, earliest ? s->n - 1 : 0);
        int pos = s->n;
        while (pos > 0 && s->e[pos - 1].seq > sq)
            pos--;
        coll_insert(s, pos, &y, sq);
    }
    return true;
}

static bool upd_collect_list(const wr_agg *a, void *const *states,
                             const wr_col *c, const uint32_t *rows,
                             const int64_t *seq, int n)
{
    for (int k = 0; k < n; k++) {
        st_coll *s = ST(st_coll, k);
        if (s->n >= a->n)
            continue;
        if (!coll_reserve(s, s->n + 1))
            return false;
        wr_datum x, y;
        wr_col_get(c, (int)rows[k], &x);
        if (!wr_datum_keep(a->arg, &x, &y))
            return false;
        int64_t sq = seq ? seq[k] : 0;
        int pos = s->n;
        while (pos > 0 && s->e[pos - 1].seq > sq)
            pos--;
        coll_insert(s, pos, &y, sq);
    }
    return true;
}

/* COLLECT_SET, COUNT(DISTINCT), HISTOGRAM: hash-set updates. */
static bool upd_set(const wr_agg *a, void *const *states, const wr_col *c,
                    const uint32_t *rows, const int64_t *seq, int n)
{
    bool nulls = a->kind == A_COLLECT_SET;
    bool hist = a->kind == A_HISTOGRAM;
    int limit = a->kind == A_COUNT_DISTINCT ? INT32_MAX : a->n;
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        if (!nulls && ISNULL(c, r))
            continue;
        st_coll *s = ST(st_coll, k);
        wr_datum x, y;
        wr_col_get(c, (int)r, &x);
        uint64_t h = wr_datum_hash(a->arg, &x);
        int i = set_find(a, s, &x, h);
        if (i >= 0) {
            if (hist)
                s->e[i].seq++;
            continue;
        }
        if (s->n >= limit)
            continue;
        if (!wr_datum_keep(a->arg, &x, &y) || !set_add(a, s, &y, h,
                                                       hist  ? 1
                                                       : seq ? seq[k]
                                                             : 0))
            return false;
    }
    return true;
}

/* Position of x in the descending list s, after any equal entries. */
static int topk_pos(const wr_agg *a, const st_coll *s, const wr_datum *x)
{
    int pos = s->n;
    while (pos > 0 && wr_datum_cmp(a->arg, &s->e[pos - 1].d, x) < 0)
        pos--;
    return pos;
}

static bool topk_has(const wr_agg *a, const st_coll *s, const wr_datum *x)
{
    for (int i = 0; i < s->n; i++)
        if (wr_datum_cmp(a->arg, &s->e[i].d, x) == 0)
            return true;
    return false;
}

static bool upd_topk(const wr_agg *a, void *const *states, const wr_col *c,
                     const uint32_t *rows, int n)
{
    bool distinct = a->kind == A_TOPK_DISTINCT;
    if (a->n <= 0)
        return true;
    for (int k = 0; k < n; k++) {
        uint32_t r = rows[k];
        if (ISNULL(c, r))
            continue;
        st_coll *s = ST(st_coll, k);
        wr_datum x, y;
        wr_col_get(c, (int)r, &x);
        if (s->n >= a->n && wr_datum_cmp(a->arg, &x, &s->e[s->n - 1].d) <= 0)
            continue;
        if (distinct && topk_has(a, s, &x))
            continue;
        if (!coll_reserve(s, s->n + 1) || !wr_datum_keep(a->arg, &x, &y))
            return false;
        if (s->n >= a->n)
            coll_remove(a, s, s->n - 1);
        coll_insert(s, topk_pos(a, s, &y), &y, 0);
    }
    return true;
}

bool wr_agg_update(const wr_agg *a, void *const *states, const wr_col *args,
                   const uint32_t *rows, const int64_t *seq, int n)
{
    const wr_col *c = args;
    switch (a->kind) {
    case A_COUNT_STAR:
        for (int k = 0; k < n; k++)
            (*ST(int64_t, k))++;
        return true;
    case A_COUNT:
        for (int k = 0; k < n; k++)
            if (!ISNULL(c, rows[k]))
                (*ST(int64_t, k))++;
        return true;
    case A_SUM:
        upd_sum(a, states, c, rows, n, 1, false);
        return true;
    case A_AVG:
        upd_sum(a, states, c, rows, n, 1, true);
        return true;
    case A_STDDEV:
        upd_stddev(a, states, c, rows, n);
        return true;
    case A_MIN:
    case A_MAX:
        return upd_minmax(a, states, c, rows, n);
    case A_EARLIEST:
    case A_LATEST:
        return upd_by_offset(a, states, c, rows, seq, n);
    case A_EARLIEST_N:
    case A_LATEST_N:
        return upd_by_offset_n(a, states, c, rows, seq, n);
    case A_COLLECT_LIST:
        return upd_collect_list(a, states, c, rows, seq, n);
    case A_COLLECT_SET:
    case A_COUNT_DISTINCT:
    case A_HISTOGRAM:
        return upd_set(a, states, c, rows, seq, n);
    case A_TOPK:
    case A_TOPK_DISTINCT:
        return upd_topk(a, states, c, rows, n);
    }
    return false;
}

bool wr_agg_retract(const wr_agg *a, void *const *states, const wr_col *args,
                    const uint32_t *rows, const int64_t *seq, int n)
{
    const wr_col *c = args;
    (void)seq;
    switch (a->kind) {
    case A_COUNT_STAR:
        for (int k = 0; k < n; k++)
            (*ST(int64_t, k))--;
        return true;
    case A_COUNT:
        for (int k = 0; k < n; k++)
            if (!ISNULL(c, rows[k]))
                (*ST(int64_t, k))--;
        return true;
    case A_SUM:
        upd_sum(a, states, c, rows, n, -1, false);
        return true;
    case A_AVG:
        upd_sum(a, states, c, rows, n, -1, true);
        return true;
    default:
        return false;
    }
}

/* ---- merge ---------------------------------------------------------- */

/* Deep-copies the n entries of src into a new array *out. */
static bool copy_ents(const wr_agg *a, const ent *src, int n, ent **out)
{
    ent *e = wr_malloc(sizeof(ent) * (size_t)(n ? n : 1));
    if (!e)
        return false;
    for (int i = 0; i < n; i++) {
        e[i] = src[i];
        if (!wr_datum_keep(a->arg, &src[i].d, &e[i].d)) {
            for (int j = 0; j < i; j++)
                wr_datum_drop(a->arg, &e[j].d);
            wr_free(e);
            return false;
        }
    }
    *out = e;
    return true;
}

/*
 * Merges the seq-ordered entries of dst and src into dst, keeping the first
 * `limit` (keep_last false) or the last `limit` (keep_last true) by seq;
 * ties keep dst's entry first. Entries of src are copied.
 */
static bool merge_by_seq(const wr_agg *a, st_coll *dst, const st_coll *src,
                         int limit, bool keep_last)
{
    if (src->n == 0)
        return true;
    ent *b;
    if (!copy_ents(a, src->e, src->n, &b))
        return false;
    int total = dst->n + src->n;
    int m = total < limit ? total : limit;
    ent *out = wr_malloc(sizeof(ent) * (size_t)(m ? m : 1));
    if (!out) {
        for (int j = 0; j < src->n; j++)
            wr_datum_drop(a->arg, &b[j].d);
        wr_free(b);
        return false;
    }
    /* Merge all into order, then take a window of m entries. */
    int i = 0, j = 0, o = 0, skip = keep_last ? total - m : 0;
    for (int t = 0; t < total; t++) {
        ent *x;
        if (j >= src->n || (i < dst->n && dst->e[i].seq <= b[j].seq))
            x = &dst->e[i++];
        else
            x = &b[j++];
        if (t < skip || o >= m)
            wr_datum_drop(a->arg, &x->d);
        else
            out[o++] = *x;
    }
    wr_free(b);
    wr_free(dst->e);
    dst->e = out;
    dst->n = m;
    dst->cap = m ? m : 1;
    return true;
}

static int ent_seq_cmp(const void *x, const void *y)
{
    const ent *p = x, *q = y;
    return (p->seq > q->seq) - (p->seq < q->seq);
}

/* COLLECT_SET: the union by first occurrence, capped at the limit. */
static bool merge_collect_set(const wr_agg *a, st_coll *dst, const st_coll *src)
{
    if (src->n == 0)
        return true;
    if (!coll_reserve(dst, dst->n + src->n))
        return false;
    int n0 = dst->n;
    for (int j = 0; j < src->n; j++) {
        const ent *x = &src->e[j];
        int i = set_find(a, dst, &x->d, x->h);
        if (i >= 0 && i < n0) {
            if (x->seq < dst->e[i].seq)
                dst->e[i].seq = x->seq;
            continue;
        }
        if (!wr_datum_keep(a->arg, &x->d, &dst->e[dst->n].d)) {
            set_reindex(dst, dst->n);
            return false;
        }
        dst->e[dst->n].seq = x->seq;
        dst->e[dst->n].h = x->h;
        dst->n++;
    }
    qsort(dst->e, (size_t)dst->n, sizeof(ent), ent_seq_cmp);
    while (dst->n > a->n)
        wr_datum_drop(a->arg, &dst->e[--dst->n].d);
    return set_reindex(dst, dst->n);
}

/* COUNT(DISTINCT) and HISTOGRAM: add src's entries to dst. */
static bool merge_set(const wr_agg *a, st_coll *dst, const st_coll *src)
{
    bool hist = a->kind == A_HISTOGRAM;
    for (int j = 0; j < src->n; j++) {
        const ent *x = &src->e[j];
        int i = set_find(a, dst, &x->d, x->h);
        if (i >= 0) {
            if (hist)
                dst->e[i].seq += x->seq;
            continue;
        }
        if (hist && dst->n >= a->n)
            continue;
        wr_datum y;
        if (!wr_datum_keep(a->arg, &x->d, &y) ||
            !set_add(a, dst, &y, x->h, x->seq))
            return false;
    }
    return true;
}

/* TOPK / TOPKDISTINCT: the k largest of both descending lists. */
static bool merge_topk(const wr_agg *a, st_coll *dst, const st_coll *src)
{
    if (src->n == 0)
        return true;
    bool distinct = a->kind == A_TOPK_DISTINCT;
    ent *b;
    if (!copy_ents(a, src->e, src->n, &b))
        return false;
    int total = dst->n + src->n;
    int m = total < a->n ? total : a->n;
    ent *out = wr_malloc(sizeof(ent) * (size_t)(m ? m : 1));
    if (!out) {
        for (int j = 0; j < src->n; j++)
            wr_datum_drop(a->arg, &b[j].d);
        wr_free(b);
        return false;
    }
    int i = 0, j = 0, o = 0;
    while (i < dst->n || j < src->n) {
        ent *x;
        if (j >= src->n ||
            (i < dst->n && wr_datum_cmp(a->arg, &dst->e[i].d, &b[j].d) >= 0))
            x = &dst->e[i++];
        else
            x = &b[j++];
        if (o >= m || (distinct && o > 0 &&
                       wr_datum_cmp(a->arg, &out[o - 1].d, &x->d) == 0))
            wr_datum_drop(a->arg, &x->d);
        else
            out[o++] = *x;
    }
    wr_free(b);
    wr_free(dst->e);
    dst->e = out;
    dst->n = o;
    dst->cap = m ? m : 1;
    return true;
}

static void merge_stddev(const wr_agg *a, st_num *d, const st_num *s)
{
    int64_t c1 = d->count, c2 = s->count, nc = c1 + c2;
    double m2 = d->m2 + s->m2;
    if (c1 && c2) {
        double inner;
        if (a->ak == WR_T_INT)
            inner = (double)d->sum.i32 / (double)c1 -
                    (double)s->sum.i32 / (double)c2;
        else if (a->ak == WR_T_BIGINT)
            inner = (double)d->sum.i64 / (double)c1 -
                    (double)s->sum.i64 / (double)c2;
        else
            inner = d->sum.f64 / (double)c1 - s->sum.f64 / (double)c2;
        /* Java's long * long (wrapping), then double arithmetic. */
        m2 += (double)(int64_t)((uint64_t)c1 * (uint64_t)c2) * inner * inner /
              (double)nc;
    }
    if (a->ak == WR_T_INT)
        d->sum.i32 = ADD_I32(d->sum.i32, s->sum.i32);
    else if (a->ak == WR_T_BIGINT)
        d->sum.i64 = ADD_I64(d->sum.i64, s->sum.i64);
    else
        d->sum.f64 += s->sum.f64;
    d->count = nc;
    d->m2 = m2;
}

void wr_agg_unmerge(const wr_agg *a, void *dst, const void *src)
{
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
        *(int64_t *)dst = SUB_I64(*(int64_t *)dst, *(const int64_t *)src);
        return;
    case A_SUM:
    case A_AVG:
        if (a->ak == WR_T_DECIMAL) {
            st_num *d = dst;
            const st_num *s = src;
            dec_addsub(a, d->sum.dec, s->sum.dec, -1, &d->sum.dec);
            d->count -= s->count;
            return;
        }
        st_sum *d = dst;
        const st_sum *s = src;
        if (a->ak == WR_T_INT)
            d->sum.i32 = SUB_I32(d->sum.i32, s->sum.i32);
        else if (a->ak == WR_T_BIGINT)
            d->sum.i64 = SUB_I64(d->sum.i64, s->sum.i64);
        else
            d->sum.f64 -= s->sum.f64;
        d->count -= s->count;
        return;
    default:
        return;
    }
}

bool wr_agg_merge(const wr_agg *a, void *dst, const void *src)
{
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
        *(int64_t *)dst = ADD_I64(*(int64_t *)dst, *(const int64_t *)src);
        return true;
    case A_SUM:
    case A_AVG: {
        if (a->ak == WR_T_DECIMAL) {
            /* A merged sum beyond the precision is dropped, as an update
             * would be. */
            st_num *d = dst;
            const st_num *s = src;
            dec_addsub(a, d->sum.dec, s->sum.dec, 1, &d->sum.dec);
            d->count += s->count;
            return true;
        }
        st_sum *d = dst;
        const st_sum *s = src;
        if (a->ak == WR_T_INT)
            d->sum.i32 = ADD_I32(d->sum.i32, s->sum.i32);
        else if (a->ak == WR_T_BIGINT)
            d->sum.i64 = ADD_I64(d->sum.i64, s->sum.i64);
        else
            d->sum.f64 += s->sum.f64;
        d->count += s->count;
        return true;
    }
    case A_STDDEV:
        merge_stddev(a, dst, src);
        return true;
    case A_MIN:
    case A_MAX: {
        st_val *d = dst;
        const st_val *s = src;
        int dir = a->kind == A_MIN ? 1 : -1;
        if (s->v.null)
            return true;
        if (!d->v.null) {
            int c = a->ak == WR_T_DOUBLE ? dcmp(s->v.u.f64, d->v.u.f64)
                                         : wr_datum_cmp(a->arg, &s->v, &d->v);
            if (c * dir >= 0)
                return true;
        }
        wr_datum y;
        if (!wr_datum_keep(a->arg, &s->v, &y))
            return false;
        wr_datum_drop(a->arg, &d->v);
        d->v = y;
        return true;
    }
    case A_EARLIEST:
    case A_LATEST: {
        st_val *d = dst;
        const st_val *s = src;
        if (!s->has || !by_offset_wins(a->kind == A_EARLIEST, d, s->seq))
            return true;
        wr_datum y;
        if (!wr_datum_keep(a->arg, &s->v, &y))
            return false;
        wr_datum_drop(a->arg, &d->v);
        d->v = y;
        d->seq = s->seq;
        d->has = true;
        return true;
    }
    case A_EARLIEST_N:
    case A_LATEST_N:
        return merge_by_seq(a, dst, src, a->n, a->kind == A_LATEST_N);
    case A_COLLECT_LIST:
        return merge_by_seq(a, dst, src, a->n, false);
    case A_COLLECT_SET:
        return merge_collect_set(a, dst, src);
    case A_COUNT_DISTINCT:
    case A_HISTOGRAM:
        return merge_set(a, dst, src);
    case A_TOPK:
    case A_TOPK_DISTINCT:
        return merge_topk(a, dst, src);
    }
    return false;
}

/* ---- result --------------------------------------------------------- */

/* Builds ARRAY (the result type) of the entries' values in ar. */
static bool put_array(const wr_agg *a, const st_coll *s, wr_col *out, int row,
                      wr_arena *ar)
{
    wr_val *v = wr_arena_alloc(ar, sizeof(*v));
    wr_datum *items =
        wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)(s->n ? s->n : 1));
    if (!v || !items)
        return false;
    const wr_type *et =
        a->result && a->result->kind == WR_T_ARRAY ? a->result->elem : a->arg;
    for (int i = 0; i < s->n; i++)
        if (!wr_datum_copy(ar, et, &s->e[i].d, &items[i]))
            return false;
    v->type = a->result;
    v->n = s->n;
    v->items = items;
    wr_datum d = {.null = false};
    d.u.nest = v;
    wr_col_put(out, row, &d);
    return true;
}

/* Builds the HISTOGRAM map (insertion order) in ar. */
static bool put_histogram(const wr_agg *a, const st_coll *s, wr_col *out,
                          int row, wr_arena *ar)
{
    wr_val *v = wr_arena_alloc(ar, sizeof(*v));
    wr_datum *items =
        wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)(s->n ? 2 * s->n : 1));
    if (!v || !items)
        return false;
    for (int i = 0; i < s->n; i++) {
        if (!wr_datum_copy(ar, a->arg, &s->e[i].d, &items[2 * i]))
            return false;
        items[2 * i + 1] = (wr_datum){.null = false};
        items[2 * i + 1].u.i64 = s->e[i].seq;
    }
    v->type = a->result;
    v->n = s->n;
    v->items = items;
    wr_datum d = {.null = false};
    d.u.nest = v;
    wr_col_put(out, row, &d);
    return true;
}

/* Writes a kept value (or NULL) into out, copying its data into ar. */
static bool put_val(const wr_agg *a, const wr_datum *v, wr_col *out, int row,
                    wr_arena *ar)
{
    wr_datum d;
    if (!wr_datum_copy(ar, a->arg, v, &d))
        return false;
    wr_col_put(out, row, &d);
    return true;
}

bool wr_agg_result(const wr_agg *a, const void *state, wr_col *out, int row,
                   wr_arena *ar)
{
    wr_datum d = {.null = false};
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
        d.u.i64 = *(const int64_t *)state;
        break;
    case A_SUM: {
        const st_sum *s = state;
        if (a->ak == WR_T_INT)
            d.u.i32 = s->sum.i32;
        else if (a->ak == WR_T_BIGINT)
            d.u.i64 = s->sum.i64;
        else if (a->ak == WR_T_DOUBLE)
            d.u.f64 = s->sum.f64;
        else
            d.u.dec = ((const st_num *)state)->sum.dec;
        break;
    }
    case A_AVG: {
        const st_sum *s = state; /* AVG takes no DECIMAL */
        double sum = a->ak == WR_T_INT      ? (double)s->sum.i32
                     : a->ak == WR_T_BIGINT ? (double)s->sum.i64
                                            : s->sum.f64;
        d.u.f64 = s->count == 0 ? 0.0 : sum / (double)s->count;
        break;
    }
    case A_STDDEV: {
        const st_num *s = state;
        d.u.f64 = s->count < 2 ? 0.0 : sqrt(s->m2 / (double)(s->count - 1));
        break;
    }
    case A_MIN:
    case A_MAX:
    case A_EARLIEST:
    case A_LATEST:
        return put_val(a, &((const st_val *)state)->v, out, row, ar);
    case A_COUNT_DISTINCT:
        d.u.i64 = ((const st_coll *)state)->n;
        break;
    case A_HISTOGRAM:
        return put_histogram(a, state, out, row, ar);
    default:
        return put_array(a, state, out, row, ar);
    }
    wr_col_put(out, row, &d);
    return true;
}

void wr_agg_fini(const wr_agg *a, void *state)
{
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_SUM:
    case A_AVG:
    case A_STDDEV:
        return;
    case A_MIN:
    case A_MAX:
    case A_EARLIEST:
    case A_LATEST: {
        st_val *s = state;
        wr_datum_drop(a->arg, &s->v);
        s->has = false;
        return;
    }
    default:
        coll_free(a, state);
        return;
    }
}

/* ---- snapshots ------------------------------------------------------ */

/* Kinds whose state holds no pointers: saved as its bytes (the layout is
 * this build's; the snapshot's format version covers it). */
static bool flat(const wr_agg *a)
{
    switch (a->kind) {
    case A_COUNT_STAR:
    case A_COUNT:
    case A_SUM:
    case A_AVG:
    case A_STDDEV:
        return true;
    default:
        return false;
    }
}

static bool by_value(const wr_agg *a)
{
    return a->kind == A_MIN || a->kind == A_MAX || a->kind == A_EARLIEST ||
           a->kind == A_LATEST;
}

bool wr_agg_save(const wr_agg *a, const void *state, wr_buf *b)
{
    if (flat(a)) { /* 8-byte words as varints: counts take a byte or two */
        for (size_t i = 0; i < a->size; i += 8) {
            int64_t w;
            memcpy(&w, (const char *)state + i, 8);
            wr_snap_int(b, w);
        }
    } else if (by_value(a)) {
        const st_val *s = state;
        wr_snap_int(b, s->has);
        wr_snap_int(b, s->seq);
        wr_snap_datum(b, a->arg, &s->v);
    } else {
        const st_coll *s = state;
        wr_snap_int(b, s->n);
        wr_snap_int(b, s->nslot != 0);
        for (int i = 0; i < s->n; i++) {
            wr_snap_datum(b, a->arg, &s->e[i].d);
            wr_snap_int(b, s->e[i].seq);
            wr_snap_int(b, (int64_t)s->e[i].h);
        }
    }
    return !b->oom;
}

/* Out of memory while loading: r fails. */
static bool load_oom(wr_snapr *r)
{
    r->oom = r->bad = true;
    return false;
}

bool wr_agg_load(const wr_agg *a, void *state, wr_snapr *r)
{
    wr_datum d;
    if (flat(a)) {
        for (size_t i = 0; i < a->size; i += 8) {
            int64_t w = wr_snapr_int(r);
            memcpy((char *)state + i, &w, 8);
        }
        return !r->bad;
    }
    if (by_value(a)) {
        st_val *s = state;
        s->has = wr_snapr_range(r, 0, 1);
        s->seq = wr_snapr_int(r);
        if (!wr_snapr_datum(r, a->arg, &d))
            return false;
        return wr_datum_keep(a->arg, &d, &s->v) || load_oom(r);
    }
    st_coll *s = state;
    int n = (int)wr_snapr_range(r, 0, r->end - r->p);
    bool indexed = wr_snapr_range(r, 0, 1);
    if (r->bad)
        return false;
    if (!coll_reserve(s, n))
        return load_oom(r);
    for (int i = 0; i < n; i++) {
        ent e;
        if (!wr_snapr_datum(r, a->arg, &d))
            return false;
        e.seq = wr_snapr_int(r);
        e.h = (uint64_t)wr_snapr_int(r);
        if (!wr_datum_keep(a->arg, &d, &e.d))
            return load_oom(r);
        s->e[s->n++] = e;
    }
    if (indexed && !set_reindex(s, n))
        return load_oom(r);
    return !r->bad;
}
