/*
 * file_source.c: a file read once, or followed as it grows (FOLLOW=true,
 * `tail -F`): see file_source.h and line_source.h.
 *
 * Each batch is planned before it is read: from = pos, until = the file's
 * size now (capped by max_bytes and, with stop_at_end, by the size at
 * open); the range is read with pread into the source's buffer and cut
 * back to its last complete line. A followed file's partial last line
 * waits for its newline; a file read once ends with it.
 *
 * Rotation of a followed file: before planning, the path is stat()ed. When
 * it names another inode (the file was renamed away and a new one
 * created), the old file is drained to its end (its last line is then
 * complete) and the new one opened from its start. When the file became
 * shorter than pos (truncated in place), it is read again from its start.
 * Both leave a notice.
 *
 * Position: "file INODE OFFSET LINE", the next byte and line to read.
 */
#include "connectors/file_source.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/arena.h"
#include "connectors/line_source_int.h"

typedef struct file_src {
    wr_lsource head; /* first: the common part */
    int fd;          /* the open file */
    char *path;      /* its path, for messages and ROWTOPIC */
    dev_t dev;       /* and identity: a rotation changes it */
    ino_t ino;
    int64_t pos;   /* byte offset where the next batch starts */
    int64_t line;  /* line number of the next line (from 1) */
    int64_t seq;   /* records handed out */
    int64_t size;  /* the size seen by the last batch */
    int64_t limit; /* stop_at_end: the size at open, else -1 */
    bool follow;   /* FOLLOW=true */
    bool eof;      /* read once: the whole file has been read */
    bool dry;      /* the last batch read nothing */
    char *buf;     /* the current slice */
    size_t cap;
} file_src;

static weir_rc io_error(weir_status *st, const char *path)
{
    return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s", path,
                           strerror(errno));
}

/* (Re)opens f->path from its start. */
static weir_rc reopen(file_src *f, weir_status *st)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0)
        return io_error(st, f->path);
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return io_error(st, f->path);
    }
    if (f->fd >= 0)
        close(f->fd);
    f->fd = fd;
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    f->pos = 0;
    f->line = 1;
    f->size = (int64_t)sb.st_size;
    return WEIR_OK;
}

static weir_rc file_next(wr_lsource *s, size_t max_bytes, int *n,
                         weir_status *st)
{
    file_src *f = (file_src *)s;
    struct stat sb;
    if (f->eof)
        return WEIR_OK;
    for (;;) {
        if (fstat(f->fd, &sb) != 0)
            return io_error(st, f->path);
        int64_t size = (int64_t)sb.st_size;
        bool rotated = false;
        if (f->follow) {
            struct stat now;
            if (stat(f->path, &now) == 0 &&
                (now.st_ino != f->ino || now.st_dev != f->dev))
                rotated = true;
            if (size < f->pos) {
                wr_lsource_say(s,
                               "%s was truncated (size %" PRId64
                               " < offset %" PRId64 "): reading it from its "
                               "start",
                               f->path, size, f->pos);
                f->pos = 0;
                f->line = 1;
            }
        }
        f->size = size;
        /* Plan the slice [from, until). */
        int64_t end = size;
        if (f->limit >= 0 && end > f->limit && !rotated)
            end = f->limit;
        int64_t until = end;
        if (max_bytes && (int64_t)max_bytes < until - f->pos)
            until = f->pos + (int64_t)max_bytes;
        if (until <= f->pos) {
            if (rotated) {
                ino_t old = f->ino;
                weir_rc rc = reopen(f, st);
                if (rc != WEIR_OK)
                    return rc;
                wr_lsource_say(s,
                               "%s was rotated (inode %ju, now %ju): reading "
                               "the new file from its start",
                               f->path, (uintmax_t)old, (uintmax_t)f->ino);
                f->limit = -1; /* a new file: nothing of it was there */
                continue;
            }
            f->dry = true;
            f->eof = !f->follow;
            return WEIR_OK;
        }
        size_t want = (size_t)(until - f->pos);
        if (want + 1 > f->cap) {
            char *nb = realloc(f->buf, want + 1);
            if (!nb)
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            f->buf = nb;
            f->cap = want + 1;
        }
        size_t got = 0;
        while (got < want) {
            ssize_t r = pread(f->fd, f->buf + got, want - got,
                              (off_t)(f->pos + (int64_t)got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return io_error(st, f->path);
            if (r == 0)
                break; /* truncated meanwhile: the next batch sees it */
            got += (size_t)r;
        }
        /* The end of a file read once, or of a rotated file, ends the
         * last line; otherwise only complete lines are taken. */
        bool final = got == want && until == size && (!f->follow || rotated);
        size_t len = final ? got : wr_lsource_complete(f->buf, got);
        if (len == 0 && until < end && got == want)
            len = got; /* a line longer than max_bytes: take it whole */
        f->buf[len] = '\0';
        int k = 0;
        weir_rc rc = wr_lsource_split(s, f->buf, len, f->path, &f->line,
                                      &f->seq, &k, st);
        if (rc != WEIR_OK)
            return rc;
        f->pos += (int64_t)len;
        *n = k;
        f->dry = len == 0;
        if (!f->follow && f->pos >= size)
            f->eof = k == 0;
        /* Empty lines only: read on (a batch of none means the end). */
        if (k == 0 && len > 0)
            continue;
        return WEIR_OK;
    }
}

static bool file_at_end(const wr_lsource *s)
{
    const file_src *f = (const file_src *)s;
    return !f->follow && f->eof;
}

static bool file_caught_up(const wr_lsource *s)
{
    const file_src *f = (const file_src *)s;
    if (!f->follow)
        return f->eof;
    return f->dry || (f->limit >= 0 && f->pos >= f->limit);
}

static bool file_position(const wr_lsource *s, wr_buf *b)
{
    const file_src *f = (const file_src *)s;
    wr_buf_printf(b, "file %ju %" PRId64 " %" PRId64, (uintmax_t)f->ino, f->pos,
                  f->line);
    return true;
}

static weir_rc file_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    file_src *f = (file_src *)s;
    uintmax_t ino;
    long long off, line;
    int used = 0;
    if (sscanf(pos, "file %ju %lld %lld%n", &ino, &off, &line, &used) != 3 ||
        pos[used] != '\0' || off < 0 || line < 1)
        return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                               "%s: '%s' is not a file position", f->path, pos);
    struct stat sb;
    if (fstat(f->fd, &sb) != 0)
        return io_error(st, f->path);
    if ((uintmax_t)sb.st_ino != ino) {
        wr_lsource_say(s,
                       "%s is another file than at the checkpoint (inode "
                       "%ju, was %ju): reading it from its start",
                       f->path, (uintmax_t)sb.st_ino, ino);
        f->pos = 0;
        f->line = 1;
    } else if ((int64_t)sb.st_size < off) {
        wr_lsource_say(s,
                       "%s is shorter than at the checkpoint (%jd < %lld "
                       "bytes): reading it from its start",
                       f->path, (intmax_t)sb.st_size, off);
        f->pos = 0;
        f->line = 1;
    } else {
        f->pos = off;
        f->line = line;
    }
    f->eof = false;
    f->dry = false;
    return WEIR_OK;
}

