/* test_file_sink.c: the exactly-once file sink (unit_file_sink): row
 * encoding (JSON and CSV, keys, windows, tombstones) byte for byte, batch
 * files and the index, empty batches, replays, a crash at every step of
 * the commit protocol (with and without rolling), torn and damaged index
 * lines, stale hidden parts, rolling by size and by time, offsets read
 * back, bad paths, misuse, and allocation failures. Each case works in its
 * own temporary directory, read back the way a reader would (the files
 * named by the index's S lines), and removes it at the end. */
#include "sink_fixture.h"
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/batch.h"
#include "connectors/file_sink.h"
#include "formats/format.h"

/* ---- fixtures ----------------------------------------------------------- */

/* Removes dir and the files in it (one level, plus one level below). */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rm_tree(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Runs body(tmp, sink dir = tmp/out) in a fresh temporary directory, then
 * removes it. */
static void in_tmp(void (*body)(const char *tmp, const char *dir))
{
    const char *base = getenv("TMPDIR");
    char tmp[512], dir[600];
    snprintf(tmp, sizeof tmp, "%s/weir-fsink-XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "mkdtemp %s failed\n", tmp);
        wr_test_failed = 1;
        return;
    }
    snprintf(dir, sizeof dir, "%s/out", tmp);
    body(tmp, dir);
    chmod(tmp, 0700);
    rm_tree(tmp);
}

/* A sink schema over names/types (borrowed), as FILE= sinks have. */
static wr_psink schema_of(int ncols, int nkeys, const char **names,
                          const wr_type **types, bool table, bool windowed,
                          wr_format fmt)
{
    wr_psink s = fx_schema(ncols, nkeys, names, types, table, windowed, fmt);
    s.file_sink = true;
    return s;
}

/* The whole file at path as a heap string (caller frees), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    wr_buf b = WR_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        wr_buf_putn(&b, chunk, n);
    fclose(f);
    wr_buf_putn(&b, "", 0);
    char *s = wr_buf_take(&b);
    return s ? s : strdup("");
}

static void append_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "ab");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

/* What a reader sees: the files named by the index's S lines, in order,
 * concatenated (caller frees). Sets *nparts to their number. */
static char *reader_view(const char *dir, int *nparts)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/_weir_index", dir);
    char *idx = slurp(p);
    wr_buf out = WR_BUF_INIT;
    wr_buf_putn(&out, "", 0);
    *nparts = 0;
    for (char *line = idx; line && *line;) {
        char *nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = '\0';
        if (line[0] == 'S') {
            char file[512];
            long long a, b, c, d;
            if (sscanf(line, "S %lld %lld %lld %lld %511s", &a, &b, &c, &d,
                       file) == 5) {
                snprintf(p, sizeof p, "%s/%s", dir, file);
                char *data = slurp(p);
                wr_buf_puts(&out, data ? data : "<MISSING>");
                free(data);
                (*nparts)++;
            }
        }
        line = nl + 1;
    }
    free(idx);
    return wr_buf_take(&out);
}

/* The directory's entries, sorted, joined by ' ' (caller frees). */
static char *listing(const char *dir)
{
    char *names[256];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 256)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    wr_buf b = WR_BUF_INIT;
    wr_buf_putn(&b, "", 0);
    for (int i = 0; i < n; i++) {
        if (i)
            wr_buf_putc(&b, ' ');
        wr_buf_puts(&b, names[i]);
        free(names[i]);
    }
    return wr_buf_take(&b);
}

static const char *const SRC[] = {"orders", "orders"};
static const int32_t PART[] = {0, 1};

/* The one-column stream used by the protocol cases: {"S":"<text>"}. */
static const char *S_NAMES[] = {"S"};
static const wr_type *s_types[1];

static wr_psink s_schema(void)
{
    s_types[0] = wr_type_prim(WR_T_STRING);
    return schema_of(1, 0, S_NAMES, s_types, false, false, WR_FMT_JSON);
}

/* Runs one batch of rows texts[0..n) with offset next on orders[0]. */
static weir_rc run_batch(wr_fsink *s, int64_t id, const char *const *texts,
                         int n, int64_t next, weir_status *st)
{
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    weir_rc rc = wr_fsink_begin(s, id, st);
    for (int i = 0; rc == WEIR_OK && i < n; i++) {
        wr_datum d = dstr(texts[i]);
        wr_out o = out_of(ar, &sc, &d, false, false, 0, 0);
        rc = wr_fsink_put(s, &o, st);
    }
    if (rc == WEIR_OK)
        rc = wr_fsink_commit(s, 1, SRC, PART, &next, st);
    else
        wr_fsink_rollback(s);
    wr_arena_free(ar);
    return rc;
}

