/*
 * props.c: the property tables (see props.h) and WITH-clause validation.
 */
#include "planner/props.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/line_source.h"
#include "planner/catalog.h"

#define BOTH (WR_PROP_SOURCE | WR_PROP_SINK)

static const wr_prop_def defs[] = {
    {"FILE", WR_PK_STRING, BOTH,
     "A file to read (JSON lines or CSV) or write instead of a topic."},
    {"FILE_ROLL_BYTES", WR_PK_INT, WR_PROP_SINK,
     "Directory FILE sinks: batches go into one part file until it holds "
     "this many bytes."},
    {"FILE_ROLL_MS", WR_PK_INT, WR_PROP_SINK,
     "Directory FILE sinks: batches go into one part file until it is this "
     "old (ms)."},
    {"FOLLOW", WR_PK_BOOL, WR_PROP_SOURCE,
     "Follow the FILE as it grows, like tail -F (survives rotation)."},
    {"FORMAT", WR_PK_FORMAT, BOTH, "Sets both the key and the value format."},
    {"KAFKA_TOPIC", WR_PK_STRING, BOTH,
     "The Kafka topic that backs the stream or table."},
    {"KAFKA_PARTITIONS", WR_PK_STRING, WR_PROP_SOURCE,
     "Read only these partitions of the topic, e.g. '0,2' (Spark's "
     "Assign)."},
    {"KEY_DELIMITER", WR_PK_STRING, BOTH,
     "Field delimiter of DELIMITED keys: checked, not applied yet (keys "
     "use ',')."},
    {"KEY_FORMAT", WR_PK_FORMAT, BOTH,
     "Serialization format of the record key: KAFKA, JSON, DELIMITED, NONE."},
    {"KEY_SCHEMA_ID", WR_PK_INT, BOTH, "Schema Registry id of the key schema."},
    {"PARTITIONS", WR_PK_INT, BOTH,
     "Number of partitions of the topic (created if missing)."},
    {"REPLICAS", WR_PK_INT, BOTH,
     "Replication factor of the topic (created if missing)."},
    {"PROCESSING_TIME", WR_PK_BOOL, WR_PROP_SOURCE,
     "ROWTIME is the time of the micro-batch that reads the record "
     "(Spark Streaming's batch time), not the record's timestamp."},
    {"QUERY_ID", WR_PK_STRING, WR_PROP_INSERT,
     "The id of the query INSERT INTO starts, instead of INSERTQUERY_<n>: "
     "letters, digits and '_'."},
    {"RETENTION_MS", WR_PK_INT, BOTH, "Retention of the topic in ms."},
    {"SOCKET", WR_PK_STRING, WR_PROP_SOURCE,
     "Read lines from a TCP server at 'host:port' (Spark's "
     "socketTextStream); weir connects and reconnects."},
    {"SQLITE", WR_PK_STRING, WR_PROP_SINK,
     "Write the result into this SQLite database file (exactly once with "
     "a checkpoint)."},
    {"SQLITE_TABLE", WR_PK_STRING, WR_PROP_SINK,
     "The table of the SQLITE database (default: the sink's name); only "
     "with SQLITE."},
    {"TIMESTAMP", WR_PK_STRING, BOTH,
     "Column that holds the event time (BIGINT ms or TIMESTAMP)."},
    {"TIMESTAMP_FORMAT", WR_PK_STRING, BOTH,
     "Pattern for parsing a STRING TIMESTAMP column."},
    {"TOPIC_PATTERN", WR_PK_BOOL, WR_PROP_SOURCE,
     "KAFKA_TOPIC is a regular expression: read every matching topic, "
     "those created later too (Spark's SubscribePattern)."},
    {"VALUE_DELIMITER", WR_PK_STRING, BOTH,
     "Field delimiter of DELIMITED values: one character, TAB or SPACE "
     "(default ',')."},
    {"VALUE_FORMAT", WR_PK_FORMAT, BOTH,
     "Serialization format of the record value: JSON, DELIMITED, KAFKA."},
    {"VALUE_SCHEMA_ID", WR_PK_INT, BOTH,
     "Schema Registry id of the value schema."},
    {"WINDOW_SIZE", WR_PK_STRING, WR_PROP_SOURCE,
     "Size of the windows of a windowed source, e.g. '1 MINUTE'."},
    {"WINDOW_TYPE", WR_PK_STRING, WR_PROP_SOURCE,
     "Window type of a windowed source: TUMBLING, HOPPING or SESSION."},
    {"WRAP_SINGLE_VALUE", WR_PK_BOOL, BOTH,
     "Whether a single value column is wrapped in an object/record."},
    {"ZMQ", WR_PK_STRING, WR_PROP_SOURCE,
     "Read the messages of a ZeroMQ SUB socket connected to this endpoint, "
     "e.g. 'tcp://127.0.0.1:5555'."},
    {"ZMQ_TOPIC", WR_PK_STRING, WR_PROP_SOURCE,
     "The ZeroMQ subscription: only messages starting with this prefix."},
};

