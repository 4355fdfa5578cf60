/*
 * file_source.c: see file_source.h.
 */
#include "connectors/file_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"

struct wr_file_source {
    FILE *f;      /* the open file */
    char *path;   /* its path, for messages and ROWTOPIC */
    int64_t pos;  /* byte offset where the next batch starts */
    int64_t line; /* line number of the next line (from 1) */
    int64_t seq;  /* records handed out */
    char *buf;    /* the current slice */
    size_t cap;
    wr_record *recs; /* records of the current slice */
    int rcap;
};

wr_file_source *wr_file_source_open(const char *path, weir_status *st)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s", path,
                        strerror(errno));
        return NULL;
    }
    wr_file_source *f = wr_malloc(sizeof *f);
    if (!f || !(f->path = malloc(strlen(path) + 1))) {
        fclose(fp);
        wr_free(f);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    strcpy(f->path, path);
    f->f = fp;
    f->pos = 0;
    f->line = 1;
    f->seq = 0;
    f->buf = NULL;
    f->cap = 0;
    f->recs = NULL;
    f->rcap = 0;
    return f;
}

void wr_file_source_close(wr_file_source *f)
{
    if (!f)
        return;
    fclose(f->f);
    free(f->path);
    free(f->buf);
    free(f->recs);
    wr_free(f);
}

weir_rc wr_file_source_next(wr_file_source *f, size_t max_bytes,
                            const wr_record **recs, int *n, weir_status *st)
{
    *n = 0;
    *recs = NULL;
    /* Plan the slice: [pos, end of file) capped by max_bytes. */
    if (fseeko(f->f, 0, SEEK_END) != 0)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s", f->path,
                               strerror(errno));
    int64_t size = ftello(f->f);
    int64_t until = size;
    if (max_bytes && (int64_t)max_bytes < size - f->pos)
        until = f->pos + (int64_t)max_bytes;
    if (until <= f->pos)
        return WEIR_OK;
    size_t want = (size_t)(until - f->pos);
    if (want + 1 > f->cap) {
        char *nb = realloc(f->buf, want + 1);
        if (!nb)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        f->buf = nb;
        f->cap = want + 1;
    }
    if (fseeko(f->f, f->pos, SEEK_SET) != 0 ||
        fread(f->buf, 1, want, f->f) != want)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: read error",
                               f->path);
    /* Cut back to the last complete line unless this is the end. */
    size_t len = want;
    if (until < size) {
        while (len > 0 && f->buf[len - 1] != '\n')
            len--;
        if (len == 0)
            len = want; /* a line longer than max_bytes: take it whole */
    }
    f->buf[len] = '\0';
    int count = 0;
    for (size_t i = 0; i < len; i++)
        count += f->buf[i] == '\n';
    count++;
    if (count > f->rcap) {
        wr_record *nr = realloc(f->recs, sizeof *nr * (size_t)count);
        if (!nr)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        f->recs = nr;
        f->rcap = count;
    }
    int k = 0;
    char *p = f->buf, *e = f->buf + len;
    while (p < e) {
        char *nl = memchr(p, '\n', (size_t)(e - p));
        char *end = nl ? nl : e;
        size_t l = (size_t)(end - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l) {
            wr_record *r = &f->recs[k++];
            memset(r, 0, sizeof *r);
            r->value = p;
            r->vlen = (int32_t)l;
            r->partition = -1;
            r->offset = f->line;
            r->seq = f->seq++;
            r->topic = f->path;
        }
        f->line++;
        p = nl ? nl + 1 : e;
    }
    f->pos += (int64_t)len;
    *recs = f->recs;
    *n = k;
    return WEIR_OK;
}