static wr_fsink *open_s(const char *dir, const wr_fsink_opts *o)
{
    weir_status st;
    wr_psink sc = s_schema();
    wr_fsink *s = wr_fsink_open(dir, &sc, "CSAS_OUT_1", o, &st);
    if (!s)
        fprintf(stderr, "open %s: %s\n", dir, st.msg);
    return s;
}

/* ---- row encoding ------------------------------------------------------- */

/* Writes the rows of one batch with the given schema and returns the
 * visible data (caller frees). */
static char *write_rows(const char *dir, const wr_psink *sc, const wr_out *o,
                        int n)
{
    weir_status st;
    wr_fsink *s = wr_fsink_open(dir, sc, "Q", NULL, &st);
    if (!s) {
        fprintf(stderr, "open: %s\n", st.msg);
        return NULL;
    }
    weir_rc rc = wr_fsink_begin(s, 0, &st);
    for (int i = 0; rc == WEIR_OK && i < n; i++)
        rc = wr_fsink_put(s, &o[i], &st);
    if (rc == WEIR_OK)
        rc = wr_fsink_commit(s, 0, NULL, NULL, NULL, &st);
    wr_fsink_close(s);
    if (rc != WEIR_OK) {
        fprintf(stderr, "batch: %s\n", st.msg);
        return NULL;
    }
    int np;
    return reader_view(dir, &np);
}

static void body_json(const char *tmp, const char *dir)
{
    (void)tmp;
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"ID", "NAME", "AMT", "OK", "N", "DEC"};
    const wr_type *types[] = {
        wr_type_prim(WR_T_INT),    wr_type_prim(WR_T_STRING),
        wr_type_prim(WR_T_DOUBLE), wr_type_prim(WR_T_BOOLEAN),
        wr_type_prim(WR_T_BIGINT), wr_type_decimal(ar, 10, 2)};
    wr_psink sc = schema_of(6, 0, names, types, false, false, WR_FMT_JSON);
    wr_datum d[6] = {di32(1), dstr("a\"b\n"), dnull(),
                     dnull(), dnull(),        dnull()};
    d[2].null = false;
    d[2].u.f64 = 1e7;
    d[3].null = false;
    d[3].u.b = 1;
    d[5].null = false;
    d[5].u.dec = -1250;
    wr_out o = out_of(ar, &sc, d, false, false, 0, 0);
    char *got = write_rows(dir, &sc, &o, 1);
    CHECK_STR(got, "{\"ID\":1,\"NAME\":\"a\\\"b\\n\",\"AMT\":1.0E7,\"OK\":true,"
                   "\"N\":null,\"DEC\":-12.50}\n");
    /* the record value of the old FILE= output, plus its newline */
    wr_buf v = WR_BUF_INIT;
    wr_encode_value(WR_FMT_JSON, 0, names, o.cols, 6, 0, &v);
    wr_buf_putc(&v, '\n');
    CHECK_STR(got, wr_buf_str(&v));
    wr_buf_fini(&v);
    free(got);
    wr_arena_free(ar);
}

TEST(json_rows)
{
    in_tmp(body_json);
}

static void body_csv(const char *tmp, const char *dir)
{
    (void)tmp;
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"A", "B", "N", "X"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_STRING), wr_type_prim(WR_T_INT),
                              wr_type_prim(WR_T_DOUBLE)};
    wr_psink sc = schema_of(4, 0, names, types, false, false, WR_FMT_DELIMITED);
    wr_datum d[4] = {dstr("x,y"), dstr("say \"hi\""), di32(-7), dnull()};
    wr_datum d2[4] = {dstr("plain"), dstr(""), dnull(), dnull()};
    d2[3].null = false;
    d2[3].u.f64 = 0.5;
    wr_out o[2] = {out_of(ar, &sc, d, false, false, 0, 0),
                   out_of(ar, &sc, d2, false, false, 0, 0)};
    char *got = write_rows(dir, &sc, o, 2);
    wr_buf v = WR_BUF_INIT;
    for (int i = 0; i < 2; i++) {
        wr_encode_value(WR_FMT_DELIMITED, 0, names, o[i].cols, 4, 0, &v);
        wr_buf_putc(&v, '\n');
    }
    CHECK_STR(got, wr_buf_str(&v));
    /* Commons CSV minimal quoting: "" and NULL are both empty */
    CHECK_STR(got, "\"x,y\",\"say \"\"hi\"\"\",-7,\nplain,,,0.5\n");
    wr_buf_fini(&v);
    free(got);
    wr_arena_free(ar);
}

