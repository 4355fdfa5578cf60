/*
 * tz.c: time zones (see tz.h): Java ZoneId names, fixed offsets, and the
 * regions of the compiled tz database, parsed from their TZif files.
 *
 * A region's rules (struct wr_tz) are what a TZif file says: the instants
 * of its transitions (ascending, in seconds), the local time type in force
 * from each (UTC offset and abbreviation), and the POSIX TZ string of its
 * footer, which gives the rule for instants after the last transition
 * (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"). Version 1 files have 32-bit
 * transitions and no footer; later versions repeat the data with 64-bit
 * transitions and add the footer, and only that second part is used.
 * Before the first transition the first local time type applies (RFC
 * 8536). Leap-second records are skipped: offsets are civil time, as
 * Java's.
 *
 * The offset at an instant is a binary search over the transitions, or
 * the footer rule evaluated for the instant's year. The offset of a local
 * date-time looks at the transitions of the few days around it: for the
 * first transition whose later local edge (T + max(before, after)) is
 * after the local time, the offset before that transition is the answer,
 * which is Java's choice in a gap and in an overlap alike.
 *
 * The cache: a singly linked list of entries (id, rules or NULL for a name
 * that is not a zone) whose head is an atomic pointer. Readers walk it
 * without a lock; a writer takes the mutex, looks again, loads the file and
 * publishes the new entry with a release store. Entries and rules are never
 * freed (they live until the process exits); names that are not zones are
 * remembered up to MAX_MISSES so that a bad zone column cannot grow the
 * list without bound (a name that cannot be a region id is refused before
 * the cache, with no file access).
 */
#include "common/tz.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/arena.h"

#define DAY 86400
#define MAX_MISSES 64        /* remembered names that are not zones */
#define MAX_FILE (1u << 20)  /* larger TZif files are refused */
#define MAX_TRANS (1u << 16) /* more transitions are refused */
#define DEFAULT_DIR "/usr/share/zoneinfo"

typedef struct tz_type {
    int32_t off;      /* seconds east of UTC */
    const char *abbr; /* abbreviation, into wr_tz.chars */
} tz_type;

/* A date of a POSIX TZ rule, with the local time of the change. */
typedef struct tz_date {
    char kind;    /* 'J': Jn (1..365, Feb 29 never counted); 'D': n (0..365,
                     counted); 'M': Mm.w.d */
    int n;        /* J and D: the day */
    int m, w, d;  /* M: month 1..12, week 1..5 (5: last), weekday 0: Sunday */
    int32_t time; /* seconds after local midnight (may be < 0 or > 24 h) */
} tz_date;

/* The POSIX TZ string of a TZif footer. */
typedef struct tz_rule {
    bool present;      /* applies after the last transition */
    bool dst;          /* has daylight saving time */
    int32_t std_off;   /* standard offset, seconds east of UTC */
    int32_t dst_off;   /* daylight saving offset */
    char std_abbr[16]; /* standard abbreviation */
    char dst_abbr[16]; /* daylight saving abbreviation */
    tz_date start;     /* DST starts, in standard local time */
    tz_date end;       /* DST ends, in daylight saving local time */
} tz_rule;

struct wr_tz {
    int ntrans;     /* transitions */
    int64_t *trans; /* their instants, strictly ascending, seconds */
    uint8_t *idx;   /* the type in force from each transition */
    int ntypes;     /* local time types (at least 1) */
    tz_type *types; /* ntypes entries */
    char *chars;    /* abbreviations, each NUL-terminated */
    tz_rule rule;   /* the footer (present: false without one) */
};

/* ---- calendar ----------------------------------------------------------- */

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = fdiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year of the day `days` since 1970-01-01. */
static int64_t year_of(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = fdiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

/* ---- POSIX TZ rules ----------------------------------------------------- */

/* Days since the epoch of the rule date r in year y. */
static int64_t rule_day(const tz_date *r, int64_t y)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t jan1 = days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return jan1 + r->n;
    int64_t first = days_from_civil(y, r->m, 1);
    int wd = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01: Thursday */
    int day = 1 + (r->d - wd + 7) % 7 + (r->w - 1) * 7;
    int dim = mdays[r->m - 1] + (r->m == 2 && leap(y));
    while (day > dim)
        day -= 7;
    return first + day - 1;
}