#define NDEFS ((int)(sizeof defs / sizeof defs[0]))

int wr_props_count(void)
{
    return NDEFS;
}

const wr_prop_def *wr_props_at(int i)
{
    return i >= 0 && i < NDEFS ? &defs[i] : NULL;
}

static const wr_prop_def *find_def(const char *name)
{
    for (int i = 0; i < NDEFS; i++)
        if (strcasecmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

const wr_prop *wr_props_find(const wr_list *with, const char *name)
{
    for (int i = 0; with && i < with->n; i++) {
        const wr_prop *pr = with->item[i];
        if (strcasecmp(pr->name.name, name) == 0)
            return pr;
    }
    return NULL;
}

const char *wr_props_text(wr_arena *ar, const wr_prop *pr)
{
    const wr_expr *v = pr->value;
    switch (v->kind) {
    case WR_E_STRING:
        return wr_arena_strndup(ar, v->sval, (size_t)v->slen);
    case WR_E_BOOL:
        return v->bval ? "true" : "false";
    case WR_E_NULL:
        return "null";
    default:
        return v->text ? wr_arena_strdup(ar, v->text) : "";
    }
}

static bool is_int_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* The string value of property name in with, or NULL. Borrowed. */
static const char *str_of(const wr_list *with, const char *name)
{
    const wr_prop *pr = wr_props_find(with, name);
    return pr && pr->value->kind == WR_E_STRING ? pr->value->sval : NULL;
}

/* The sources other than Kafka (line_source.h): one of KAFKA_TOPIC/FILE,
 * SOCKET and ZMQ; FOLLOW on a file only; a well-formed SOCKET. */
static weir_rc check_line_source(const wr_list *with, weir_status *st)
{
    static const char *const kinds[] = {"SOCKET", "ZMQ"};
    for (int i = 0; i < 2; i++) {
        const wr_prop *pr = wr_props_find(with, kinds[i]);
        const char *other = wr_props_find(with, "KAFKA_TOPIC") ? "KAFKA_TOPIC"
                            : wr_props_find(with, "FILE")      ? "FILE"
                            : i == 0 && wr_props_find(with, "ZMQ") ? "ZMQ"
                                                                   : NULL;
        if (pr && other)
            return weir_status_set(st, WEIR_E_BIND, pr->name.loc,
                                   "%s cannot be combined with %s: a source "
                                   "reads one of KAFKA_TOPIC, FILE, SOCKET "
                                   "and ZMQ",
                                   kinds[i], other);
    }
    const wr_prop *sock = wr_props_find(with, "SOCKET");
    char host[256], port[8];
    if (sock && sock->value->kind == WR_E_STRING &&
        !wr_lsource_hostport(sock->value->sval, host, sizeof host, port,
                             sizeof port))
        return weir_status_set(st, WEIR_E_BIND, sock->value->loc,
                               "Invalid value for SOCKET: expected "
                               "'host:port' with a port from 1 to 65535");
    const wr_prop *zmq = wr_props_find(with, "ZMQ");
    if (zmq && zmq->value->kind == WR_E_STRING &&
        !strstr(zmq->value->sval, "://"))
        return weir_status_set(st, WEIR_E_BIND, zmq->value->loc,
                               "Invalid value for ZMQ: expected an "
                               "endpoint such as 'tcp://127.0.0.1:5555'");
    const wr_prop *zt = wr_props_find(with, "ZMQ_TOPIC");
    if (zt && !zmq)
        return weir_status_set(st, WEIR_E_BIND, zt->name.loc,
                               "ZMQ_TOPIC applies to ZMQ sources only");
    const wr_prop *fo = wr_props_find(with, "FOLLOW");
    if (fo) {
        const char *file = str_of(with, "FILE");
        size_t fl = file ? strlen(file) : 0;
        if (!file)
            return weir_status_set(st, WEIR_E_BIND, fo->name.loc,
                                   "FOLLOW applies to FILE sources only");
        if (!strcmp(file, "-"))
            return weir_status_set(st, WEIR_E_BIND, fo->name.loc,
                                   "FOLLOW does not apply to standard input "
                                   "(FILE='-'): it is read as it comes");
        if (fl && file[fl - 1] == '/')
            return weir_status_set(st, WEIR_E_BIND, fo->name.loc,
                                   "FOLLOW does not apply to a directory "
                                   "(FILE='%s'): its new files are read as "
                                   "they come",
                                   file);
    }
    return WEIR_OK;
}

/* The names of the delimiters that are not printable (ksqlDB's, which
 * compares them case-sensitively; weir also takes 'tab' and 'space'). */
static bool delim_name(const char *v, size_t n, char *d)
{
    if (n == 3 && !strncasecmp(v, "TAB", 3))
        *d = '\t';
    else if (n == 5 && !strncasecmp(v, "SPACE", 5))
        *d = ' ';
    else
        return false;
    return true;
}

char wr_props_delimiter(const char *v)
{
    char d = ',';
    if (v && !delim_name(v, strlen(v), &d) && *v)
        d = v[0];
    return d;
}

/* KEY_DELIMITER / VALUE_DELIMITER: one (ASCII) character, or TAB or
 * SPACE, in ksqlDB's words ("Configuration X is invalid: ..."). */
static weir_rc check_delimiter(const wr_prop *pr, const char *name,
                               weir_status *st)
{
    const wr_expr *v = pr->value;
    const char *s = v->sval;
    size_t n = (size_t)v->slen;
    char d;
    bool blank = true; /* Java's trim(): nothing above ' ' */
    for (size_t i = 0; i < n && blank; i++)
        blank = (unsigned char)s[i] <= ' ';
    if (blank)
        return weir_status_set(st, WEIR_E_BIND, v->loc,
                               "Configuration %s is invalid: Delimiter cannot "
                               "be empty, if you meant to have a tab or space "
                               "for delimiter, please use the special values "
                               "'TAB' or 'SPACE'. Example valid value: ';'",
                               name);
    if (delim_name(s, n, &d))
        return WEIR_OK;
    if (n == 1 && s[0] == '"')
        return weir_status_set(st, WEIR_E_BIND, v->loc,
                               "Configuration %s is invalid: the quote "
                               "character '\"' cannot be the delimiter",
                               name);
    if (n == 1 && (unsigned char)s[0] < 0x80)
        return WEIR_OK;
    int shown = n > 40 ? 40 : (int)n;
    if ((unsigned char)s[0] >= 0xC0 && n <= 4) { /* one UTF-8 character? */
        size_t k = 1;
        while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
            k++;
        if (k == n)
            return weir_status_set(st, WEIR_E_BIND, v->loc,
                                   "Configuration %s is invalid: Invalid "
                                   "delimiter value: '%.*s'. weir's "
                                   "delimiters are single ASCII characters, "
                                   "or TAB,SPACE",
                                   name, shown, s);
    }
    return weir_status_set(st, WEIR_E_BIND, v->loc,
                           "Configuration %s is invalid: Invalid delimiter "
                           "value: '%.*s'. Delimiter must be a single "
                           "character or TAB,SPACE. Example valid value: ';'",
                           name, shown, s);
}

/* Properties of sinks that only apply with another one. */
static weir_rc check_sink(const wr_list *with, weir_status *st)
{
    static const struct {
        const char *prop, *needs, *what;
    } deps[] = {{"SQLITE_TABLE", "SQLITE", "SQLITE sinks"},
                {"FILE_ROLL_BYTES", "FILE", "FILE sinks"},
                {"FILE_ROLL_MS", "FILE", "FILE sinks"}};
    for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++) {
        const wr_prop *pr = wr_props_find(with, deps[i].prop);
        if (pr && !wr_props_find(with, deps[i].needs))
            return weir_status_set(st, WEIR_E_BIND, pr->name.loc,
                                   "%s applies to %s only: it needs %s",
                                   deps[i].prop, deps[i].what, deps[i].needs);
    }
    return WEIR_OK;
}

weir_rc wr_props_check_formats(const wr_list *with, wr_format kf, wr_format vf,
                               weir_status *st)
{
    static const char *const names[] = {"KEY_DELIMITER", "VALUE_DELIMITER"};
    for (int i = 0; i < 2; i++) {
        const wr_prop *pr = wr_props_find(with, names[i]);
        wr_format f = i ? vf : kf;
        if (pr && f != WR_FMT_DELIMITED)
            return weir_status_set(
                st, WEIR_E_BIND, pr->name.loc,
                "%s does not support the following configs: [delimiter] (%s "
                "applies to %s only)",
                wr_format_name(f), names[i],
                i ? "VALUE_FORMAT 'DELIMITED'" : "KEY_FORMAT 'DELIMITED'");
    }
    return WEIR_OK;
}

weir_rc wr_props_check(const wr_list *with, unsigned where, weir_status *st)
{
    for (int i = 0; with && i < with->n; i++) {
        const wr_prop *pr = with->item[i];
        const wr_prop_def *d = find_def(pr->name.name);
        if (!d || !(d->where & where))
            return weir_status_set(st, WEIR_E_BIND, pr->name.loc,
                                   "Invalid config variable(s) in the WITH "
                                   "clause: %s",
                                   pr->name.name);
        for (int j = 0; j < i; j++) {
            const wr_prop *o = with->item[j];
            if (strcasecmp(o->name.name, pr->name.name) == 0)
                return weir_status_set(st, WEIR_E_BIND, pr->name.loc,
                                       "Duplicate property %s in the WITH "
                                       "clause",
                                       d->name);
        }
        const wr_expr *v = pr->value;
        const char *text = v->kind == WR_E_STRING ? v->sval : v->text;
        switch (d->kind) {
        case WR_PK_INT:
            if (!text || !is_int_text(text) || atoll(text) < 0 ||
                strlen(text) > 10)
                return weir_status_set(st, WEIR_E_BIND, v->loc,
                                       "Invalid value for %s: expected a "
                                       "non-negative integer",
                                       d->name);
            break;
        case WR_PK_BOOL:
            if (!(v->kind == WR_E_BOOL ||
                  (v->kind == WR_E_STRING && (!strcasecmp(v->sval, "true") ||
                                              !strcasecmp(v->sval, "false")))))
                return weir_status_set(st, WEIR_E_BIND, v->loc,
                                       "Invalid value for %s: expected true "
                                       "or false",
                                       d->name);
            break;
        case WR_PK_FORMAT:
            if (v->kind != WR_E_STRING ||
                wr_format_by_name(v->sval) == WR_FMT_COUNT)
                return weir_status_set(st, WEIR_E_BIND, v->loc,
                                       "Unknown format for %s: expected "
                                       "JSON, DELIMITED, KAFKA or NONE",
                                       d->name);
            break;
        case WR_PK_STRING:
            if (v->kind != WR_E_STRING)
                return weir_status_set(st, WEIR_E_BIND, v->loc,
                                       "Invalid value for %s: expected a "
                                       "string literal",
                                       d->name);
            if (strstr(d->name, "_DELIMITER")) {
                weir_rc rc = check_delimiter(pr, d->name, st);
                if (rc != WEIR_OK)
                    return rc;
            }
            break;
        }
    }
    if (where & WR_PROP_SINK) {
        weir_rc rc = check_sink(with, st);
        if (rc != WEIR_OK)
            return rc;
    }
    return where & WR_PROP_SOURCE ? check_line_source(with, st) : WEIR_OK;
}

/* Session properties weir itself understands. */
static const char *const session_keys[] = {
    "auto.offset.reset",
    "backpressure.enabled",
    "backpressure.initial.rate",
    "backpressure.pid.derived",
    "backpressure.pid.integral",
    "backpressure.pid.min.rate",
    "backpressure.pid.proportional",
    "batch.interval",
    "cache.max.bytes.buffering",
    "checkpoint.dir",
    "checkpoint.interval",
    "delivery.mode",
    "commit.interval.ms",
    "error.dead.letter.file",
    "error.dead.letter.topic",
    "error.policy",
    "idle.timeout",
    "metrics.file",
    "processing.guarantee",
    "processing.time",
    "threads",
};

const char *wr_props_session_key(int i)
{
    return i >= 0 && i < (int)(sizeof session_keys / sizeof session_keys[0])
               ? session_keys[i]
               : NULL;
}

bool wr_props_session_known(const char *key)
{
    if (strncmp(key, "kafka.", 6) == 0 && key[6])
        return true;
    if (strncmp(key, "ksql.", 5) == 0 && key[5])
        return true;
    for (size_t i = 0; i < sizeof session_keys / sizeof session_keys[0]; i++)
        if (strcmp(session_keys[i], key) == 0)
            return true;
    return false;
}

int64_t wr_props_duration_ms(const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || d < 0 || d > 9.2e15)
        return -1;
    while (*end == ' ')
        end++;
    static const struct {
        const char *word;
        double ms;
    } units[] = {{"", 1},
                 {"ms", 1},
                 {"millisecond", 1},
                 {"milliseconds", 1},
                 {"s", 1000},
                 {"sec", 1000},
                 {"second", 1000},
                 {"seconds", 1000},
                 {"m", 60000},
                 {"min", 60000},
                 {"minute", 60000},
                 {"minutes", 60000},
                 {"h", 3600000},
                 {"hour", 3600000},
                 {"hours", 3600000}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(end, units[i].word))
            return (int64_t)(d * units[i].ms);
    return -1;
}

