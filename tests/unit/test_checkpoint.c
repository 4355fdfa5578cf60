/*
 * test_checkpoint.c: the checkpoint store (src/checkpoint/checkpoint.h)
 * on real SQLite files in a temporary directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint/checkpoint.h"
#include "test.h"

/* A fresh temporary directory (static storage; one per test). */
static const char *tmpdir(void)
{
    static char d[64];
    snprintf(d, sizeof d, "/tmp/weir-ckpt-XXXXXX");
    return mkdtemp(d);
}

static void rm_rf(const char *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", d);
}

/* What wr_ckpt_batches hands out, flattened into a string. */
typedef struct seen {
    char s[1024];
} seen;

static weir_rc collect(void *ctx, int64_t batch, int64_t btime, bool done,
                       const wr_ckslice *sl, int n, weir_status *st)
{
    (void)st;
    seen *x = ctx;
    size_t l = strlen(x->s);
    l += (size_t)snprintf(x->s + l, sizeof x->s - l,
                          "b%lld@%lld%s:", (long long)batch, (long long)btime,
                          done ? "+" : "-");
    for (int i = 0; i < n; i++)
        l += (size_t)snprintf(x->s + l, sizeof x->s - l, " %d/%s[%d]%lld-%lld",
                              sl[i].source, sl[i].topic, (int)sl[i].partition,
                              (long long)sl[i].from, (long long)sl[i].until);
    snprintf(x->s + l, sizeof x->s - l, ";");
    return WEIR_OK;
}

TEST(plan_done_and_replay_order)
{
    const char *d = tmpdir();
    weir_status st;
    bool busy;
    wr_ckpt *ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck != NULL);
    CHECK(wr_ckpt_query(ck, "Q1", "CREATE STREAM x AS SELECT 1", false, &st) ==
          WEIR_OK);
    wr_ckslice a[] = {{0, "t", 1, 10, 20}, {0, "t", 0, 5, 7}};
    CHECK(wr_ckpt_plan(ck, "Q1", 2, 2000, a, 2, &st) == WEIR_OK);
    CHECK(wr_ckpt_done(ck, "Q1", 2, &st) == WEIR_OK);
    wr_ckslice b[] = {{1, "u", 0, 0, 3}};
    CHECK(wr_ckpt_plan(ck, "Q1", 3, 3000, b, 1, &st) == WEIR_OK);
    CHECK(wr_ckpt_plan(ck, "Q2", 1, 1000, NULL, 0, &st) == WEIR_OK);
    int64_t first;
    CHECK(wr_ckpt_first_btime(ck, "Q1", &first, &st) == WEIR_OK);
    CHECK_INT(first, ==, 2000);
    wr_ckpt_close(ck);
    /* Reopened: the same, in batch order, slices by source then
     * partition; the planned-only batch is not done. */
    ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck != NULL);
    seen x = {""};
    CHECK(wr_ckpt_batches(ck, "Q1", collect, &x, &st) == WEIR_OK);
    CHECK_STR(x.s, "b2@2000+: 0/t[0]5-7 0/t[1]10-20;b3@3000-: 1/u[0]0-3;");
    seen y = {""};
    CHECK(wr_ckpt_batches(ck, "Q2", collect, &y, &st) == WEIR_OK);
    CHECK_STR(y.s, "b1@1000-:;");
    /* A replanned incomplete batch replaces its slices. */
    wr_ckslice c[] = {{1, "u", 0, 0, 2}};
    CHECK(wr_ckpt_plan(ck, "Q1", 3, 3000, c, 1, &st) == WEIR_OK);
    seen z = {""};
    CHECK(wr_ckpt_batches(ck, "Q1", collect, &z, &st) == WEIR_OK);
    CHECK_STR(z.s, "b2@2000+: 0/t[0]5-7 0/t[1]10-20;b3@3000-: 1/u[0]0-2;");
    wr_ckpt_close(ck);
    rm_rf(d);
}

TEST(changed_query_refused_unless_reset)
{
    const char *d = tmpdir();
    weir_status st;
    bool busy;
    wr_ckpt *ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck != NULL);
    CHECK(wr_ckpt_query(ck, "Q", "SELECT a", false, &st) == WEIR_OK);
    wr_ckslice a[] = {{0, "t", 0, 0, 1}};
    CHECK(wr_ckpt_plan(ck, "Q", 1, 10, a, 1, &st) == WEIR_OK);
    CHECK(wr_ckpt_query(ck, "Q", "SELECT a", false, &st) == WEIR_OK);
    CHECK(wr_ckpt_query(ck, "Q", "SELECT b", false, &st) == WEIR_E_BIND);
    CHECK(strstr(st.msg, "--reset-checkpoint") != NULL);
    CHECK(wr_ckpt_query(ck, "Q", "SELECT b", true, &st) == WEIR_OK);
    seen x = {""};
    CHECK(wr_ckpt_batches(ck, "Q", collect, &x, &st) == WEIR_OK);
    CHECK_STR(x.s, ""); /* its batches are forgotten */
    CHECK(wr_ckpt_query(ck, "Q", "SELECT b", false, &st) == WEIR_OK);
    wr_ckpt_close(ck);
    rm_rf(d);
}

TEST(second_process_is_locked_out)
{
    const char *d = tmpdir();
    weir_status st;
    bool busy;
    wr_ckpt *ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck != NULL);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) { /* fcntl locks are per process: try from a child */
        weir_status cst;
        bool cbusy = false;
        wr_ckpt *c2 = wr_ckpt_open(d, &cbusy, &cst);
        _exit(!c2 && cbusy && strstr(cst.msg, "already running") ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    wr_ckpt_close(ck);
    /* Released with the store. */
    ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck != NULL);
    wr_ckpt_close(ck);
    rm_rf(d);
}

TEST(damaged_or_foreign_database_is_an_error)
{
    const char *d = tmpdir();
    char p[128];
    snprintf(p, sizeof p, "%s/weir.ckpt", d);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    for (int i = 0; i < 4096; i++)
        fputc((i * 7919) & 0xff, f);
    fclose(f);
    weir_status st;
    bool busy;
    wr_ckpt *ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck == NULL);
    CHECK(!busy);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, "weir.ckpt") != NULL);
    /* A SQLite database that is not a checkpoint. */
    remove(p);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import sqlite3; "
             "sqlite3.connect('%s').execute('create table x(a)')\"",
             p);
    CHECK(system(cmd) == 0);
    ck = wr_ckpt_open(d, &busy, &st);
    CHECK(ck == NULL);
    CHECK(strstr(st.msg, "not a weir checkpoint") != NULL);
    rm_rf(d);
}

TEST_LIST(wr_tests_checkpoint, TEST_ENTRY(plan_done_and_replay_order),
          TEST_ENTRY(changed_query_refused_unless_reset),
          TEST_ENTRY(second_process_is_locked_out),
          TEST_ENTRY(damaged_or_foreign_database_is_an_error));