/* The instants at which DST starts (*s) and ends (*e) in year y. */
static void rule_year(const tz_rule *r, int64_t y, int64_t *s, int64_t *e)
{
    *s = rule_day(&r->start, y) * DAY + r->start.time - r->std_off;
    *e = rule_day(&r->end, y) * DAY + r->end.time - r->dst_off;
}

static bool rule_in_dst(const tz_rule *r, int64_t t)
{
    int64_t s, e;
    rule_year(r, year_of(fdiv(t + r->std_off, DAY)), &s, &e);
    return s < e ? (t >= s && t < e) : !(t >= e && t < s);
}

/* The first change of r after t: its instant and the offsets before and
 * after it. */
static bool rule_next(const tz_rule *r, int64_t t, int64_t *at, int32_t *ob,
                      int32_t *oa)
{
    int64_t y = year_of(fdiv(t + r->std_off, DAY));
    bool found = false;
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        int64_t s, e;
        rule_year(r, yy, &s, &e);
        if (s > t && (!found || s < *at)) {
            *at = s, *ob = r->std_off, *oa = r->dst_off;
            found = true;
        }
        if (e > t && (!found || e < *at)) {
            *at = e, *ob = r->dst_off, *oa = r->std_off;
            found = true;
        }
    }
    return found;
}

/* An abbreviation: letters, or <...> of letters, digits, + and -. */
static bool posix_name(const char **s, char *out, size_t cap)
{
    const char *p = *s;
    size_t n = 0;
    if (*p == '<') {
        for (p++; *p && *p != '>'; p++) {
            if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-')
                return false;
            if (n + 1 < cap)
                out[n++] = *p;
        }
        if (*p++ != '>')
            return false;
    } else {
        for (; isalpha((unsigned char)*p); p++)
            if (n + 1 < cap)
                out[n++] = *p;
    }
    if (n < 3)
        return false;
    out[n] = '\0';
    *s = p;
    return true;
}

/* Reads 1 to maxd digits into *v. */
static bool posix_num(const char **s, int maxd, int *v)
{
    const char *p = *s;
    int k = 0;
    *v = 0;
    while (k < maxd && *p >= '0' && *p <= '9')
        *v = *v * 10 + (*p++ - '0'), k++;
    *s = p;
    return k > 0;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds; hours at most maxh. */
static bool posix_hms(const char **s, int maxh, int32_t *secs)
{
    const char *p = *s;
    int sg = 1, h, m = 0, sec = 0;
    if (*p == '+' || *p == '-')
        sg = *p++ == '-' ? -1 : 1;
    if (!posix_num(&p, 3, &h) || h > maxh)
        return false;
    if (*p == ':') {
        p++;
        if (!posix_num(&p, 2, &m) || m > 59)
            return false;
        if (*p == ':') {
            p++;
            if (!posix_num(&p, 2, &sec) || sec > 59)
                return false;
        }
    }
    *secs = sg * (h * 3600 + m * 60 + sec);
    *s = p;
    return true;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static bool posix_date(const char **s, tz_date *d)
{
    const char *p = *s;
    memset(d, 0, sizeof *d);
    if (*p == 'M') {
        p++;
        d->kind = 'M';
        if (!posix_num(&p, 2, &d->m) || d->m < 1 || d->m > 12 || *p++ != '.')
            return false;
        if (!posix_num(&p, 1, &d->w) || d->w < 1 || d->w > 5 || *p++ != '.')
            return false;
        if (!posix_num(&p, 1, &d->d) || d->d > 6)
            return false;
    } else if (*p == 'J') {
        p++;
        d->kind = 'J';
        if (!posix_num(&p, 3, &d->n) || d->n < 1 || d->n > 365)
            return false;
    } else {
        d->kind = 'D';
        if (!posix_num(&p, 3, &d->n) || d->n > 365)
            return false;
    }
    d->time = 7200;
    if (*p == '/') {
        p++;
        if (!posix_hms(&p, 167, &d->time))
            return false;
    }
    *s = p;
    return true;
}

/* Parses the POSIX TZ string s into *r (an empty string: no rule). */
static bool posix_rule(const char *s, tz_rule *r)
{
    memset(r, 0, sizeof *r);
    if (!*s)
        return true;
    int32_t o;
    if (!posix_name(&s, r->std_abbr, sizeof r->std_abbr) ||
        !posix_hms(&s, 24, &o))
        return false;
    r->present = true;
    r->std_off = r->dst_off = -o;
    if (!*s)
        return true;
    if (!posix_name(&s, r->dst_abbr, sizeof r->dst_abbr))
        return false;
    r->dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!posix_hms(&s, 24, &o))
            return false;
        r->dst_off = -o;
    }
    if (!*s) { /* POSIX's default: the United States' rules */
        r->start = (tz_date){'M', 0, 3, 2, 0, 7200};
        r->end = (tz_date){'M', 0, 11, 1, 0, 7200};
        return true;
    }
    if (*s != ',')
        return false;
    s++;
    if (!posix_date(&s, &r->start) || *s != ',')
        return false;
    s++;
    if (!posix_date(&s, &r->end) || *s)
        return false;
    /* DST all year ("EST5EDT,0/0,J365/25"): one offset, no changes. */
    int64_t s1, e1, s2, e2;
    rule_year(r, 2001, &s1, &e1);
    rule_year(r, 2002, &s2, &e2);
    if (s1 < e1 && e1 >= s2) {
        r->dst = false;
        r->std_off = r->dst_off;
        memcpy(r->std_abbr, r->dst_abbr, sizeof r->std_abbr);
    }
    return true;
}