TEST(csv_rows)
{
    in_tmp(body_csv);
}

/* A table's changelog, keyed: a row, then its tombstone. */
static void body_changelog(const char *tmp, const char *dir)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"ID", "N"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    for (int f = 0; f < 2; f++) {
        wr_format fmt = f ? WR_FMT_DELIMITED : WR_FMT_JSON;
        wr_psink sc = schema_of(2, 1, names, types, true, false, fmt);
        wr_datum d[2] = {dstr("a"), di64(1)};
        wr_out o[2] = {out_of(ar, &sc, d, false, false, 0, 0),
                       out_of(ar, &sc, d, true, false, 0, 0)};
        char sub[700];
        snprintf(sub, sizeof sub, "%s/%s", tmp, f ? "csv" : "json");
        char *got = write_rows(sub, &sc, o, 2);
        CHECK_STR(got, f ? "a,1\na\n"
                         : "{\"ID\":\"a\",\"N\":1}\n"
                           "{\"ID\":\"a\",\"_deleted\":true}\n");
        free(got);
    }
    (void)dir;
    wr_arena_free(ar);
}

TEST(table_changelog)
{
    in_tmp(body_changelog);
}

/* Windowed: the bounds end each line; a value column copying a bound is
 * not written twice. */
static void body_windowed(const char *tmp, const char *dir)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"K", "C", "WINDOWSTART"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT),
                              wr_type_prim(WR_T_BIGINT)};
    for (int f = 0; f < 2; f++) {
        wr_format fmt = f ? WR_FMT_DELIMITED : WR_FMT_JSON;
        wr_psink sc = schema_of(3, 1, names, types, true, true, fmt);
        wr_datum d[3] = {dstr("a"), di64(2), di64(1000)};
        wr_out o[2] = {out_of(ar, &sc, d, false, true, 1000, 2000),
                       out_of(ar, &sc, d, true, true, 1000, 2000)};
        char sub[700];
        snprintf(sub, sizeof sub, "%s/%s", tmp, f ? "csv" : "json");
        char *got = write_rows(sub, &sc, o, 2);
        CHECK_STR(got,
                  f ? "a,2,1000,2000\na,1000,2000\n"
                    : "{\"K\":\"a\",\"C\":2,\"WINDOWSTART\":1000,"
                      "\"WINDOWEND\":2000}\n"
                      "{\"K\":\"a\",\"WINDOWSTART\":1000,\"WINDOWEND\":2000,"
                      "\"_deleted\":true}\n");
        free(got);
    }
    /* a record whose windowing differs from the sink's is refused */
    wr_psink sc = schema_of(3, 1, names, types, true, true, WR_FMT_JSON);
    weir_status st;
    wr_fsink *s = wr_fsink_open(dir, &sc, "Q", NULL, &st);
    CHECK(s != NULL);
    wr_datum d[3] = {dstr("a"), di64(2), di64(1000)};
    wr_out o = out_of(ar, &sc, d, false, false, 0, 0);
    CHECK_INT(wr_fsink_begin(s, 0, &st), ==, WEIR_OK);
    CHECK_INT(wr_fsink_put(s, &o, &st), ==, WEIR_E_INTERNAL);
    wr_fsink_close(s);
    wr_arena_free(ar);
}

TEST(windowed_rows)
{
    in_tmp(body_windowed);
}

/* WRAP_SINGLE_VALUE=false: the bare value, as the old FILE= output. */
static void body_unwrapped(const char *tmp, const char *dir)
{
    (void)tmp;
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    sc.unwrap = true;
    wr_datum d = dstr("x");
    wr_out o = out_of(ar, &sc, &d, false, false, 0, 0);
    char *got = write_rows(dir, &sc, &o, 1);
    CHECK_STR(got, "\"x\"\n");
    free(got);
    wr_arena_free(ar);
}

TEST(unwrapped_value)
{
    in_tmp(body_unwrapped);
}

/* ---- batches and the index --------------------------------------------- */

