/*
 * status.c: result-code names and status filling.
 *
 * Names and default messages come from the single WEIR_RC_MAP table in
 * weir/status.h, so they cannot drift apart.
 */
#include "weir/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const rc_names[] = {
#define WEIR_RC_NAME(c, m) "WEIR_" #c,
    WEIR_RC_MAP(WEIR_RC_NAME)
#undef WEIR_RC_NAME
};

static const char *const rc_messages[] = {
#define WEIR_RC_MSG(c, m) m,
    WEIR_RC_MAP(WEIR_RC_MSG)
#undef WEIR_RC_MSG
};

const char *weir_rc_name(weir_rc rc)
{
    if ((unsigned)rc >= WEIR_RC_COUNT)
        return "WEIR_E_UNKNOWN";
    return rc_names[rc];
}

const char *weir_rc_message(weir_rc rc)
{
    if ((unsigned)rc >= WEIR_RC_COUNT)
        return "unknown error";
    return rc_messages[rc];
}

void weir_status_clear(weir_status *st)
{
    if (!st)
        return;
    st->code = WEIR_OK;
    st->retriable = false;
    st->loc = WEIR_NOLOC;
    st->msg[0] = '\0';
}

weir_rc weir_status_vset(weir_status *st, weir_rc rc, weir_loc loc,
                         const char *fmt, va_list ap)
{
    if (!st)
        return rc;
    st->code = rc;
    st->retriable = false;
    st->loc = loc;
    if (fmt)
        vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    else
        snprintf(st->msg, sizeof st->msg, "%s", weir_rc_message(rc));
    return rc;
}

weir_rc weir_status_set(weir_status *st, weir_rc rc, weir_loc loc,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    weir_status_vset(st, rc, loc, fmt, ap);
    va_end(ap);
    return rc;
}
