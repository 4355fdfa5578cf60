/*
 * tz.h: time zones named as Java's ZoneId.of names them (what ksqlDB's
 * date/time functions accept): "Z", "UTC", "GMT", "UT", fixed offsets
 * ("+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss", "+hhmmss", alone or after
 * UTC, GMT or UT) and region ids ("Europe/Paris") read from the system's
 * compiled tz database (TZif files under /usr/share/zoneinfo, or $TZDIR).
 *
 * Regions are parsed here (TZif versions 1 to 4 with their POSIX TZ footer),
 * never through setenv("TZ")/tzset/localtime, which are process-global. A
 * region is loaded once per process and kept in a small cache (an
 * append-only list read without locks, written under a mutex), so a lookup
 * after the first allocates nothing and the offsets are pure arithmetic:
 * the cache's rules live until the process exits.
 */
#ifndef WEIR_COMMON_TZ_H
#define WEIR_COMMON_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weir/status.h"

/* The rules of a region: transitions, local time types, POSIX footer. */
typedef struct wr_tz wr_tz;

/* A resolved zone: a fixed offset, or a region's rules. */
typedef struct wr_zone {
    const wr_tz *tz; /* region rules (borrowed from the cache), or NULL */
    int32_t off;     /* fixed offset in seconds east of UTC, when tz is NULL */
} wr_zone;

/*
 * Resolves the zone id id[0..n) (not NUL-terminated) as Java's ZoneId.of
 * does, case-sensitively. Returns WEIR_OK with *z filled, WEIR_E_DATA when
 * id is no zone (malformed, out of range, or no such region), or
 * WEIR_E_NOMEM. Borrows id. Thread-safe: any thread may call it; a region
 * is read from disk the first time only (a name that is not a zone is
 * remembered too, up to a bound).
 */
weir_rc wr_zone_lookup(const char *id, size_t n, wr_zone *z);

/*
 * The offset of z (seconds east of UTC) at the instant t (seconds since
 * the epoch). *abbr (abbr may be NULL) gets the region's abbreviation at
 * that instant ("CEST"), borrowed for the process's lifetime, or NULL for
 * a fixed offset. Allocates nothing.
 */
int32_t wr_zone_offset_at(const wr_zone *z, int64_t t, const char **abbr);

/*
 * The offset of z for the local date-time `local` (seconds since the
 * epoch, as if the local time were UTC), as Java's ZonedDateTime.ofLocal
 * chooses it: in a gap (clocks set forward) the offset before the gap, so
 * the time moves forward by the gap's length; in an overlap (clocks set
 * back) the earlier offset. Allocates nothing.
 */
int32_t wr_zone_offset_local(const wr_zone *z, int64_t local);

/*
 * Parses the bytes of a TZif file (RFC 8536, versions 1 to 4; version 2+
 * data and its footer are used when present). Returns new rules the caller
 * frees with wr_tz_free(), or NULL with st (may be NULL) filled: WEIR_E_DATA
 * when the data are malformed, WEIR_E_NOMEM. Borrows data.
 */
wr_tz *wr_tz_parse(const unsigned char *data, size_t n, weir_status *st);

/* Frees rules made by wr_tz_parse(). NULL is a no-op. Never call it on
 * the rules of a wr_zone from wr_zone_lookup() (the cache owns those). */
void wr_tz_free(wr_tz *tz);

#endif