/* ---- TZif --------------------------------------------------------------- */

typedef struct tzif_hdr {
    char ver;       /* '\0', '2', '3' or '4' */
    uint32_t isut;  /* UT/local indicators */
    uint32_t isstd; /* standard/wall indicators */
    uint32_t leap;  /* leap-second records */
    uint32_t time;  /* transitions */
    uint32_t type;  /* local time types */
    uint32_t chars; /* bytes of abbreviations */
} tzif_hdr;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static int64_t be32s(const unsigned char *p)
{
    uint32_t u = be32(p);
    return u <= INT32_MAX ? (int64_t)u : (int64_t)u - 4294967296LL;
}

static int64_t be64s(const unsigned char *p)
{
    uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* The header at data[at]; false when there is none. */
static bool tzif_header(const unsigned char *data, size_t n, size_t at,
                        tzif_hdr *h)
{
    if (at > n || n - at < 44 || memcmp(data + at, "TZif", 4) != 0)
        return false;
    const unsigned char *p = data + at;
    h->ver = (char)p[4];
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    return h->type >= 1 && h->type <= 256 && h->chars >= 1 &&
           h->chars <= 65536 && h->time <= MAX_TRANS && h->leap <= MAX_TRANS &&
           (h->isut == 0 || h->isut == h->type) &&
           (h->isstd == 0 || h->isstd == h->type);
}

/* Bytes of the data block after a header, with tsize-byte times. */
static uint64_t tzif_block(const tzif_hdr *h, unsigned tsize)
{
    return (uint64_t)h->time * tsize + h->time + (uint64_t)h->type * 6 +
           h->chars + (uint64_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

static wr_tz *bad(wr_tz *tz, weir_status *st, const char *why)
{
    wr_tz_free(tz);
    weir_status_set(st, WEIR_E_DATA, WEIR_NOLOC, "malformed TZif data: %s",
                    why);
    return NULL;
}

static wr_tz *nomem(wr_tz *tz, weir_status *st)
{
    wr_tz_free(tz);
    weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    return NULL;
}

wr_tz *wr_tz_parse(const unsigned char *data, size_t n, weir_status *st)
{
    tzif_hdr h;
    if (!tzif_header(data, n, 0, &h))
        return bad(NULL, st, "no valid header");
    size_t at = 44;
    unsigned tsize = 4;
    uint64_t len = tzif_block(&h, 4);
    if (len > n - at)
        return bad(NULL, st, "truncated");
    if (h.ver >= '2') { /* skip the 32-bit data: use the 64-bit copy */
        at += (size_t)len;
        if (!tzif_header(data, n, at, &h))
            return bad(NULL, st, "no valid second header");
        at += 44;
        tsize = 8;
        len = tzif_block(&h, 8);
        if (len > n - at)
            return bad(NULL, st, "truncated");
    }
    wr_tz *tz = wr_malloc(sizeof *tz);
    if (!tz)
        return nomem(NULL, st);
    memset(tz, 0, sizeof *tz);
    tz->ntrans = (int)h.time;
    tz->ntypes = (int)h.type;
    tz->trans = wr_malloc(sizeof *tz->trans * (h.time ? h.time : 1));
    tz->idx = wr_malloc(h.time ? h.time : 1);
    tz->types = wr_malloc(sizeof *tz->types * h.type);
    tz->chars = wr_malloc(h.chars + 1);
    if (!tz->trans || !tz->idx || !tz->types || !tz->chars)
        return nomem(tz, st);
    const unsigned char *p = data + at;
    for (uint32_t i = 0; i < h.time; i++, p += tsize) {
        tz->trans[i] = tsize == 8 ? be64s(p) : be32s(p);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return bad(tz, st, "transitions out of order");
    }
    for (uint32_t i = 0; i < h.time; i++, p++) {
        if (*p >= h.type)
            return bad(tz, st, "transition to an unknown type");
        tz->idx[i] = *p;
    }
    const unsigned char *types = p;
    p += (size_t)h.type * 6;
    memcpy(tz->chars, p, h.chars);
    tz->chars[h.chars] = '\0';
    for (uint32_t i = 0; i < h.type; i++) {
        const unsigned char *t = types + (size_t)i * 6;
        int64_t off = be32s(t);
        if (off < -26 * 3600 || off > 26 * 3600 || t[4] > 1 || t[5] >= h.chars)
            return bad(tz, st, "bad local time type");
        tz->types[i].off = (int32_t)off;
        tz->types[i].abbr = tz->chars + t[5];
    }
    at += (size_t)len;
    if (h.ver >= '2') { /* the footer: "\n" TZ string "\n" */
        char rule[128];
        if (at >= n || data[at] != '\n')
            return bad(tz, st, "no footer");
        size_t k = 0;
        for (at++; at < n && data[at] != '\n'; at++) {
            if (k + 1 >= sizeof rule)
                return bad(tz, st, "footer too long");
            rule[k++] = (char)data[at];
        }
        if (at >= n)
            return bad(tz, st, "unterminated footer");
        rule[k] = '\0';
        if (!posix_rule(rule, &tz->rule))
            return bad(tz, st, "bad TZ string in the footer");
    }
    return tz;
}

void wr_tz_free(wr_tz *tz)
{
    if (!tz)
        return;
    wr_free(tz->trans);
    wr_free(tz->idx);
    wr_free(tz->types);
    wr_free(tz->chars);
    wr_free(tz);
}

/* ---- offsets ------------------------------------------------------------ */

static int32_t tz_offset_at(const wr_tz *tz, int64_t t, const char **abbr)
{
    int n = tz->ntrans;
    const tz_rule *r = &tz->rule;
    if (r->present && (n == 0 || t >= tz->trans[n - 1])) {
        bool d = r->dst && rule_in_dst(r, t);
        if (abbr)
            *abbr = d ? r->dst_abbr : r->std_abbr;
        return d ? r->dst_off : r->std_off;
    }
    const tz_type *ty = &tz->types[0];
    if (n > 0 && t >= tz->trans[0]) {
        int lo = 0, hi = n - 1; /* the last transition at or before t */
        while (lo < hi) {
            int mid = lo + (hi - lo + 1) / 2;
            if (tz->trans[mid] <= t)
                lo = mid;
            else
                hi = mid - 1;
        }
        ty = &tz->types[tz->idx[lo]];
    }
    if (abbr)
        *abbr = ty->abbr;
    return ty->off;
}

/* The first transition after t: its instant and the offsets before and
 * after it. */
static bool tz_next(const wr_tz *tz, int64_t t, int64_t *at, int32_t *ob,
                    int32_t *oa)
{
    int n = tz->ntrans;
    if (n > 0 && t < tz->trans[n - 1]) {
        int lo = 0, hi = n - 1; /* the first transition after t */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (tz->trans[mid] > t)
                hi = mid;
            else
                lo = mid + 1;
        }
        *at = tz->trans[lo];
        *ob = tz->types[lo ? tz->idx[lo - 1] : 0].off;
        *oa = tz->types[tz->idx[lo]].off;
        return true;
    }
    return tz->rule.present && tz->rule.dst &&
           rule_next(&tz->rule, t, at, ob, oa);
}

static int32_t tz_offset_local(const wr_tz *tz, int64_t local)
{
    /* Offsets stay within a day, so a transition whose local edges can
     * reach `local` happens after local - 3 days. */
    int64_t t = local - 3 * DAY;
    int32_t cur = tz_offset_at(tz, t, NULL);
    for (int k = 0; k < 64; k++) {
        int64_t at;
        int32_t ob, oa;
        if (!tz_next(tz, t, &at, &ob, &oa))
            break;
        if (local < at + (ob > oa ? ob : oa))
            return ob;
        cur = oa;
        t = at;
    }
    return cur;
}

int32_t wr_zone_offset_at(const wr_zone *z, int64_t t, const char **abbr)
{
    if (!z->tz) {
        if (abbr)
            *abbr = NULL;
        return z->off;
    }
    return tz_offset_at(z->tz, t, abbr);
}

int32_t wr_zone_offset_local(const wr_zone *z, int64_t local)
{
    return z->tz ? tz_offset_local(z->tz, local) : z->off;
}

/* ---- names and the cache ------------------------------------------------ */

/* Two digits at s, or -1. */
static int num2(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Java's ZoneOffset.of without "Z": +h, +hh, +hhmm, +hh:mm, +hhmmss,
 * +hh:mm:ss (or -), at most 18 hours. */
static bool offset_id(const char *s, size_t n, int32_t *off)
{
    if (n < 2 || (s[0] != '+' && s[0] != '-'))
        return false;
    int h = -1, m = 0, sec = 0;
    switch (n) {
    case 2:
        h = s[1] >= '0' && s[1] <= '9' ? s[1] - '0' : -1;
        break;
    case 3:
        h = num2(s + 1);
        break;
    case 5:
        h = num2(s + 1), m = num2(s + 3);
        break;
    case 6:
        h = num2(s + 1), m = s[3] == ':' ? num2(s + 4) : -1;
        break;
    case 7:
        h = num2(s + 1), m = num2(s + 3), sec = num2(s + 5);
        break;
    case 9:
        h = num2(s + 1), m = s[3] == ':' ? num2(s + 4) : -1;
        sec = s[6] == ':' ? num2(s + 7) : -1;
        break;
    default:
        return false;
    }
    if (h < 0 || m < 0 || sec < 0 || h > 18 || m > 59 || sec > 59 ||
        (h == 18 && (m || sec)))
        return false;
    *off = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60 + sec);
    return true;
}

/* A region id as Java's ZoneRegion accepts it ([A-Za-z][A-Za-z0-9~/._+-]+)
 * that names a file of the tz database: no empty, "." or ".." component,
 * nor the database's files that are not zones of Java's. */
static bool region_id_ok(const char *id, size_t n)
{
    static const char *const not_zones[] = {"posixrules", "localtime",
                                            "Factory"};
    if (n < 2 || n > 200 || !isalpha((unsigned char)id[0]))
        return false;
    size_t comp = 0; /* start of the current component */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && id[i] != '/') {
            if (!isalnum((unsigned char)id[i]) && !strchr("~._+-", id[i]))
                return false;
            continue;
        }
        size_t len = i - comp;
        if (len == 0 || (len == 1 && id[comp] == '.') ||
            (len == 2 && id[comp] == '.' && id[comp + 1] == '.'))
            return false;
        comp = i + 1;
    }
    for (size_t i = 0; i < sizeof not_zones / sizeof not_zones[0]; i++)
        if (strlen(not_zones[i]) == n && !memcmp(id, not_zones[i], n))
            return false;
    return !(n > 6 && (!memcmp(id, "posix/", 6) || !memcmp(id, "right/", 6)));
}

