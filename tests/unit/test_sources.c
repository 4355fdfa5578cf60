/* test_sources.c: the line sources (unit_sources): followed files
 * (partial lines, rotation, truncation), directories (exactly once,
 * positions), stdin on a pipe, a TCP socket that goes away and comes back,
 * and a ZeroMQ PUB -> SUB pair on loopback. Every case works in its own
 * temporary directory and removes it. */
#include "test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "connectors/line_source.h"
#include "connectors/line_source_int.h"

static char tmpdir[256];

static void mktmp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/weir-sources-XXXXXX");
    if (!mkdtemp(tmpdir))
        abort();
}

static void rmtmp(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void put(const char *name, const char *mode, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, mode);
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The values of a batch joined by '|', into out. */
static const char *joined(const wr_record *r, int n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%.*s", i ? "|" : "",
                               (int)r[i].vlen, r[i].value);
    return out;
}

/* Calls next until a batch has records or ms pass; the values in out. */
static int next_within(wr_lsource *s, int ms, char *out, size_t cap,
                       const wr_record **recs)
{
    weir_status st;
    int n = 0;
    out[0] = '\0';
    for (int t = 0; t <= ms; t += 10) {
        if (wr_lsource_next(s, 0, recs, &n, &st) != WEIR_OK) {
            fprintf(stderr, "next: %s\n", st.msg);
            return -1;
        }
        if (n)
            break;
        sleep_ms(10);
    }
    joined(*recs, n, out, cap);
    return n;
}

static wr_lsource *open_file(const char *name, bool follow)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    wr_lsource_opts o = {p, follow, NULL, NULL, NULL, false, 0};
    weir_status st;
    wr_lsource *s = wr_lsource_open(&o, &st);
    if (!s)
        fprintf(stderr, "open: %s\n", st.msg);
    return s;
}

TEST(hostport)
{
    char h[64], p[8];
    CHECK(wr_lsource_hostport("127.0.0.1:9999", h, sizeof h, p, sizeof p));
    CHECK_STR(h, "127.0.0.1");
    CHECK_STR(p, "9999");
    CHECK(wr_lsource_hostport("[::1]:80", h, sizeof h, p, sizeof p));
    CHECK_STR(h, "::1");
    CHECK(!wr_lsource_hostport("localhost", h, sizeof h, p, sizeof p));
    CHECK(!wr_lsource_hostport(":80", h, sizeof h, p, sizeof p));
    CHECK(!wr_lsource_hostport("h:0", h, sizeof h, p, sizeof p));
    CHECK(!wr_lsource_hostport("h:70000", h, sizeof h, p, sizeof p));
    CHECK(!wr_lsource_hostport("h:8x", h, sizeof h, p, sizeof p));
    CHECK(!wr_lsource_hostport("a:b:1", h, sizeof h, p, sizeof p));
}

TEST(follow_partial_lines_and_position)
{
    mktmp();
    put("f.log", "w", "a\nb");
    wr_lsource *s = open_file("f.log", true);
    CHECK(s != NULL);
    const wr_record *r;
    int n;
    char out[256];
    weir_status st;
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "a"); /* b waits */
    CHECK_INT(r[0].offset, ==, 1);
    CHECK_INT(r[0].partition, ==, -1);
    CHECK(!wr_lsource_at_end(s));
    wr_buf pos = WR_BUF_INIT;
    CHECK(wr_lsource_position(s, &pos));
    struct stat sb;
    char p[512];
    snprintf(p, sizeof p, "%s/f.log", tmpdir);
    stat(p, &sb);
    char want[128];
    snprintf(want, sizeof want, "file %ju 2 2", (uintmax_t)sb.st_ino);
    CHECK_STR(wr_buf_str(&pos), want);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    put("f.log", "a", "\nc\n");
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "b|c");
    CHECK_INT(r[1].offset, ==, 3);
    CHECK_STR(r[1].topic, p);
    wr_lsource_close(s);
    /* A restart at the saved position reads on from b. */
    s = open_file("f.log", true);
    CHECK_INT(wr_lsource_restore(s, wr_buf_str(&pos), &st), ==, WEIR_OK);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "b|c");
    CHECK_INT(r[0].offset, ==, 2);
    CHECK(wr_lsource_restore(s, "file x", &st) == WEIR_E_USAGE);
    wr_lsource_close(s);
    /* A position of another inode: from the start, with a notice. */
    s = open_file("f.log", true);
    CHECK_INT(wr_lsource_restore(s, "file 1 2 2", &st), ==, WEIR_OK);
    CHECK(wr_lsource_notice(s) != NULL);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "a|b|c");
    wr_lsource_close(s);
    wr_buf_fini(&pos);
    rmtmp();
}

