/*
 * datagen.c: the quickstart generators (datagen.h).
 *
 * Each quickstart is a static description: its columns (the key first),
 * whether ksqlDB declares it as a TABLE, and its mean timestamp gap. The
 * generator owns an arena holding one-row columns of those types; each
 * record is drawn into that row (strings point into the generator's own
 * text buffers) and encoded with the ordinary codecs of format.h, so the
 * bytes are exactly what weir's (and ksqlDB's) encoders write and what
 * their decoders read back. The same description prints the CREATE
 * statement, so schema and data cannot drift apart.
 *
 * Randomness: splitmix64 (Steele, Lea and Flood), one 64-bit state seeded
 * with the seed. Values are drawn with integer arithmetic only (DOUBLE
 * order units are a whole number of hundredths divided by 100, which IEEE
 * rounds identically everywhere), so output is bit-for-bit reproducible.
 *
 * Not done here: producing, pacing or timing (cmd_datagen.c does that).
 */
#include "connectors/datagen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/arena.h"
#include "common/batch.h"
#include "formats/format.h"

enum { QS_PAGEVIEWS, QS_USERS, QS_ORDERS, QS_COUNT };

#define DG_MAX_COLS 8
#define DG_TEXT 32 /* bytes of one generated string, NUL included */

/* A column of a quickstart. */
typedef struct dg_col {
    const char *name;  /* as declared in the CREATE statement */
    const char *upper; /* as encoded in a JSON value */
    wr_type_kind kind; /* its type */
} dg_col;

/* A quickstart: cols[0] is the key column, the rest are the value. */
typedef struct dg_quickstart {
    const char *name;         /* "pageviews" */
    bool table;               /* declared as a TABLE (PRIMARY KEY) */
    int64_t mean_gap;         /* mean ms between two records */
    int ncols;                /* columns, the key included */
    dg_col cols[DG_MAX_COLS]; /* ncols columns, the key first */
} dg_quickstart;

static const dg_quickstart quickstarts[QS_COUNT] = {
    [QS_PAGEVIEWS] = {"pageviews",
                      false,
                      100,
                      3,
                      {{"pageid", "PAGEID", WR_T_STRING},
                       {"viewtime", "VIEWTIME", WR_T_BIGINT},
                       {"userid", "USERID", WR_T_STRING}}},
    [QS_USERS] = {"users",
                  true,
                  1000,
                  4,
                  {{"userid", "USERID", WR_T_STRING},
                   {"registertime", "REGISTERTIME", WR_T_BIGINT},
                   {"regionid", "REGIONID", WR_T_STRING},
                   {"gender", "GENDER", WR_T_STRING}}},
    [QS_ORDERS] = {"orders",
                   false,
                   500,
                   7,
                   {{"orderid", "ORDERID", WR_T_INT},
                    {"ordertime", "ORDERTIME", WR_T_BIGINT},
                    {"itemid", "ITEMID", WR_T_STRING},
                    {"orderunits", "ORDERUNITS", WR_T_DOUBLE},
                    {"city", "CITY", WR_T_STRING},
                    {"state", "STATE", WR_T_STRING},
                    {"zipcode", "ZIPCODE", WR_T_BIGINT}}},
};

struct wr_datagen {
    const dg_quickstart *qs;        /* what is generated (static) */
    wr_format fmt;                  /* value format: JSON or DELIMITED */
    uint64_t seed;                  /* as given (per-user registration times) */
    uint64_t state;                 /* splitmix64 state */
    int64_t start;                  /* start_ms as given */
    int64_t ts;                     /* timestamp of the next record */
    int64_t seq;                    /* records generated so far */
    wr_arena *ar;                   /* owns cols' storage */
    wr_col cols[DG_MAX_COLS];       /* one row, key column first */
    const char *names[DG_MAX_COLS]; /* upper-case names (JSON) */
    char text[DG_MAX_COLS][DG_TEXT]; /* string cells' bytes */
};

static int find_quickstart(const char *name)
{
    for (int i = 0; name && i < QS_COUNT; i++)
        if (!strcasecmp(name, quickstarts[i].name))
            return i;
    return -1;
}

const char *wr_datagen_quickstart(const char *quickstart)
{
    int q = find_quickstart(quickstart);
    return q < 0 ? NULL : quickstarts[q].name;
}

const char *wr_datagen_quickstarts(void)
{
    return "pageviews, users, orders";
}

/* splitmix64's output function over x. */
static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static uint64_t next64(wr_datagen *g)
{
    g->state += 0x9e3779b97f4a7c15u;
    return mix64(g->state);
}

/* A uniform integer in [lo, hi] (the modulo bias is below 2^-40 for the
 * small ranges used here). */
static int64_t uniform(wr_datagen *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next64(g) % (uint64_t)(hi - lo + 1));
}

static void put_i64(wr_datagen *g, int c, int64_t v)
{
    wr_datum d = {.null = false};
    d.u.i64 = v;
    wr_col_put(&g->cols[c], 0, &d);
}

/* Sets string column c to prefix followed by n. */
static void put_name(wr_datagen *g, int c, const char *prefix, int64_t n)
{
    int len = snprintf(g->text[c], DG_TEXT, "%s%lld", prefix, (long long)n);
    wr_datum d = {.null = false};
    d.u.str.p = g->text[c];
    d.u.str.len = len;
    wr_col_put(&g->cols[c], 0, &d);
}