/* Reads and parses the TZif file of region id. */
static weir_rc load_region(const char *id, size_t n, wr_tz **out)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = DEFAULT_DIR;
    char path[1024];
    int w = snprintf(path, sizeof path, "%s/%.*s", dir, (int)n, id);
    if (w < 0 || (size_t)w >= sizeof path)
        return WEIR_E_DATA;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOMEM ? WEIR_E_NOMEM : WEIR_E_DATA;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 44 ||
        sb.st_size > (off_t)MAX_FILE) {
        close(fd);
        return WEIR_E_DATA;
    }
    size_t size = (size_t)sb.st_size, got = 0;
    unsigned char *buf = wr_malloc(size);
    if (!buf) {
        close(fd);
        return WEIR_E_NOMEM;
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    weir_status st;
    *out = got == size ? wr_tz_parse(buf, size, &st) : NULL;
    wr_free(buf);
    if (*out)
        return WEIR_OK;
    return got == size ? st.code : WEIR_E_DATA;
}

typedef struct tz_entry {
    struct tz_entry *next; /* older entry */
    wr_tz *tz;             /* the rules, or NULL: not a zone */
    size_t n;              /* length of id */
    char id[];             /* the name as looked up */
} tz_entry;

static _Atomic(tz_entry *) cache;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static int cache_misses; /* entries with tz NULL; under cache_mu */