/* Reads again the bytes between positions before and after: restores
 * before, then reads up to after's offset (a batch that read nothing but
 * found the end reads nothing again and finds it again). */
static weir_rc file_replay(wr_lsource *s, const char *before, const char *after,
                           int *n, weir_status *st)
{
    file_src *f = (file_src *)s;
    uintmax_t ino;
    long long off, line;
    if (sscanf(after, "file %ju %lld %lld", &ino, &off, &line) != 3)
        return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                               "%s: '%s' is not a file position", f->path,
                               after);
    weir_rc rc = file_restore(s, before, st);
    if (rc != WEIR_OK)
        return rc;
    return file_next(s, off > f->pos ? (size_t)(off - f->pos) : 1, n, st);
}

static void file_close(wr_lsource *s)
{
    file_src *f = (file_src *)s;
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f->buf);
}

static const wr_lsource_ops file_ops = {
    "file",        file_next,    file_at_end, file_caught_up,
    file_position, file_restore, file_close,  file_replay,
};

static const wr_lsource_ops follow_ops = {
    "follow",      file_next,    file_at_end, file_caught_up,
    file_position, file_restore, file_close,  file_replay,
};

wr_lsource *wr_file_lsource_open(const char *path, bool follow,
                                 bool stop_at_end, weir_status *st)
{
    file_src *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    f->head.ops = follow ? &follow_ops : &file_ops;
    f->fd = -1;
    f->follow = follow;
    if (reopen(f, st) != WEIR_OK) {
        free(f->path);
        free(f);
        return NULL;
    }
    f->limit = stop_at_end ? f->size : -1;
    return &f->head;
}

/* ---- the read-once API of `weir run` (cmd_run.c) ----------------------
 */

struct wr_file_source {
    wr_lsource *s;
};

wr_file_source *wr_file_source_open(const char *path, weir_status *st)
{
    wr_file_source *f = wr_malloc(sizeof *f);
    if (!f) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    f->s = wr_file_lsource_open(path, false, false, st);
    if (!f->s) {
        wr_free(f);
        return NULL;
    }
    return f;
}

void wr_file_source_close(wr_file_source *f)
{
    if (!f)
        return;
    wr_lsource_close(f->s);
    wr_free(f);
}

weir_rc wr_file_source_next(wr_file_source *f, size_t max_bytes,
                            const wr_record **recs, int *n, weir_status *st)
{
    return wr_lsource_next(f->s, max_bytes, recs, n, st);
}
