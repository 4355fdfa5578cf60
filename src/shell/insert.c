/*
 * insert.c: INSERT INTO ... VALUES (insert.h).
 *
 * Encoding. The statement's values are cast to their columns' types
 * (wr_expr_const over a CAST node, so a value converts exactly as CAST
 * would) into a one-row column per target column, keys first as in the
 * catalog; the record is then encoded as the Sink operator (op_sink.c)
 * encodes a query's output row: the key alone in the key format, several
 * keys as a JSON object or DELIMITED fields, the value columns in the
 * value format with the target's VALUE_DELIMITER, a single value column
 * bare when WRAP_SINGLE_VALUE is false. A null value column is written
 * as null; the record is never a tombstone (as in ksqlDB).
 *
 * Writing (weir run, the shell). A Kafka target gets the record through a
 * producer of its own, opened for the statement with the session's
 * kafka.* properties (wr_kafka_conf), waited for and closed: the record
 * is in the topic, or the statement failed, when the call returns. Its
 * partition is the one a query's sink would choose (murmur2 of the key).
 * A FILE target gets the encoded value appended as one line with one
 * write(2), after a newline when the file ends in a partial line; the
 * key columns are not written (a file source reads values only, its key
 * columns are NULL). Sockets, ZeroMQ, standard input, directories and
 * SQLite tables are refused.
 *
 * Memory: the row's columns live in the caller's arena; the encoded key
 * and value in the wr_insert's buffers.
 */
#include "shell/insert.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/kafka.h"
#include "formats/format.h"
#include "planner/props.h"
#include "shell/shell.h"

/* VALUE_DELIMITER of src (borrowed), as the planner reads it. */
static char value_delim(const wr_source *src)
{
    return wr_props_delimiter(wr_source_prop(src, "VALUE_DELIMITER"));
}

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

