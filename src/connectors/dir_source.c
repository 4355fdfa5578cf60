/*
 * dir_source.c: a directory watched for new files (FILE='dir/', Spark's
 * textFileStream): every new file is read exactly once, line by line.
 *
 * Each batch scans the directory. A file is a candidate unless its name
 * starts with '.' or '_' (files being written by tools that rename them
 * into place) or holds a newline, it is not a regular file, or it is done.
 * A candidate is ready once it has the same size, mtime and inode as in
 * the previous scan and its mtime is settle_ms in the past: a file still
 * being written waits; a file renamed into place is ready at the next scan.
 * Ready files are read in name order, the file in progress first; one
 * batch plans the byte slices of as many of them as fit in max_bytes, then
 * reads them into one buffer.
 *
 * Which files are done is the source's position:
 *   "dir\n" ["cur OFFSET LINE NAME\n"] {"done NAME\n"}
 * (done names sorted). Names of files that left the directory are dropped
 * from the done list at each scan, so it stays as long as the directory.
 * With stop_at_end (--until-caught-up) only the files listed at open are
 * read; the source is caught up when all of them are done.
 *
 * Memory: the done list, the scan lists and the batch buffer are owned by
 * the source; each name is allocated once per file, not per record.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/line_source_int.h"

typedef struct seen {
    char *name;       /* owned */
    int64_t size;     /* at the scan */
    int64_t mtime_ns; /* at the scan */
    ino_t ino;
    bool ready; /* ready to read (see the file comment) */
} seen;

typedef struct names {
    char **v; /* owned strings, sorted */
    int n, cap;
} names;

typedef struct dir_src {
    wr_lsource head; /* first: the common part */
    char *dir;       /* the directory, without trailing '/' */
    int64_t settle;  /* ms a file's mtime must be in the past */
    names done;      /* files read to their end */
    bool has_start;  /* stop_at_end: only the files of `start` */
    names start;     /* the listing at open */
    seen *seen;      /* candidates of the last scan, sorted by name */
    int nseen, cseen;
    char *cur;        /* the file in progress (read in part), or NULL */
    int64_t cur_off;  /* its next byte */
    int64_t cur_line; /* its next line */
    int64_t seq;      /* records handed out */
    bool dry;         /* the last batch read nothing */
    char *buf;        /* the batch's slices */
    size_t cap;
    char **paths; /* "dir/name" of the files of the batch (ROWTOPIC) */
    int npaths, cpaths;
    /* Replaying a recorded batch (dir_replay): only these files, ready
     * whatever their age, and `only_cur` up to only_cur_until. */
    bool replay;
    names only;
    char *only_cur;
    int64_t only_cur_until;
} dir_src;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_seen(const void *a, const void *b)
{
    return strcmp(((const seen *)a)->name, ((const seen *)b)->name);
}

static bool names_has(const names *ns, const char *name)
{
    return ns->n &&
           bsearch(&name, ns->v, (size_t)ns->n, sizeof *ns->v, cmp_str) != NULL;
}

/* Inserts a copy of name, keeping ns sorted. */
static bool names_add(names *ns, const char *name)
{
    if (names_has(ns, name))
        return true;
    if (ns->n == ns->cap) {
        int nc = ns->cap ? ns->cap * 2 : 16;
        char **nv = realloc(ns->v, sizeof *nv * (size_t)nc);
        if (!nv)
            return false;
        ns->v = nv;
        ns->cap = nc;
    }
    char *c = strdup(name);
    if (!c)
        return false;
    int i = ns->n;
    while (i > 0 && strcmp(ns->v[i - 1], name) > 0) {
        ns->v[i] = ns->v[i - 1];
        i--;
    }
    ns->v[i] = c;
    ns->n++;
    return true;
}