TEST(follow_rotation_and_truncation)
{
    mktmp();
    put("r.log", "w", "1\n2\n");
    wr_lsource *s = open_file("r.log", true);
    const wr_record *r;
    int n;
    char out[256], a[512], b[512];
    weir_status st;
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "1|2");
    /* Rotation: the old file gets a last (unterminated) line, is renamed
     * away, and a new file takes its name. */
    put("r.log", "a", "3");
    snprintf(a, sizeof a, "%s/r.log", tmpdir);
    snprintf(b, sizeof b, "%s/r.log.1", tmpdir);
    CHECK(rename(a, b) == 0);
    put("r.log", "w", "x\ny\n");
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "3"); /* the old file drained */
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "x|y");
    CHECK(wr_lsource_notice(s) && strstr(wr_lsource_notice(s), "rotated"));
    CHECK_INT(r[0].offset, ==, 1);
    /* Truncation in place. */
    put("r.log", "w", "z\n");
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "z");
    CHECK(wr_lsource_notice(s) && strstr(wr_lsource_notice(s), "truncated"));
    wr_lsource_close(s);
    rmtmp();
}

TEST(file_read_once_ends)
{
    mktmp();
    put("o.log", "w", "a\n\nb");
    wr_lsource *s = open_file("o.log", false);
    const wr_record *r;
    int n;
    char out[64];
    weir_status st;
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "a|b");
    CHECK_INT(r[1].offset, ==, 3);
    CHECK(!wr_lsource_at_end(s));
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    CHECK(wr_lsource_at_end(s));
    CHECK(wr_lsource_caught_up(s));
    wr_lsource_close(s);
    rmtmp();
}

static wr_lsource *open_dir(bool stop_at_end)
{
    char p[512];
    snprintf(p, sizeof p, "%s/in/", tmpdir);
    wr_lsource_opts o = {p, false, NULL, NULL, NULL, stop_at_end, -1};
    weir_status st;
    wr_lsource *s = wr_lsource_open(&o, &st);
    if (!s)
        fprintf(stderr, "open: %s\n", st.msg);
    return s;
}

TEST(directory_exactly_once)
{
    mktmp();
    char p[512];
    snprintf(p, sizeof p, "%s/in", tmpdir);
    mkdir(p, 0700);
    put("in/b.json", "w", "b1\nb2\n");
    put("in/a.json", "w", "a1\n");
    put("in/.hidden", "w", "no\n");
    put("in/_tmp", "w", "no\n");
    wr_lsource *s = open_dir(false);
    CHECK(s != NULL);
    const wr_record *r;
    int n;
    char out[256];
    weir_status st;
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "a1|b1|b2"); /* name order */
    snprintf(p, sizeof p, "%s/in/b.json", tmpdir);
    CHECK_STR(r[2].topic, p);
    CHECK_INT(r[2].offset, ==, 2);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    /* A new file is taken once it stays the same for a scan. */
    put("in/c.json", "w", "c1\n");
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    put("in/c.json", "a", "c2");
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "c1|c2");
    wr_buf pos = WR_BUF_INIT;
    CHECK(wr_lsource_position(s, &pos));
    CHECK_STR(wr_buf_str(&pos), "dir\ndone a.json\ndone b.json\ndone c.json\n");
    wr_lsource_close(s);
    /* A restart at the position reads only new files. */
    put("in/d.json", "w", "d1\n");
    s = open_dir(false);
    CHECK_INT(wr_lsource_restore(s, wr_buf_str(&pos), &st), ==, WEIR_OK);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "d1");
    CHECK(wr_lsource_restore(s, "dir\nbogus\n", &st) == WEIR_E_USAGE);
    wr_lsource_close(s);
    wr_buf_fini(&pos);
    rmtmp();
}