weir_rc wr_insert_encode(wr_insert *ins, const wr_catalog *cat,
                         const wr_stmt *ast, int64_t ts, wr_arena *ar,
                         weir_status *st)
{
    memset(ins, 0, sizeof *ins);
    ins->key = (wr_buf)WR_BUF_INIT;
    ins->value = (wr_buf)WR_BUF_INIT;
    const wr_source *dst = wr_catalog_get(cat, ast->name.name);
    if (!dst)
        return weir_status_set(st, WEIR_E_CATALOG, ast->name.loc,
                               "%s does not exist.", ast->name.name);
    ins->dst = dst;
    int nkeys = 0;
    for (int i = 0; i < dst->ncols; i++)
        nkeys += dst->cols[i].key;
    if (dst->value_format != WR_FMT_JSON &&
        dst->value_format != WR_FMT_DELIMITED)
        return weir_status_set(st, WEIR_E_UNSUPPORTED, ast->name.loc,
                               "INSERT VALUES into %s: VALUE_FORMAT %s is not "
                               "supported yet (JSON and DELIMITED are)",
                               dst->name, wr_format_name(dst->value_format));
    if (nkeys > 1 && dst->key_format != WR_FMT_JSON &&
        dst->key_format != WR_FMT_DELIMITED)
        return weir_status_set(st, WEIR_E_UNSUPPORTED, ast->name.loc,
                               "INSERT VALUES into %s: %d key columns in "
                               "KEY_FORMAT %s: multi-column keys are JSON or "
                               "DELIMITED",
                               dst->name, nkeys,
                               wr_format_name(dst->key_format));
    if (dst->window.kind)
        return weir_status_set(st, WEIR_E_UNSUPPORTED, ast->name.loc,
                               "INSERT VALUES into %s: inserting into a "
                               "windowed %s is not supported",
                               dst->name, dst->table ? "table" : "stream");
    wr_col *cols = wr_arena_zalloc(ar, sizeof(wr_col) * (size_t)dst->ncols);
    const char **names =
        wr_arena_zalloc(ar, sizeof(char *) * (size_t)(dst->ncols + 1));
    const wr_type **types =
        wr_arena_zalloc(ar, sizeof(wr_type *) * (size_t)(dst->ncols + 1));
    if (!cols || !names || !types)
        return nomem(st);
    for (int c = 0; c < dst->ncols; c++) {
        names[c] = dst->cols[c].name;
        types[c] = dst->cols[c].type;
        if (!wr_col_init(&cols[c], ar, types[c], 1))
            return nomem(st);
    }
    int nv = ast->values ? ast->values->n : 0;
    for (int i = 0; i < nv; i++) {
        wr_expr *v = ast->values->item[i];
        const char *cname = ast->cols ? ((wr_ident *)ast->cols->item[i])->name
                                      : dst->cols[i].name;
        int c = -1;
        for (int j = 0; j < dst->ncols; j++)
            if (!strcmp(dst->cols[j].name, cname))
                c = j;
        const wr_type *ct =
            c >= 0 ? types[c] : wr_type_prim(WR_T_BIGINT); /* ROWTIME */
        /* The value, cast to its column's type. */
        wr_expr cast;
        memset(&cast, 0, sizeof cast);
        cast.kind = WR_E_CAST;
        cast.a = v;
        cast.type = ct;
        cast.loc = v->loc;
        cast.height = v->height + 1;
        wr_datum d;
        weir_rc rc = wr_expr_const(ar, &cast, &d, st);
        if (rc != WEIR_OK) {
            if (st && st->loc.off < 0)
                st->loc = v->loc;
            return rc;
        }
        if (c >= 0)
            wr_col_put(&cols[c], 0, &d);
        else if (!d.null)
            ts = d.u.i64;
    }
    /* ksqlDB: a table's row needs its key (a null key cannot be a row). */
    for (int c = 0; dst->table && c < nkeys; c++)
        if (wr_col_is_null(&cols[c], 0))
            return weir_status_set(st, WEIR_E_BIND, ast->loc,
                                   "Failed to insert values into '%s'. Value "
                                   "for primary key column(s) %s is "
                                   "required for tables",
                                   dst->name, names[c]);
    /* The sink of a query writing the target. */
    wr_psink *sk = &ins->plan.sink;
    sk->name = dst->name;
    sk->topic = dst->topic;
    sk->key_format = nkeys ? dst->key_format : WR_FMT_NONE;
    sk->value_format = dst->value_format;
    sk->delim = value_delim(dst);
    sk->ncols = dst->ncols;
    sk->nkeys = nkeys;
    sk->names = names;
    sk->types = types;
    sk->ts_col = -1;
    sk->table = dst->table;
    const char *wrap = wr_source_prop(dst, "WRAP_SINGLE_VALUE");
    sk->unwrap = wrap && !strcasecmp(wrap, "false") &&
                 sk->value_format == WR_FMT_JSON && dst->ncols - nkeys == 1;
    ins->file = wr_source_prop(dst, "FILE");
    if (ins->file)
        sk->file_sink = true;
    /* Encoded as the Sink operator encodes a row. */
    wr_out *o = &ins->out;
    if (!wr_sink_encode(sk, cols, 0, false, &ins->key, &ins->value, o))
        return nomem(st);
    o->ts = ts;
    o->cols = cols;
    o->row = 0;
    return WEIR_OK;
}

void wr_insert_fini(wr_insert *ins)
{
    wr_buf_fini(&ins->key);
    wr_buf_fini(&ins->value);
}

/* Appends the value of ins's record (borrowed) to the target's FILE as
 * one line, creating the file. Returns WEIR_OK, or an error with st set:
 * at `at` when the FILE is not a file, else without a position. */
static weir_rc write_file(const wr_insert *ins, weir_loc at, weir_status *st)
{
    const char *path = ins->file;
    struct stat sb;
    size_t pl = strlen(path);
    if (!strcmp(path, "-") || (pl && path[pl - 1] == '/') ||
        (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return weir_status_set(st, WEIR_E_UNSUPPORTED, at,
                               "INSERT VALUES into %s: FILE '%s' is %s, not "
                               "a file (INSERT VALUES appends to a file)",
                               ins->dst->name, path,
                               *path == '-' ? "standard input" : "a directory");
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "Failed to insert values into '%s': %s: %s",
                               ins->dst->name, path, strerror(errno));
    /* A last line without its newline ends before ours. */
    char last = '\n';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end > 0 && pread(fd, &last, 1, end - 1) != 1)
        last = '\n';
    wr_buf line = WR_BUF_INIT;
    if (last != '\n')
        wr_buf_putc(&line, '\n');
    wr_buf_putn(&line, ins->out.value, (size_t)ins->out.vlen);
    wr_buf_putc(&line, '\n');
    weir_rc rc = WEIR_OK;
    if (line.oom) {
        rc = nomem(st);
    } else {
        ssize_t n = write(fd, line.s, line.len);
        if (n < 0 || (size_t)n != line.len)
            rc = weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                 "Failed to insert values into '%s': %s: %s",
                                 ins->dst->name, path,
                                 n < 0 ? strerror(errno) : "short write");
    }
    if (close(fd) != 0 && rc == WEIR_OK)
        rc = weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                             "Failed to insert values into '%s': %s: %s",
                             ins->dst->name, path, strerror(errno));
    wr_buf_fini(&line);
    return rc;
}