static const tz_entry *cache_find(const tz_entry *e, const char *id, size_t n)
{
    for (; e; e = e->next)
        if (e->n == n && memcmp(e->id, id, n) == 0)
            return e;
    return NULL;
}

/* The rules of region id from the cache, loading them the first time. */
static weir_rc region(const char *id, size_t n, const wr_tz **out)
{
    if (!region_id_ok(id, n)) /* no file to look at: nothing to remember */
        return WEIR_E_DATA;
    const tz_entry *e =
        cache_find(atomic_load_explicit(&cache, memory_order_acquire), id, n);
    if (e) {
        *out = e->tz;
        return e->tz ? WEIR_OK : WEIR_E_DATA;
    }
    pthread_mutex_lock(&cache_mu);
    tz_entry *head = atomic_load_explicit(&cache, memory_order_relaxed);
    weir_rc rc;
    if ((e = cache_find(head, id, n))) {
        *out = e->tz;
        rc = e->tz ? WEIR_OK : WEIR_E_DATA;
    } else {
        wr_tz *tz = NULL;
        rc = load_region(id, n, &tz);
        if (rc == WEIR_OK || (rc == WEIR_E_DATA && cache_misses < MAX_MISSES)) {
            tz_entry *ne = wr_malloc(sizeof *ne + n + 1);
            if (!ne) {
                wr_tz_free(tz);
                rc = WEIR_E_NOMEM;
            } else {
                ne->next = head;
                ne->tz = tz;
                ne->n = n;
                memcpy(ne->id, id, n);
                ne->id[n] = '\0';
                cache_misses += tz == NULL;
                atomic_store_explicit(&cache, ne, memory_order_release);
            }
        }
        *out = rc == WEIR_OK ? tz : NULL;
    }
    pthread_mutex_unlock(&cache_mu);
    return rc;
}