static bool one_of(const char *v, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(v, words[i]))
            return true;
    return false;
}

bool wr_props_session_value_ok(const char *key, const char *value, char *why,
                               size_t n)
{
    static const char *const bools[] = {"true", "false"};
    static const char *const resets[] = {"earliest", "latest", "none"};
    static const char *const guarantees[] = {"at_least_once", "exactly_once",
                                             "exactly_once_v2"};
    static const char *const policies[] = {"skip", "stop", "dead_letter"};
    if (!strcmp(key, "batch.interval") || !strcmp(key, "idle.timeout") ||
        !strcmp(key, "checkpoint.interval")) {
        if (wr_props_duration_ms(value) < 0) {
            snprintf(why, n, "expected a duration such as '3s' or '500ms'");
            return false;
        }
        return true;
    }
    if (!strcmp(key, "threads") || !strcmp(key, "commit.interval.ms") ||
        !strcmp(key, "cache.max.bytes.buffering") ||
        !strcmp(key, "backpressure.initial.rate")) {
        bool ok = is_int_text(value) && value[0] != '-';
        if (ok && !strcmp(key, "threads"))
            ok = atoll(value) >= 1 && atoll(value) <= 1024;
        if (!ok) {
            snprintf(why, n, "expected %s",
                     !strcmp(key, "threads") ? "a count from 1 to 1024"
                                             : "a non-negative integer");
            return false;
        }
        return true;
    }
    if ((!strcmp(key, "backpressure.enabled") ||
         !strcmp(key, "processing.time")) &&
        !one_of(value, bools, 2)) {
        snprintf(why, n, "expected true or false");
        return false;
    }
    if (!strcmp(key, "auto.offset.reset") && !one_of(value, resets, 3)) {
        snprintf(why, n, "expected earliest, latest or none");
        return false;
    }
    if (!strcmp(key, "processing.guarantee") && !one_of(value, guarantees, 3)) {
        snprintf(why, n, "expected at_least_once or exactly_once");
        return false;
    }
    if (!strcmp(key, "error.policy") && !one_of(value, policies, 3)) {
        snprintf(why, n, "expected skip, stop or dead_letter");
        return false;
    }
    static const char *const modes[] = {"sync", "async"};
    if (!strcmp(key, "delivery.mode") && !one_of(value, modes, 2)) {
        snprintf(why, n, "expected sync or async");
        return false;
    }
    return true;
}
