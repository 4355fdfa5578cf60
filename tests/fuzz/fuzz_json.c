/*
 * fuzz_json.c: libFuzzer target over the JSON codecs: the DOM parser and
 * writer (json.h), the schema-directed value decoder, the JSON key decoder
 * and the JSON value encoder (format.h).
 *
 * One input is one record. It is copied into a heap buffer of exactly its
 * size, so ASan catches any read past the end (the codecs take a length,
 * never a NUL). Checks besides memory safety:
 *   - a DOM that parses writes JSON that parses again and writes the same
 *     text (the writer's output is canonical);
 *   - error messages are NUL-terminated;
 *   - a record that decodes re-encodes (wr_encode_value) to JSON that the
 *     DOM parser accepts, and decoding that again succeeds.
 * A broken promise aborts. Everything lives in one arena freed per input.
 * Built with -fsanitize=fuzzer as fuzz_json and with fuzz_main.c as the
 * replay driver fuzz_json_replay that ctest runs over corpus/json/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/batch.h"
#include "formats/format.h"
#include "formats/json.h"

/* Records longer than this are cut: they add run time, not coverage. */
#define FUZZ_MAX_LEN (64 * 1024)

#define NCOLS 11

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless msg is a NUL-terminated string within its buffer. */
static void check_msg(const char *msg, size_t cap)
{
    if (memchr(msg, '\0', cap) == NULL)
        abort();
}

/* DOM parse; on success the written form must be a fixed point. Borrows
 * p; everything goes to ar. */
static void fuzz_dom(wr_arena *ar, const char *p, size_t n)
{
    char err[128];
    wr_jval *v = wr_json_parse(ar, p, n, err, sizeof err);
    if (!v) {
        check_msg(err, sizeof err);
        return;
    }
    wr_buf a = WR_BUF_INIT;
    wr_buf b = WR_BUF_INIT;
    wr_json_write(&a, v);
    wr_jval *w = wr_json_parse(ar, wr_buf_str(&a), a.len, err, sizeof err);
    if (!w && !a.oom)
        abort();
    if (w) {
        wr_json_write(&b, w);
        if (a.len != b.len || memcmp(wr_buf_str(&a), wr_buf_str(&b), a.len))
            abort();
    }
    wr_json_get(v, "A");
    wr_buf_fini(&a);
    wr_buf_fini(&b);
}

/* The declared schema: every kind, one unused column, one lower-case
 * (quoted) name so both lookup strategies run. */
static int schema(wr_arena *ar, wr_field_map *fm, const wr_type **bt,
                  bool mixed)
{
    static wr_field sf[2] = {{"A", NULL}, {"b", NULL}};
    sf[0].type = wr_type_prim(WR_T_INT);
    sf[1].type = wr_type_prim(WR_T_STRING);
    const wr_type *types[NCOLS] = {
        wr_type_prim(WR_T_INT),
        wr_type_prim(WR_T_BIGINT),
        wr_type_prim(WR_T_DOUBLE),
        wr_type_decimal(ar, 10, 3),
        wr_type_prim(WR_T_STRING),
        wr_type_prim(WR_T_BOOLEAN),
        wr_type_prim(WR_T_BYTES),
        wr_type_array(ar, wr_type_prim(WR_T_INT)),
        wr_type_map(ar, wr_type_prim(WR_T_STRING), wr_type_prim(WR_T_DOUBLE)),
        wr_type_struct(ar, sf, 2),
        wr_type_prim(WR_T_STRING),
    };
    static const char *names[NCOLS] = {"I", "L", "D", "M",  "S",   "B",
                                       "Y", "A", "P", "ST", "SKIP"};
    int nb = 0;
    for (int i = 0; i < NCOLS; i++) {
        if (!types[i])
            return -1;
        fm[i].name = mixed && i == 4 ? "s" : names[i];
        fm[i].type = types[i];
        fm[i].col = i == NCOLS - 1 ? -1 : nb;
        if (fm[i].col >= 0)
            bt[nb++] = types[i];
    }
    return nb;
}

/* Schema decode, then re-encode and re-decode. Borrows p. */
static void fuzz_decode(wr_arena *ar, const char *p, size_t n, bool mixed)
{
    wr_field_map fm[NCOLS];
    const wr_type *bt[NCOLS];
    int nb = schema(ar, fm, bt, mixed);
    if (nb < 0)
        return;
    wr_decoder *d = wr_decoder_new(ar, WR_FMT_JSON, fm, NCOLS, 0, NULL);
    wr_batch b;
    if (!d || !wr_batch_init(&b, ar, nb, bt, 4))
        return;
    char err[256];
    err[0] = '\0';
    weir_rc rc = wr_decode_value(d, p, n, mixed, &b, 0, err, sizeof err);
    check_msg(err, sizeof err);
    if (rc != WEIR_OK) {
        for (int c = 0; c < nb; c++)
            if (!wr_col_is_null(&b.cols[c], 0))
                abort(); /* a failed row must be all NULL */
        return;
    }
    const char *names[NCOLS];
    for (int i = 0; i < nb; i++)
        names[i] = fm[i].name;
    wr_buf out = WR_BUF_INIT;
    wr_encode_value(WR_FMT_JSON, 0, names, b.cols, nb, 0, &out);
    if (!out.oom) {
        char e2[128];
        if (!wr_json_parse(ar, wr_buf_str(&out), out.len, e2, sizeof e2))
            abort();
        rc = wr_decode_value(d, wr_buf_str(&out), out.len, false, &b, 1, err,
                             sizeof err);
        if (rc != WEIR_OK)
            abort();
    }
    wr_buf_fini(&out);
}

/* Key decode as each primitive kind. Borrows p. */
static void fuzz_key(wr_arena *ar, const char *p, size_t n)
{
    static const wr_type_kind kinds[] = {WR_T_INT, WR_T_BIGINT, WR_T_DOUBLE,
                                         WR_T_STRING, WR_T_BOOLEAN};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const wr_type *t = wr_type_prim(kinds[i]);
        wr_col c;
        char err[256];
        if (!wr_col_init(&c, ar, t, 1))
            return;
        err[0] = '\0';
        wr_decode_key(WR_FMT_JSON, t, p, n, &c, 0, ar, err, sizeof err);
        check_msg(err, sizeof err);
        wr_buf out = WR_BUF_INIT;
        wr_encode_key(WR_FMT_JSON, &c, 0, &out);
        wr_buf_fini(&out);
    }
}

/*
 * Runs one record through every JSON entry point. Borrows data for the
 * duration of the call; owns (and frees) its copy and its arena. Always
 * returns 0 (libFuzzer reserves other values).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_LEN)
        size = FUZZ_MAX_LEN;
    char *p = malloc(size ? size : 1);
    wr_arena *ar = wr_arena_new(0);
    if (!p || !ar) {
        free(p);
        wr_arena_free(ar);
        return 0;
    }
    if (size)
        memcpy(p, data, size);
    fuzz_dom(ar, p, size);
    fuzz_decode(ar, p, size, false);
    fuzz_decode(ar, p, size, true);
    fuzz_key(ar, p, size);
    wr_arena_free(ar);
    free(p);
    return 0;
}
