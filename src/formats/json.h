/*
 * json.h: a small JSON DOM (parse and write) for test files, expected
 * outputs and keys, kept separate from the schema-directed row decoder in
 * format.h, which never builds a DOM.
 *
 * Numbers keep their source text so that comparisons can be exact
 * (`10.0000` stays `10.0000`). Everything is allocated in the arena given to
 * the parser.
 */
#ifndef WEIR_FORMATS_JSON_H
#define WEIR_FORMATS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"

typedef enum wr_jkind {
    WR_J_NULL,
    WR_J_BOOL,
    WR_J_NUM,
    WR_J_STR,
    WR_J_ARR,
    WR_J_OBJ,
} wr_jkind;

typedef struct wr_jval wr_jval;
struct wr_jval {
    wr_jkind kind;     /* which */
    bool b;            /* BOOL */
    const char *s;     /* STR: unescaped UTF-8 (NUL-terminated); NUM: text */
    int32_t len;       /* length of s */
    int n;             /* ARR/OBJ: number of items */
    wr_jval **items;   /* ARR/OBJ: n values */
    const char **keys; /* OBJ: n keys (unescaped, NUL-terminated) */
};

/*
 * Parses one JSON document from p[0..n) (surrounding whitespace allowed).
 * Returns the root, allocated in ar, or NULL with a one-line message
 * ("at byte 17: expected ':'") in err[errlen]. Nesting deeper than 512
 * levels is an error.
 */
wr_jval *wr_json_parse(wr_arena *ar, const char *p, size_t n, char *err,
                       size_t errlen);

/* Appends v as compact JSON (numbers as their text) to b. */
void wr_json_write(wr_buf *b, const wr_jval *v);

/* Appends s[0..n) as a JSON string literal with quotes and escapes. */
void wr_json_write_str(wr_buf *b, const char *s, size_t n);

/* Object member by exact name, then case-insensitively; NULL if absent. */
const wr_jval *wr_json_get(const wr_jval *obj, const char *key);

#endif