static void body_batch(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink *s = open_s(dir, NULL);
    CHECK(s != NULL);
    const char *rows[] = {"a", "b"};
    int64_t next[] = {10, 20};
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    CHECK_INT(wr_fsink_begin(s, 5, &st), ==, WEIR_OK);
    for (int i = 0; i < 2; i++) {
        wr_datum d = dstr(rows[i]);
        wr_out o = out_of(ar, &sc, &d, false, false, 0, 0);
        CHECK_INT(wr_fsink_put(s, &o, &st), ==, WEIR_OK);
    }
    /* nothing is visible until committed (rows are still buffered) */
    char *l = listing(dir);
    CHECK_STR(l, "_weir_index");
    free(l);
    CHECK_INT(wr_fsink_commit(s, 2, SRC, PART, next, &st), ==, WEIR_OK);
    wr_arena_free(ar);
    l = listing(dir);
    CHECK_STR(l, "_weir_index "
                 "part-0000000000000000005-0000000000000000005-CSAS_OUT_1."
                 "jsonl");
    free(l);
    char p[800];
    snprintf(p, sizeof p, "%s/_weir_index", dir);
    char *idx = slurp(p);
    /* H, B, S lines, each with its CRC */
    CHECK(idx && !strncmp(idx, "H 1 CSAS_OUT_1 json ", 20));
    CHECK(strstr(idx, "\nB 5 2 20 2 orders 0 10 orders 1 20 ") != NULL);
    CHECK(strstr(idx, "\nS 5 5 2 20 part-0000000000000000005-"
                      "0000000000000000005-CSAS_OUT_1.jsonl ") != NULL);
    free(idx);
    int np;
    char *v = reader_view(dir, &np);
    CHECK_STR(v, "{\"S\":\"a\"}\n{\"S\":\"b\"}\n");
    CHECK_INT(np, ==, 1);
    free(v);
    wr_fsink_close(s);

    /* offsets read back after reopening */
    s = open_s(dir, NULL);
    CHECK(s != NULL);
    int64_t b, n0, n1, nx;
    wr_fsink_last_batch(s, &b, &st);
    wr_fsink_offsets(s, "orders", 0, &n0, &st);
    wr_fsink_offsets(s, "orders", 1, &n1, &st);
    wr_fsink_offsets(s, "orders", 2, &nx, &st);
    CHECK_INT(b, ==, 5);
    CHECK_INT(n0, ==, 10);
    CHECK_INT(n1, ==, 20);
    CHECK_INT(nx, ==, -1);
    wr_fsink_close(s);
}

TEST(batch_file_and_index)
{
    in_tmp(body_batch);
}

/* An empty batch writes no data file but records its offsets. */
static void body_empty(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink *s = open_s(dir, NULL);
    CHECK(s != NULL);
    CHECK_INT(run_batch(s, 1, NULL, 0, 42, &st), ==, WEIR_OK);
    char *l = listing(dir);
    CHECK_STR(l, "_weir_index");
    free(l);
    wr_fsink_close(s);
    s = open_s(dir, NULL);
    int64_t b, n;
    wr_fsink_last_batch(s, &b, &st);
    wr_fsink_offsets(s, "orders", 0, &n, &st);
    CHECK_INT(b, ==, 1);
    CHECK_INT(n, ==, 42);
    const char *r[] = {"x"};
    CHECK_INT(run_batch(s, 2, r, 1, 43, &st), ==, WEIR_OK);
    wr_fsink_offsets(s, "orders", 0, &n, &st);
    CHECK_INT(n, ==, 43);
    wr_fsink_close(s);
    int np;
    char *v = reader_view(dir, &np);
    CHECK_STR(v, "{\"S\":\"x\"}\n");
    free(v);
}

TEST(empty_batch)
{
    in_tmp(body_empty);
}

/* Replaying a committed batch changes nothing; a rolled-back batch run
 * again lands in the same file name. */