static void names_fini(names *ns)
{
    for (int i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
    memset(ns, 0, sizeof *ns);
}

static void free_seen(dir_src *d)
{
    for (int i = 0; i < d->nseen; i++)
        free(d->seen[i].name);
    d->nseen = 0;
}

static const seen *find_seen(const dir_src *d, const char *name)
{
    seen key = {(char *)name, 0, 0, 0, false};
    return d->nseen
               ? bsearch(&key, d->seen, (size_t)d->nseen, sizeof key, cmp_seen)
               : NULL;
}

static weir_rc oom(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

/* Lists the directory into d->seen (marking which files are ready), and
 * drops from the done list the names no longer there. */
static weir_rc scan(dir_src *d, weir_status *st)
{
    DIR *dp = opendir(d->dir);
    if (!dp)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s", d->dir,
                               strerror(errno));
    seen *now = NULL;
    int n = 0, cap = 0;
    names present = {0};
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t now_ns = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec;
    weir_rc rc = WEIR_OK;
    char path[4096];
    for (struct dirent *de; rc == WEIR_OK && (de = readdir(dp)) != NULL;) {
        const char *nm = de->d_name;
        if (nm[0] == '.' || nm[0] == '_' || strchr(nm, '\n'))
            continue;
        snprintf(path, sizeof path, "%s/%s", d->dir, nm);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (names_has(&d->done, nm)) {
            if (!names_add(&present, nm))
                rc = oom(st);
            continue;
        }
        if (d->has_start && !names_has(&d->start, nm))
            continue;
        if (d->replay && !names_has(&d->only, nm))
            continue;
        if (n == cap) {
            int nc = cap ? cap * 2 : 16;
            seen *ns = realloc(now, sizeof *ns * (size_t)nc);
            if (!ns) {
                rc = oom(st);
                break;
            }
            now = ns;
            cap = nc;
        }
        seen *e = &now[n];
        e->name = strdup(nm);
        if (!e->name) {
            rc = oom(st);
            break;
        }
        n++;
        e->size = (int64_t)sb.st_size;
        e->mtime_ns =
            (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
        e->ino = sb.st_ino;
        const seen *prev = find_seen(d, nm);
        e->ready =
            prev && prev->size == e->size && prev->mtime_ns == e->mtime_ns &&
            prev->ino == e->ino &&
            (d->settle < 0 || now_ns - e->mtime_ns >= d->settle * 1000000);
        /* A file in progress stays ready (it was before); so do the
         * files of a replayed batch. */
        if ((d->cur && !strcmp(d->cur, nm)) || d->replay)
            e->ready = true;
    }
    closedir(dp);
    if (rc != WEIR_OK) {
        for (int i = 0; i < n; i++)
            free(now[i].name);
        free(now);
        names_fini(&present);
        return rc;
    }
    if (n)
        qsort(now, (size_t)n, sizeof *now, cmp_seen);
    free_seen(d);
    free(d->seen);
    d->seen = now;
    d->nseen = n;
    d->cseen = cap;
    /* The done list keeps only names still present. */
    names_fini(&d->done);
    d->done = present;
    return WEIR_OK;
}

/* The path "dir/name" kept for the batch's records. */
static const char *batch_path(dir_src *d, const char *name)
{
    if (d->npaths == d->cpaths) {
        int nc = d->cpaths ? d->cpaths * 2 : 8;
        char **np = realloc(d->paths, sizeof *np * (size_t)nc);
        if (!np)
            return NULL;
        d->paths = np;
        d->cpaths = nc;
    }
    size_t l = strlen(d->dir) + strlen(name) + 2;
    char *p = malloc(l);
    if (!p)
        return NULL;
    snprintf(p, l, "%s/%s", d->dir, name);
    d->paths[d->npaths++] = p;
    return p;
}

/* One planned slice of a batch. */
typedef struct slice {
    const seen *f;
    int64_t from, until;
} slice;

static weir_rc dir_next(wr_lsource *s, size_t max_bytes, int *n,
                        weir_status *st)
{
    dir_src *d = (dir_src *)s;
    for (int i = 0; i < d->npaths; i++)
        free(d->paths[i]);
    d->npaths = 0;
    weir_rc rc = scan(d, st);
    if (rc != WEIR_OK)
        return rc;
    /* The file in progress, if it is still there, then the ready ones by
     * name: plan the slices within max_bytes. */
    slice pl[64];
    int np = 0;
    int64_t total = 0, budget = max_bytes ? (int64_t)max_bytes : INT64_MAX;
    const seen *cur = d->cur ? find_seen(d, d->cur) : NULL;
    if (d->cur && !cur) {
        wr_lsource_say(s, "%s/%s is gone before it was read to its end", d->dir,
                       d->cur);
        free(d->cur);
        d->cur = NULL;
    }
    if (cur && d->cur_off > cur->size) {
        wr_lsource_say(s,
                       "%s/%s is shorter than its read offset %" PRId64
                       ": reading it from its start",
                       d->dir, d->cur, d->cur_off);
        d->cur_off = 0;
        d->cur_line = 1;
    }
    for (int i = -1; i < d->nseen && np < 64 && total < budget; i++) {
        const seen *f = i < 0 ? cur : &d->seen[i];
        if (!f || (i >= 0 && (f == cur || !f->ready)))
            continue;
        int64_t from = f == cur ? d->cur_off : 0;
        int64_t until = f->size;
        if (d->replay && d->only_cur && !strcmp(f->name, d->only_cur) &&
            until > d->only_cur_until)
            until = d->only_cur_until;
        if (until - from > budget - total)
            until = from + (budget - total);
        pl[np++] = (slice){f, from, until};
        total += until - from;
    }
    if ((size_t)total + 1 > d->cap) {
        char *nb = realloc(d->buf, (size_t)total + 1);
        if (!nb)
            return oom(st);
        d->buf = nb;
        d->cap = (size_t)total + 1;
    }
    /* Read them. */
    size_t at = 0;
    int k = 0;
    d->dry = true;
    for (int i = 0; i < np; i++) {
        const seen *f = pl[i].f;
        const char *path = batch_path(d, f->name);
        if (!path)
            return oom(st);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s", path,
                                   strerror(errno));
        size_t want = (size_t)(pl[i].until - pl[i].from), got = 0;
        while (got < want) {
            ssize_t r = pread(fd, d->buf + at + got, want - got,
                              (off_t)(pl[i].from + (int64_t)got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
        bool whole = pl[i].until == f->size && got == want;
        size_t len = whole ? got : wr_lsource_complete(d->buf + at, got);
        if (len == 0 && !whole && got == want && got > 0)
            len = got; /* a line longer than the batch: take it whole */
        int64_t line = f == cur ? d->cur_line : 1;
        rc =
            wr_lsource_split(s, d->buf + at, len, path, &line, &d->seq, &k, st);
        if (rc != WEIR_OK)
            return rc;
        at += len;
        d->dry = d->dry && len == 0 && !whole;
        int64_t off = pl[i].from + (int64_t)len;
        if (whole || off >= f->size) {
            if (!names_add(&d->done, f->name))
                return oom(st);
            if (f == cur) {
                free(d->cur);
                d->cur = NULL;
            }
        } else {
            if (f != cur) {
                free(d->cur);
                d->cur = strdup(f->name);
                if (!d->cur)
                    return oom(st);
            }
            d->cur_off = off;
            d->cur_line = line;
            break; /* the batch is full */
        }
    }
    *n = k;
    return WEIR_OK;
}

static bool dir_at_end(const wr_lsource *s)
{
    (void)s;
    return false;
}

static bool dir_caught_up(const wr_lsource *s)
{
    const dir_src *d = (const dir_src *)s;
    if (!d->has_start)
        return d->dry;
    if (d->cur)
        return false;
    for (int i = 0; i < d->start.n; i++)
        if (!names_has(&d->done, d->start.v[i]) && find_seen(d, d->start.v[i]))
            return false;
    return true;
}

static bool dir_position(const wr_lsource *s, wr_buf *b)
{
    const dir_src *d = (const dir_src *)s;
    wr_buf_puts(b, "dir\n");
    if (d->cur)
        wr_buf_printf(b, "cur %" PRId64 " %" PRId64 " %s\n", d->cur_off,
                      d->cur_line, d->cur);
    for (int i = 0; i < d->done.n; i++)
        wr_buf_printf(b, "done %s\n", d->done.v[i]);
    return true;
}

/* Parses directory position pos into *done_out, *cur_out (or NULL), *off
 * and *line (caller owns them). */
static weir_rc parse_pos(const dir_src *d, const char *pos, names *done_out,
                         char **cur_out, long long *off_out,
                         long long *line_out, weir_status *st)
{
    if (strncmp(pos, "dir\n", 4) != 0)
        return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                               "%s: not a directory position", d->dir);
    names done = {0};
    char *cur = NULL;
    long long off = 0, line = 1;
    for (const char *p = pos + 4; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        char item[4096];
        if (l >= sizeof item)
            l = sizeof item - 1;
        memcpy(item, p, l);
        item[l] = '\0';
        int used = 0;
        bool ok = true;
        if (!strncmp(item, "done ", 5) && item[5]) {
            ok = names_add(&done, item + 5);
        } else if (!strncmp(item, "cur ", 4) &&
                   sscanf(item, "cur %lld %lld %n", &off, &line, &used) == 2 &&
                   used > 0 && item[used] && off >= 0 && line >= 1) {
            free(cur);
            cur = strdup(item + used);
            ok = cur != NULL;
        } else {
            names_fini(&done);
            free(cur);
            return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                                   "%s: bad directory position line '%s'",
                                   d->dir, item);
        }
        if (!ok) {
            names_fini(&done);
            free(cur);
            return oom(st);
        }
        p = nl ? nl + 1 : p + l;
    }
    *done_out = done;
    *cur_out = cur;
    *off_out = off;
    *line_out = line;
    return WEIR_OK;
}

static weir_rc dir_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    dir_src *d = (dir_src *)s;
    names done;
    char *cur;
    long long off, line;
    weir_rc rc = parse_pos(d, pos, &done, &cur, &off, &line, st);
    if (rc != WEIR_OK)
        return rc;
    names_fini(&d->done);
    d->done = done;
    free(d->cur);
    d->cur = cur;
    d->cur_off = off;
    d->cur_line = line;
    return WEIR_OK;
}

/* Reads again the batch that went from position `before` to `after`:
 * exactly the files it finished or began, ready whatever their age, the
 * one in progress up to where it stopped. */
static weir_rc dir_replay(wr_lsource *s, const char *before, const char *after,
                          int *n, weir_status *st)
{
    dir_src *d = (dir_src *)s;
    weir_rc rc = dir_restore(s, before, st);
    names done;
    char *cur = NULL;
    long long off, line;
    if (rc == WEIR_OK)
        rc = parse_pos(d, after, &done, &cur, &off, &line, st);
    if (rc != WEIR_OK)
        return rc;
    names_fini(&d->only);
    for (int i = 0; i < done.n && rc == WEIR_OK; i++)
        if (!names_has(&d->done, done.v[i]) && !names_add(&d->only, done.v[i]))
            rc = oom(st);
    if (rc == WEIR_OK && cur && !names_add(&d->only, cur))
        rc = oom(st);
    names_fini(&done);
    if (rc != WEIR_OK) {
        free(cur);
        return rc;
    }
    d->replay = true;
    d->only_cur = cur;
    d->only_cur_until = off;
    rc = dir_next(s, 0, n, st);
    d->replay = false;
    free(d->only_cur);
    d->only_cur = NULL;
    names_fini(&d->only);
    return rc;
}

static void dir_close(wr_lsource *s)
{
    dir_src *d = (dir_src *)s;
    names_fini(&d->done);
    names_fini(&d->start);
    free_seen(d);
    free(d->seen);
    for (int i = 0; i < d->npaths; i++)
        free(d->paths[i]);
    free(d->paths);
    free(d->cur);
    free(d->buf);
    free(d->dir);
    names_fini(&d->only);
    free(d->only_cur);
}

static const wr_lsource_ops dir_ops = {
    "directory",  dir_next,    dir_at_end, dir_caught_up,
    dir_position, dir_restore, dir_close,  dir_replay,
};

wr_lsource *wr_dir_lsource_open(const char *path, bool stop_at_end,
                                int64_t settle_ms, weir_status *st)
{
    dir_src *d = calloc(1, sizeof *d);
    if (!d || !(d->dir = strdup(path))) {
        free(d);
        oom(st);
        return NULL;
    }
    d->head.ops = &dir_ops;
    size_t l = strlen(d->dir);
    while (l > 1 && d->dir[l - 1] == '/')
        d->dir[--l] = '\0';
    d->settle = settle_ms ? settle_ms : 300;
    /* The first scan: what is there now is seen once (ready at the next
     * scan if unchanged), and is the listing of stop_at_end. */
    weir_rc rc = scan(d, st);
    for (int i = 0; rc == WEIR_OK && stop_at_end && i < d->nseen; i++)
        if (!names_add(&d->start, d->seen[i].name))
            rc = oom(st);
    d->has_start = stop_at_end;
    if (rc != WEIR_OK) {
        wr_lsource_close(&d->head);
        return NULL;
    }
    return &d->head;
}