static void put_text(wr_datagen *g, int c, const char *s)
{
    wr_datum d = {.null = false};
    d.u.str.p = s;
    d.u.str.len = (int32_t)strlen(s);
    wr_col_put(&g->cols[c], 0, &d);
}

/* Draws the row of the record at g->ts. */
static void draw(wr_datagen *g)
{
    switch ((int)(g->qs - quickstarts)) {
    case QS_PAGEVIEWS:
        put_name(g, 0, "Page_", uniform(g, 1, 99));
        put_i64(g, 1, g->ts);
        put_name(g, 2, "User_", uniform(g, 1, 9));
        break;
    case QS_USERS: {
        static const char *const genders[] = {"MALE", "FEMALE", "OTHER"};
        int64_t user = uniform(g, 1, 9);
        /* A user registered once: up to two years before the start. */
        uint64_t h = mix64(g->seed ^ ((uint64_t)user << 32));
        put_name(g, 0, "User_", user);
        put_i64(g, 1, g->start - (int64_t)(h % (730 * 86400000ull)));
        put_name(g, 2, "Region_", uniform(g, 1, 9));
        put_text(g, 3, genders[uniform(g, 0, 2)]);
        break;
    }
    case QS_ORDERS: {
        wr_datum d = {.null = false};
        d.u.i32 = (int32_t)(g->seq & 0x7fffffff);
        wr_col_put(&g->cols[0], 0, &d);
        put_i64(g, 1, g->ts);
        put_name(g, 2, "Item_", uniform(g, 1, 999));
        d.u.f64 = (double)uniform(g, 10, 1000) / 100.0;
        wr_col_put(&g->cols[3], 0, &d);
        put_name(g, 4, "City_", uniform(g, 1, 99));
        put_name(g, 5, "State_", uniform(g, 1, 99));
        put_i64(g, 6, uniform(g, 10000, 99999));
        break;
    }
    }
}

wr_datagen *wr_datagen_new(const char *quickstart, wr_format fmt, uint64_t seed,
                           int64_t start_ms, weir_status *st)
{
    int q = find_quickstart(quickstart);
    if (q < 0) {
        weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                        "unknown quickstart '%s' (one of: %s)",
                        quickstart ? quickstart : "", wr_datagen_quickstarts());
        return NULL;
    }
    if (fmt != WR_FMT_JSON && fmt != WR_FMT_DELIMITED) {
        weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                        "datagen writes JSON or DELIMITED values, not %s",
                        wr_format_name(fmt));
        return NULL;
    }
    wr_datagen *g = wr_malloc(sizeof *g);
    if (!g) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(g, 0, sizeof *g);
    g->qs = &quickstarts[q];
    g->fmt = fmt;
    g->seed = seed;
    g->state = seed;
    g->start = start_ms;
    g->ts = start_ms;
    g->ar = wr_arena_new(1024);
    bool ok = g->ar != NULL;
    for (int i = 0; ok && i < g->qs->ncols; i++) {
        ok = wr_col_init(&g->cols[i], g->ar, wr_type_prim(g->qs->cols[i].kind),
                         1);
        g->names[i] = g->qs->cols[i].upper;
    }
    if (!ok) {
        wr_datagen_free(g);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    return g;
}

bool wr_datagen_next(wr_datagen *g, wr_buf *key, wr_buf *value, int64_t *ts)
{
    draw(g);
    wr_buf_reset(key);
    wr_buf_reset(value);
    wr_encode_key(WR_FMT_KAFKA, &g->cols[0], 0, key);
    wr_encode_value(g->fmt, ',', g->names + 1, g->cols + 1, g->qs->ncols - 1, 0,
                    value);
    *ts = g->ts;
    g->seq++;
    g->ts += uniform(g, 0, 2 * g->qs->mean_gap);
    return !key->oom && !value->oom;
}

void wr_datagen_free(wr_datagen *g)
{
    if (!g)
        return;
    wr_arena_free(g->ar);
    wr_free(g);
}

char *wr_datagen_schema(const char *quickstart, wr_format fmt,
                        const char *topic)
{
    int q = find_quickstart(quickstart);
    if (q < 0)
        return NULL;
    const dg_quickstart *qs = &quickstarts[q];
    int width = 0;
    for (int i = 0; i < qs->ncols; i++)
        if ((int)strlen(qs->cols[i].name) > width)
            width = (int)strlen(qs->cols[i].name);
    wr_buf b = WR_BUF_INIT;
    wr_buf_printf(&b, "CREATE %s %s (\n", qs->table ? "TABLE" : "STREAM",
                  qs->name);
    for (int i = 0; i < qs->ncols; i++) {
        const dg_col *c = &qs->cols[i];
        wr_buf_printf(&b, "    %-*s %s%s%s\n", width, c->name,
                      wr_type_kind_name(c->kind),
                      i > 0       ? ""
                      : qs->table ? " PRIMARY KEY"
                                  : " KEY",
                      i + 1 < qs->ncols ? "," : "");
    }
    wr_buf_puts(&b, ") WITH (\n    KAFKA_TOPIC  = '");
    for (const char *p = topic; *p; p++) {
        if (*p == '\'')
            wr_buf_putc(&b, '\'');
        wr_buf_putc(&b, *p);
    }
    wr_buf_printf(&b,
                  "',\n    KEY_FORMAT   = 'KAFKA',\n"
                  "    VALUE_FORMAT = '%s'\n);\n",
                  wr_format_name(fmt));
    return wr_buf_take(&b);
}