static void body_replay(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink *s = open_s(dir, NULL);
    const char *r1[] = {"a"}, *other[] = {"zzz"};
    CHECK_INT(run_batch(s, 1, r1, 1, 1, &st), ==, WEIR_OK);
    wr_fsink_close(s);
    s = open_s(dir, NULL);
    CHECK_INT(run_batch(s, 1, other, 1, 99, &st), ==, WEIR_OK);
    CHECK_INT(run_batch(s, 0, other, 1, 99, &st), ==, WEIR_OK);
    int64_t n;
    wr_fsink_offsets(s, "orders", 0, &n, &st);
    CHECK_INT(n, ==, 1);
    /* batch 2 rolled back, then run again */
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    wr_datum d = dstr("lost");
    wr_out o = out_of(ar, &sc, &d, false, false, 0, 0);
    CHECK_INT(wr_fsink_begin(s, 2, &st), ==, WEIR_OK);
    CHECK_INT(wr_fsink_put(s, &o, &st), ==, WEIR_OK);
    wr_fsink_rollback(s);
    wr_arena_free(ar);
    const char *r2[] = {"b"};
    CHECK_INT(run_batch(s, 2, r2, 1, 2, &st), ==, WEIR_OK);
    wr_fsink_close(s);
    char *l = listing(dir);
    CHECK_STR(l,
              "_weir_index "
              "part-0000000000000000001-0000000000000000001-CSAS_OUT_1.jsonl "
              "part-0000000000000000002-0000000000000000002-CSAS_OUT_1."
              "jsonl");
    free(l);
    int np;
    char *v = reader_view(dir, &np);
    CHECK_STR(v, "{\"S\":\"a\"}\n{\"S\":\"b\"}\n");
    free(v);
}

TEST(replay_idempotent)
{
    in_tmp(body_replay);
}

/* A crash at every step of batch 3's commit (or of the seal at close when
 * rolling), then a restart that runs batches 3 and 4 again: every row is
 * visible exactly once and nothing hidden is left. */
static void crash_case(const char *dir, wr_fsink_crash k, int64_t roll)
{
    weir_status st;
    wr_fsink_opts o = {roll, 0, NULL, k, 3};
    wr_fsink *s = open_s(dir, &o);
    CHECK(s != NULL);
    const char *r1[] = {"r1"}, *r2[] = {"r2"}, *r3[] = {"r3"}, *r4[] = {"r4"};
    CHECK_INT(run_batch(s, 1, r1, 1, 1, &st), ==, WEIR_OK);
    CHECK_INT(run_batch(s, 2, r2, 1, 2, &st), ==, WEIR_OK);
    weir_rc rc = run_batch(s, 3, r3, 1, 3, &st);
    bool at_close = roll && k >= WR_FSINK_CRASH_RENAMED;
    CHECK_INT(rc, ==, at_close ? WEIR_OK : WEIR_E_IO);
    CHECK_INT(wr_fsink_begin(s, 4, &st), ==, at_close ? WEIR_OK : WEIR_E_IO);
    wr_fsink_rollback(s);
    wr_fsink_close(s); /* dead (or dies sealing): touches nothing */

    s = open_s(dir, NULL);
    CHECK(s != NULL);
    int64_t last, next;
    wr_fsink_last_batch(s, &last, &st);
    wr_fsink_offsets(s, "orders", 0, &next, &st);
    int64_t want = k <= WR_FSINK_CRASH_TORN_COMMIT ? 2 : 3;
    CHECK_INT(last, ==, want);
    CHECK_INT(next, ==, want);
    /* recovery sealed everything committed */
    int np;
    char *v = reader_view(dir, &np);
    CHECK_STR(v, want == 2
                     ? "{\"S\":\"r1\"}\n{\"S\":\"r2\"}\n"
                     : "{\"S\":\"r1\"}\n{\"S\":\"r2\"}\n{\"S\":\"r3\"}\n");
    free(v);
    CHECK_INT(run_batch(s, 3, r3, 1, 3, &st), ==, WEIR_OK);
    CHECK_INT(run_batch(s, 4, r4, 1, 4, &st), ==, WEIR_OK);
    wr_fsink_close(s);

    v = reader_view(dir, &np);
    CHECK_STR(v, "{\"S\":\"r1\"}\n{\"S\":\"r2\"}\n{\"S\":\"r3\"}\n"
                 "{\"S\":\"r4\"}\n");
    free(v);
    char *l = listing(dir);
    CHECK(l && strstr(l, ".part-") == NULL);
    /* every visible part is in the index */
    int nvis = 0;
    for (char *c = l; c && (c = strstr(c, "part-")) != NULL; c++)
        nvis++;
    CHECK_INT(nvis, ==, np);
    free(l);
    s = open_s(dir, NULL); /* the index reads back cleanly */
    CHECK(s != NULL);
    wr_fsink_last_batch(s, &last, &st);
    CHECK_INT(last, ==, 4);
    wr_fsink_close(s);
}