static bool is_word(const char *id, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(id, w, n) == 0;
}

weir_rc wr_zone_lookup(const char *id, size_t n, wr_zone *z)
{
    z->tz = NULL;
    z->off = 0;
    if (n == 0)
        return WEIR_E_DATA;
    if (n == 1 && id[0] == 'Z')
        return WEIR_OK;
    if (n >= 1 && (id[0] == '+' || id[0] == '-'))
        return offset_id(id, n, &z->off) ? WEIR_OK : WEIR_E_DATA;
    if (is_word(id, n, "UTC") || is_word(id, n, "GMT") || is_word(id, n, "UT"))
        return WEIR_OK;
    if (n > 3 && (!memcmp(id, "UTC", 3) || !memcmp(id, "GMT", 3)) &&
        (id[3] == '+' || id[3] == '-'))
        return offset_id(id + 3, n - 3, &z->off) ? WEIR_OK : WEIR_E_DATA;
    if (n > 2 && !memcmp(id, "UT", 2) && (id[2] == '+' || id[2] == '-'))
        return offset_id(id + 2, n - 2, &z->off) ? WEIR_OK : WEIR_E_DATA;
    const wr_tz *tz = NULL;
    weir_rc rc = region(id, n, &tz);
    z->tz = tz;
    return rc;
}
