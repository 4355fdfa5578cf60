/*
 * fuzz_delimited.c: libFuzzer target over the DELIMITED codec: the value
 * decoder, the key decoder and the value encoder (format.h).
 *
 * The first input byte picks the delimiter ('|', ';' or TAB; anything else
 * means ','); the rest
 * is one record, copied into a heap buffer of exactly its size so ASan
 * catches reads past the end. Checks besides memory safety:
 *   - a failed row is all NULL and its message NUL-terminated;
 *   - encoding is stable: a decoded row re-encodes to text that decodes
 *     again and re-encodes to the same bytes.
 * A broken promise aborts. Built with -fsanitize=fuzzer as fuzz_delimited
 * and with fuzz_main.c as the replay driver fuzz_delimited_replay that
 * ctest runs over corpus/delimited/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/batch.h"
#include "formats/format.h"

/* Records longer than this are cut: they add run time, not coverage. */
#define FUZZ_MAX_LEN (64 * 1024)

#define NCOLS 7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encodes row `row` of b into out (reset first). */
static void encode(const wr_batch *b, char delim, int row, wr_buf *out)
{
    static const char *names[NCOLS] = {"I", "S", "D", "M", "B", "L", "Y"};
    wr_buf_reset(out);
    wr_encode_value(WR_FMT_DELIMITED, delim, names, b->cols, b->ncols, row,
                    out);
}

/*
 * Runs one record. Borrows data for the duration of the call; owns (and
 * frees) its copy and its arena. Always returns 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (size > FUZZ_MAX_LEN)
        size = FUZZ_MAX_LEN;
    char delim = memchr("|;\t", data[0], 3) ? (char)data[0] : ',';
    size_t n = size - 1;
    char *p = malloc(n ? n : 1);
    wr_arena *ar = wr_arena_new(0);
    if (!p || !ar) {
        free(p);
        wr_arena_free(ar);
        return 0;
    }
    if (n)
        memcpy(p, data + 1, n);

    const wr_type *types[NCOLS] = {
        wr_type_prim(WR_T_INT),     wr_type_prim(WR_T_STRING),
        wr_type_prim(WR_T_DOUBLE),  wr_type_decimal(ar, 8, 2),
        wr_type_prim(WR_T_BOOLEAN), wr_type_prim(WR_T_BIGINT),
        wr_type_prim(WR_T_BYTES),
    };
    wr_field_map fm[NCOLS];
    static const char *names[NCOLS] = {"I", "S", "D", "M", "B", "L", "Y"};
    for (int i = 0; i < NCOLS; i++) {
        fm[i].name = names[i];
        fm[i].type = types[i];
        fm[i].col = i;
    }
    wr_batch b;
    wr_decoder *d =
        types[3] ? wr_decoder_new(ar, WR_FMT_DELIMITED, fm, NCOLS, delim, NULL)
                 : NULL;
    wr_buf e1 = WR_BUF_INIT;
    wr_buf e2 = WR_BUF_INIT;
    if (d && wr_batch_init(&b, ar, NCOLS, types, 4)) {
        char err[256];
        err[0] = '\0';
        weir_rc rc = wr_decode_value(d, p, n, true, &b, 0, err, sizeof err);
        if (memchr(err, '\0', sizeof err) == NULL)
            abort();
        if (rc != WEIR_OK) {
            for (int c = 0; c < NCOLS; c++)
                if (!wr_col_is_null(&b.cols[c], 0))
                    abort();
        } else {
            encode(&b, delim, 0, &e1);
            if (wr_decode_value(d, wr_buf_str(&e1), e1.len, false, &b, 1, err,
                                sizeof err) != WEIR_OK)
                abort();
            encode(&b, delim, 1, &e2);
            if (!e1.oom && !e2.oom &&
                (e1.len != e2.len ||
                 memcmp(wr_buf_str(&e1), wr_buf_str(&e2), e1.len) != 0))
                abort();
        }
        /* The same bytes as a one-column key of each kind. */
        for (int c = 0; c < NCOLS; c++) {
            err[0] = '\0';
            wr_decode_key(WR_FMT_DELIMITED, types[c], p, n, &b.cols[c], 2, ar,
                          err, sizeof err);
            wr_buf_reset(&e1);
            wr_encode_key(WR_FMT_DELIMITED, &b.cols[c], 2, &e1);
        }
    }
    wr_buf_fini(&e1);
    wr_buf_fini(&e2);
    wr_arena_free(ar);
    free(p);
    return 0;
}