static void body_crash(const char *tmp, const char *dir)
{
    (void)dir;
    for (int roll = 0; roll < 2; roll++)
        for (int k = WR_FSINK_CRASH_UNSYNCED; k <= WR_FSINK_CRASH_TORN_SEAL;
             k++) {
            char sub[700];
            snprintf(sub, sizeof sub, "%s/c%d-%d", tmp, roll, k);
            int before = wr_test_failed;
            wr_test_failed = 0;
            crash_case(sub, (wr_fsink_crash)k, roll ? 1 << 20 : 0);
            if (wr_test_failed)
                fprintf(stderr, "  (crash point %d, %s)\n", k,
                        roll ? "rolling" : "a part per batch");
            wr_test_failed |= before;
        }
}

TEST(crash_at_every_step)
{
    in_tmp(body_crash);
}

/* A torn last index line is cut on open; a damaged line followed by a
 * valid one is refused. */
static void body_torn(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink *s = open_s(dir, NULL);
    const char *r1[] = {"r1"};
    CHECK_INT(run_batch(s, 1, r1, 1, 1, &st), ==, WEIR_OK);
    wr_fsink_close(s);
    char p[800];
    snprintf(p, sizeof p, "%s/_weir_index", dir);
    char *good = slurp(p);
    append_file(p, "B 2 1 9 1 orders 0");
    s = open_s(dir, NULL);
    CHECK(s != NULL);
    char *now = slurp(p);
    CHECK_STR(now, good);
    free(now);
    int64_t last;
    wr_fsink_last_batch(s, &last, &st);
    CHECK_INT(last, ==, 1);
    wr_fsink_close(s);

    /* a line with a bad CRC at the end is torn too */
    append_file(p, "B 2 0 0 0 00000000\n");
    s = open_s(dir, NULL);
    CHECK(s != NULL);
    wr_fsink_close(s);
    now = slurp(p);
    CHECK_STR(now, good);
    free(now);

    /* damage before a valid line: refused, nothing cut */
    const char *nl = strchr(good, '\n'); /* the header's end */
    FILE *f = fopen(p, "wb");
    fwrite(good, 1, (size_t)(nl + 1 - good), f);
    fputs("B 1 garbage\n", f);
    fputs(nl + 1, f);
    fclose(f);
    wr_psink sc = s_schema();
    s = wr_fsink_open(dir, &sc, "CSAS_OUT_1", NULL, &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, "_weir_index") && strstr(st.msg, "damaged"));
    free(good);
}

TEST(torn_index_line)
{
    in_tmp(body_torn);
}

/* Stale hidden parts of this query go; other files stay. */
static void body_stale(const char *tmp, const char *dir)
{
    (void)tmp;
    wr_fsink *s = open_s(dir, NULL);
    wr_fsink_close(s);
    char p[800];
    snprintf(p, sizeof p,
             "%s/.part-0000000000000000009-CSAS_OUT_1.jsonl.inprogress", dir);
    append_file(p, "{\"S\":\"junk\"}\n");
    snprintf(p, sizeof p, "%s/.part-0000000000000000009-OTHER.jsonl.inprogress",
             dir);
    append_file(p, "x");
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    append_file(p, "x");
    s = open_s(dir, NULL);
    CHECK(s != NULL);
    wr_fsink_close(s);
    char *l = listing(dir);
    CHECK_STR(l, ".part-0000000000000000009-OTHER.jsonl.inprogress "
                 "_weir_index notes.txt");
    free(l);
}

TEST(stale_hidden_parts)
{
    in_tmp(body_stale);
}

static void body_roll_size(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink_opts o = {30, 0, NULL, WR_FSINK_CRASH_NONE, 0};
    wr_fsink *s = open_s(dir, &o);
    /* each batch: two rows of 10 bytes ({"S":"x"}\n): a part seals at its
     * second batch (40 >= 30) */
    for (int b = 1; b <= 5; b++) {
        const char *r[] = {"x", "y"};
        CHECK_INT(run_batch(s, b, r, 2, b, &st), ==, WEIR_OK);
    }
    char *l = listing(dir);
    CHECK_STR(l,
              ".part-0000000000000000005-CSAS_OUT_1.jsonl.inprogress "
              "_weir_index "
              "part-0000000000000000001-0000000000000000002-CSAS_OUT_1.jsonl "
              "part-0000000000000000003-0000000000000000004-CSAS_OUT_1."
              "jsonl");
    free(l);
    wr_fsink_close(s); /* seals batch 5 */
    l = listing(dir);
    CHECK(l &&
          strstr(l, " part-0000000000000000005-0000000000000000005-"
                    "CSAS_OUT_1.jsonl") &&
          !strstr(l, ".part-"));
    free(l);
    int np;
    char *v = reader_view(dir, &np);
    CHECK_INT(np, ==, 3);
    CHECK_INT(strlen(v), ==, 100);
    free(v);
}