/* Produces the record of ins to the target's topic of the session's
 * Kafka (cat: the session) through a producer of its own, and waits for
 * its delivery report (or *intr, may be NULL). Borrows everything.
 * Returns WEIR_OK, or an error without a position with st set. */
static weir_rc write_kafka(const wr_catalog *cat, const wr_insert *ins,
                           volatile int *intr, weir_status *st)
{
    const wr_source *dst = ins->dst;
    const char *bs = wr_catalog_get_prop(cat, "kafka.bootstrap.servers");
    if (!bs || !strcasecmp(bs, "embedded")) {
        /* The embedded broker creates the topic as a query would, with
         * the target's PARTITIONS. */
        wr_kbroker *b = wr_kbroker_embedded(st);
        if (!b || wr_kbroker_topic(b, dst->topic,
                                   dst->partitions ? dst->partitions : 1,
                                   st) != WEIR_OK)
            return st ? st->code : WEIR_E_IO;
    }
    rd_kafka_conf_t *conf = wr_kafka_conf(cat, true, st);
    if (!conf)
        return st ? st->code : WEIR_E_BIND;
    wr_ksink *k = wr_ksink_open(conf, dst->topic, st);
    if (!k)
        return st ? st->code : WEIR_E_IO;
    wr_ksink_set_interrupt(k, intr);
    weir_rc rc = wr_ksink_put(k, &ins->out, st);
    if (rc == WEIR_OK)
        rc = wr_ksink_flush_once(k, st);
    wr_ksink_close(k);
    if (rc != WEIR_OK && st) {
        char why[sizeof st->msg];
        bool retriable = st->retriable;
        snprintf(why, sizeof why, "%s", st->msg);
        weir_status_set(st, rc, WEIR_NOLOC,
                        "Failed to insert values into '%s': %s", dst->name,
                        why);
        st->retriable = retriable;
    }
    return rc;
}

weir_rc wr_insert_run(weir_engine *e, const weir_stmt *s, volatile int *intr,
                      weir_status *st)
{
    const wr_stmt *ast = wr_stmt_ast(s);
    const wr_catalog *cat = wr_engine_catalog(e);
    wr_arena *ar = wr_arena_new(0);
    if (!ar) {
        weir_rc rc = nomem(st);
        if (st)
            st->loc = ast->loc;
        return rc;
    }
    wr_insert ins;
    weir_rc rc = wr_insert_encode(&ins, cat, ast, wr_shell_epoch_ms(), ar, st);
    if (rc == WEIR_OK) {
        const wr_source *dst = ins.dst;
        const char *other = wr_source_prop(dst, "SOCKET")   ? "SOCKET"
                            : wr_source_prop(dst, "ZMQ")    ? "ZMQ"
                            : wr_source_prop(dst, "SQLITE") ? "SQLITE"
                                                            : NULL;
        if (other)
            rc = weir_status_set(st, WEIR_E_UNSUPPORTED, ast->name.loc,
                                 "INSERT VALUES into %s: a %s %s cannot be "
                                 "written (Kafka topics and files can)",
                                 dst->name, other,
                                 dst->table ? "table" : "stream");
        else if (ins.file)
            rc = write_file(&ins, ast->name.loc, st);
        else if (!dst->topic)
            rc = weir_status_set(st, WEIR_E_UNSUPPORTED, ast->name.loc,
                                 "INSERT VALUES into %s: it has no Kafka "
                                 "topic and no FILE",
                                 dst->name);
        else
            rc = write_kafka(cat, &ins, intr, st);
    }
    if (rc != WEIR_OK && st && st->loc.off < 0)
        st->loc = ast->loc;
    wr_insert_fini(&ins);
    wr_arena_free(ar);
    return rc;
}
