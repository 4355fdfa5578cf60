/*
 * weir/status.h: result codes and the status object every fallible call fills.
 *
 * A function that can fail returns weir_rc and takes `weir_status *st` last;
 * st may be NULL when the caller wants only the code. The status carries a
 * one-line message naming the offending thing and, for errors that come from
 * query text, the byte span of the offending part (off < 0: no position).
 */
#ifndef WEIR_STATUS_H
#define WEIR_STATUS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__GNUC__)
#define WEIR_API __attribute__((visibility("default")))
#define WEIR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WEIR_API
#define WEIR_PRINTF(f, a)
#endif

/* X-macro table: code, name suffix, default message. */
#define WEIR_RC_MAP(X)                                                         \
    X(OK, "ok")                                                                \
    X(E_NOMEM, "out of memory")                                                \
    X(E_SYNTAX, "syntax error")                                                \
    X(E_BIND, "invalid statement")                                             \
    X(E_TYPE, "type error")                                                    \
    X(E_CATALOG, "catalog error")                                              \
    X(E_UNSUPPORTED, "not supported")                                          \
    X(E_USAGE, "usage error")                                                  \
    X(E_IO, "input/output error")                                              \
    X(E_DATA, "malformed data")                                                \
    X(E_INTERNAL, "internal error")

typedef enum weir_rc {
#define WEIR_RC_ENUM(c, m) WEIR_##c,
    WEIR_RC_MAP(WEIR_RC_ENUM)
#undef WEIR_RC_ENUM
        WEIR_RC_COUNT
} weir_rc;

/* A byte span in the query text; off < 0 means "no position". */
typedef struct weir_loc {
    int32_t off; /* byte offset from the start of the text */
    int32_t len; /* length in bytes (0 for a point) */
} weir_loc;

typedef struct weir_status {
    weir_rc code;   /* WEIR_OK or a WEIR_E_* code */
    bool retriable; /* transient (broker down, SQLITE_BUSY) vs permanent */
    weir_loc loc;   /* where in the SQL, if the error came from the query */
    char msg[320];  /* one line, no trailing newline */
} weir_status;

/* Returns the symbolic name of rc, e.g. "WEIR_E_SYNTAX". Never NULL. */
WEIR_API const char *weir_rc_name(weir_rc rc);

/* Returns the default one-line message of rc. Never NULL. */
WEIR_API const char *weir_rc_message(weir_rc rc);

/* Resets st (may be NULL) to WEIR_OK with no message and no position. */
WEIR_API void weir_status_clear(weir_status *st);

/*
 * Fills st (may be NULL) with rc, the span loc and a printf-style message,
 * truncated to fit. Returns rc so that callers can `return
 * weir_status_set(..)`.
 */
WEIR_API weir_rc weir_status_set(weir_status *st, weir_rc rc, weir_loc loc,
                                 const char *fmt, ...) WEIR_PRINTF(4, 5);

/* Like weir_status_set with a va_list. */
WEIR_API weir_rc weir_status_vset(weir_status *st, weir_rc rc, weir_loc loc,
                                  const char *fmt, va_list ap);

/* The "no position" location. */
#define WEIR_NOLOC ((weir_loc){-1, 0})

#endif