TEST(roll_by_size)
{
    in_tmp(body_roll_size);
}

static int64_t fake_now;
static int64_t fake_clock(void)
{
    return fake_now;
}

static void body_roll_time(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink_opts o = {0, 1000, fake_clock, WR_FSINK_CRASH_NONE, 0};
    fake_now = 5000;
    wr_fsink *s = open_s(dir, &o);
    const char *r[] = {"x"};
    CHECK_INT(run_batch(s, 1, r, 1, 1, &st), ==, WEIR_OK);
    fake_now = 5500;
    CHECK_INT(run_batch(s, 2, r, 1, 2, &st), ==, WEIR_OK);
    char p[800];
    snprintf(p, sizeof p,
             "%s/part-0000000000000000001-0000000000000000002-CSAS_OUT_1.jsonl",
             dir);
    CHECK(access(p, F_OK) != 0);
    fake_now = 6000; /* an empty batch is enough to roll */
    CHECK_INT(run_batch(s, 3, NULL, 0, 3, &st), ==, WEIR_OK);
    CHECK(access(p, F_OK) == 0);
    wr_fsink_close(s);
}

TEST(roll_by_time)
{
    in_tmp(body_roll_time);
}

/* ---- errors ------------------------------------------------------------- */

static void body_paths(const char *tmp, const char *dir)
{
    weir_status st;
    wr_psink sc = s_schema();
    char p[800];
    snprintf(p, sizeof p, "%s/plain", tmp);
    append_file(p, "x");
    wr_fsink *s = wr_fsink_open(p, &sc, "Q", NULL, &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, p) && strstr(st.msg, "not a directory"));

    snprintf(p, sizeof p, "%s/plain/sub", tmp);
    s = wr_fsink_open(p, &sc, "Q", NULL, &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, p) != NULL);

    snprintf(p, sizeof p, "%s/missing/sub", tmp);
    s = wr_fsink_open(p, &sc, "Q", NULL, &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, p) && strstr(st.msg, strerror(ENOENT)));

    if (geteuid() != 0) { /* root writes anywhere */
        snprintf(p, sizeof p, "%s/ro", tmp);
        mkdir(p, 0555);
        s = wr_fsink_open(p, &sc, "Q", NULL, &st);
        CHECK(s == NULL);
        CHECK_INT(st.code, ==, WEIR_E_IO);
        CHECK(strstr(st.msg, p) && strstr(st.msg, strerror(EACCES)));
    }

    sc.value_format = WR_FMT_KAFKA;
    s = wr_fsink_open(dir, &sc, "Q", NULL, &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_UNSUPPORTED);

    /* another query's directory, another format */
    sc = s_schema();
    s = wr_fsink_open(dir, &sc, "Q", NULL, &st);
    wr_fsink_close(s);
    CHECK(wr_fsink_open(dir, &sc, "Q2", NULL, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_BIND);
    sc.value_format = WR_FMT_DELIMITED;
    CHECK(wr_fsink_open(dir, &sc, "Q", NULL, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_BIND);

    /* a second process is locked out */
    sc = s_schema();
    s = wr_fsink_open(dir, &sc, "Q", NULL, &st);
    CHECK(s != NULL);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        wr_fsink *s2 = wr_fsink_open(dir, &sc, "Q", NULL, &st);
        _exit(!s2 && st.code == WEIR_E_IO && st.retriable ? 0 : 1);
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    wr_fsink_close(s);
}

TEST(bad_paths)
{
    in_tmp(body_paths);
}

static void body_misuse(const char *tmp, const char *dir)
{
    (void)tmp;
    weir_status st;
    wr_fsink *s = open_s(dir, NULL);
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    wr_datum d = dstr("x");
    wr_out o = out_of(ar, &sc, &d, false, false, 0, 0);
    CHECK_INT(wr_fsink_put(s, &o, &st), ==, WEIR_E_INTERNAL);
    CHECK_INT(wr_fsink_commit(s, 0, NULL, NULL, NULL, &st), ==,
              WEIR_E_INTERNAL);
    CHECK_INT(wr_fsink_begin(s, -1, &st), ==, WEIR_E_INTERNAL);
    CHECK_INT(wr_fsink_begin(s, 1, &st), ==, WEIR_OK);
    CHECK_INT(wr_fsink_begin(s, 2, &st), ==, WEIR_E_INTERNAL);
    wr_fsink_rollback(s);
    wr_fsink_rollback(s); /* no batch: a no-op */
    wr_fsink_close(s);
    wr_fsink_close(NULL);
    wr_arena_free(ar);
}

TEST(misuse)
{
    in_tmp(body_misuse);
}

/* Allocation failure at every point of open, batch, commit and close
 * leaves a state the next open reads as batch 1 committed entirely or
 * not at all. */
static void body_fault(const char *tmp, const char *dir)
{
    (void)dir;
    int ok_in_a_row = 0;
    wr_arena *ar = wr_arena_new(0);
    wr_psink sc = s_schema();
    wr_datum d[2] = {dstr("a"), dstr("b")};
    wr_out outs[2] = {out_of(ar, &sc, &d[0], false, false, 0, 0),
                      out_of(ar, &sc, &d[1], false, false, 0, 0)};
    for (long n = 0; n < 1000 && ok_in_a_row < 20; n++) {
        char sub[700];
        snprintf(sub, sizeof sub, "%s/f%ld", tmp, n);
        weir_status st;
        wr_fsink_opts o = {n % 2 ? 1 << 20 : 0, 0, NULL, WR_FSINK_CRASH_NONE,
                           0};
        wr_fsink *s = open_s(sub, &o);
        const char *r0[] = {"r0"};
        CHECK_INT(run_batch(s, 0, r0, 1, 0, &st), ==, WEIR_OK);
        wr_fsink_close(s);
        int64_t next = 1;
        wr_fault_sim(n);
        s = wr_fsink_open(sub, &sc, "CSAS_OUT_1", &o, &st);
        weir_rc rc = s ? wr_fsink_begin(s, 1, &st) : st.code;
        for (int i = 0; rc == WEIR_OK && i < 2; i++)
            rc = wr_fsink_put(s, &outs[i], &st);
        if (rc == WEIR_OK)
            rc = wr_fsink_commit(s, 1, SRC, PART, &next, &st);
        wr_fsink_close(s);
        wr_fault_sim(-1);
        if (rc != WEIR_OK && rc != WEIR_E_NOMEM)
            FAIL_AT("fault %ld: %s", n, st.msg);
        s = open_s(sub, NULL);
        CHECK(s != NULL);
        int64_t last;
        wr_fsink_last_batch(s, &last, &st);
        wr_fsink_close(s);
        int np;
        char *v = reader_view(sub, &np);
        if (last == 1)
            CHECK_STR(v, "{\"S\":\"r0\"}\n{\"S\":\"a\"}\n{\"S\":\"b\"}\n");
        else
            CHECK_STR(v, "{\"S\":\"r0\"}\n");
        if (rc == WEIR_OK)
            CHECK_INT(last, ==, 1);
        free(v);
        rm_tree(sub);
        ok_in_a_row = rc == WEIR_OK ? ok_in_a_row + 1 : 0;
    }
    CHECK_INT(ok_in_a_row, ==, 20);
    wr_arena_free(ar);
}

TEST(fault_injection)
{
    in_tmp(body_fault);
}

TEST_LIST(wr_tests_file_sink, TEST_ENTRY(json_rows), TEST_ENTRY(csv_rows),
          TEST_ENTRY(table_changelog), TEST_ENTRY(windowed_rows),
          TEST_ENTRY(unwrapped_value), TEST_ENTRY(batch_file_and_index),
          TEST_ENTRY(empty_batch), TEST_ENTRY(replay_idempotent),
          TEST_ENTRY(crash_at_every_step), TEST_ENTRY(torn_index_line),
          TEST_ENTRY(stale_hidden_parts), TEST_ENTRY(roll_by_size),
          TEST_ENTRY(roll_by_time), TEST_ENTRY(bad_paths), TEST_ENTRY(misuse),
          TEST_ENTRY(fault_injection));