TEST(directory_partial_file_position)
{
    mktmp();
    char p[512];
    snprintf(p, sizeof p, "%s/in", tmpdir);
    mkdir(p, 0700);
    put("in/a", "w", "11\n22\n33\n");
    put("in/b", "w", "44\n");
    wr_lsource *s = open_dir(true);
    const wr_record *r;
    int n;
    char out[256];
    weir_status st;
    CHECK_INT(wr_lsource_next(s, 4, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "11");
    CHECK(!wr_lsource_caught_up(s));
    wr_buf pos = WR_BUF_INIT;
    CHECK(wr_lsource_position(s, &pos));
    CHECK_STR(wr_buf_str(&pos), "dir\ncur 3 2 a\n");
    wr_lsource_close(s);
    put("in/c", "w", "new\n"); /* not in the listing of a restart... */
    s = open_dir(true);
    CHECK_INT(wr_lsource_restore(s, wr_buf_str(&pos), &st), ==, WEIR_OK);
    put("in/e", "w", "later\n"); /* ...nor is this one */
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "22|33|44|new");
    CHECK_INT(r[0].offset, ==, 2);
    CHECK(wr_lsource_caught_up(s));
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0);
    wr_lsource_close(s);
    wr_buf_fini(&pos);
    rmtmp();
}

TEST(stdin_pipe)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    weir_status st;
    wr_lsource *s = wr_stdin_lsource_open_fd(fds[0], &st);
    const wr_record *r;
    int n;
    char out[256];
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_INT(n, ==, 0); /* nothing yet: no wait */
    CHECK(write(fds[1], "one\ntw", 6) == 6);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "one");
    CHECK(write(fds[1], "o\nthree", 7) == 7);
    close(fds[1]);
    CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    CHECK_STR(joined(r, n, out, sizeof out), "two|three");
    CHECK_INT(r[1].offset, ==, 3);
    CHECK_STR(r[1].topic, "stdin");
    CHECK(wr_lsource_at_end(s));
    wr_buf pos = WR_BUF_INIT;
    CHECK(!wr_lsource_position(s, &pos));
    CHECK(wr_lsource_restore(s, "x", &st) == WEIR_E_UNSUPPORTED);
    wr_buf_fini(&pos);
    wr_lsource_close(s);
    close(fds[0]);
}

/* A listening socket on a free loopback port; *port gets it. */
static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t l = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &l) != 0)
        abort();
    *port = ntohs(a.sin_port);
    return fd;
}

/* Accepts within ms while driving the source (its connect is
 * non-blocking, advanced by next()). */
static int accept_while(int lfd, wr_lsource *s, int ms)
{
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    for (int t = 0; t <= ms; t += 10) {
        const wr_record *r;
        int n;
        weir_status st;
        wr_lsource_next(s, 0, &r, &n, &st);
        int c = accept(lfd, NULL, NULL);
        if (c >= 0)
            return c;
        sleep_ms(10);
    }
    return -1;
}

TEST(socket_reconnects)
{
    int port;
    int lfd = listen_any(&port);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    wr_lsource_opts o = {NULL, false, addr, NULL, NULL, false, 0};
    weir_status st;
    wr_lsource *s = wr_lsource_open(&o, &st);
    CHECK(s != NULL);
    int c = accept_while(lfd, s, 3000);
    CHECK(c >= 0);
    CHECK(write(c, "l1\nl2\npart", 10) == 10);
    const wr_record *r;
    char out[256];
    CHECK_INT(next_within(s, 3000, out, sizeof out, &r), ==, 2);
    CHECK_STR(out, "l1|l2");
    CHECK_STR(r[0].topic, addr);
    close(c); /* the peer goes away: "part" is its last line */
    CHECK_INT(next_within(s, 3000, out, sizeof out, &r), ==, 1);
    CHECK_STR(out, "part");
    CHECK(wr_lsource_notice(s) && strstr(wr_lsource_notice(s), "reconnect"));
    /* It comes back: the source connects again after its backoff. */
    c = accept_while(lfd, s, 5000);
    CHECK(c >= 0);
    CHECK(write(c, "l4\n", 3) == 3);
    CHECK_INT(next_within(s, 3000, out, sizeof out, &r), ==, 1);
    CHECK_STR(out, "l4");
    CHECK_INT(r[0].offset, ==, 4);
    close(c);
    close(lfd);
    wr_buf pos = WR_BUF_INIT;
    CHECK(!wr_lsource_position(s, &pos));
    wr_buf_fini(&pos);
    wr_lsource_close(s);
}

TEST(zmq_pub_sub)
{
    void *ctx = zmq_ctx_new();
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    CHECK(zmq_bind(pub, "tcp://127.0.0.1:*") == 0);
    char ep[256];
    size_t el = sizeof ep;
    zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, ep, &el);
    wr_lsource_opts o = {NULL, false, NULL, ep, "ev", false, 0};
    weir_status st;
    wr_lsource *s = wr_lsource_open(&o, &st);
    CHECK(s != NULL);
    /* PUB drops messages until the subscription arrives: publish until one
     * is received. */
    const wr_record *r;
    int n = 0;
    for (int t = 0; t < 300 && n == 0; t++) {
        zmq_send(pub, "other", 5, 0); /* not subscribed */
        zmq_send(pub, "ev", 2, ZMQ_SNDMORE);
        zmq_send(pub, "{\"a\":1}\n", 8, 0);
        sleep_ms(10);
        CHECK_INT(wr_lsource_next(s, 0, &r, &n, &st), ==, WEIR_OK);
    }
    CHECK(n >= 1);
    CHECK_INT(r[0].vlen, ==, 7);
    CHECK(!memcmp(r[0].value, "{\"a\":1}", 7));
    CHECK_INT(r[0].klen, ==, 2);
    CHECK(!memcmp(r[0].key, "ev", 2));
    CHECK_INT(r[0].partition, ==, -1);
    zmq_send(pub, "ev", 2, ZMQ_SNDMORE);
    zmq_send(pub, "second", 6, 0);
    char out[256];
    int m = next_within(s, 3000, out, sizeof out, &r);
    CHECK(m >= 1);
    CHECK(strstr(out, "second") != NULL);
    wr_lsource_close(s);
    int linger = 0;
    zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(pub);
    zmq_ctx_term(ctx);
}

TEST(open_refuses_bad_options)
{
    weir_status st;
    wr_lsource_opts o = {NULL, false, "nohostport", NULL, NULL, false, 0};
    CHECK(wr_lsource_open(&o, &st) == NULL);
    CHECK(strstr(st.msg, "host:port") != NULL);
    mktmp();
    wr_lsource_opts d = {tmpdir, true, NULL, NULL, NULL, false, 0};
    CHECK(wr_lsource_open(&d, &st) == NULL);
    CHECK(strstr(st.msg, "FOLLOW") != NULL);
    wr_lsource_opts i = {"-", true, NULL, NULL, NULL, false, 0};
    CHECK(wr_lsource_open(&i, &st) == NULL);
    char p[512];
    snprintf(p, sizeof p, "%s/missing", tmpdir);
    wr_lsource_opts m = {p, true, NULL, NULL, NULL, false, 0};
    CHECK(wr_lsource_open(&m, &st) == NULL);
    CHECK(st.code == WEIR_E_IO);
    rmtmp();
}

TEST_LIST(wr_tests_sources, TEST_ENTRY(hostport),
          TEST_ENTRY(follow_partial_lines_and_position),
          TEST_ENTRY(follow_rotation_and_truncation),
          TEST_ENTRY(file_read_once_ends), TEST_ENTRY(directory_exactly_once),
          TEST_ENTRY(directory_partial_file_position), TEST_ENTRY(stdin_pipe),
          TEST_ENTRY(socket_reconnects), TEST_ENTRY(zmq_pub_sub),
          TEST_ENTRY(open_refuses_bad_options));
