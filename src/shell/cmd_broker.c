/*
 * cmd_broker.c: `weir broker`, a development Kafka cluster: librdkafka's
 * mock cluster (a real Kafka protocol server) on loopback, until SIGINT,
 * SIGTERM or the end of its control input.
 *
 *   weir broker [--brokers N] [--topic NAME:PARTITIONS]... [--port P]
 *               [--control]
 *
 * Prints "bootstrap: HOST:PORT,..." on stdout (flushed) once the cluster
 * is up. --port P also accepts bootstrap connections on 127.0.0.1:P and
 * relays them to the first broker (the mock cluster picks its own ports;
 * clients learn the brokers' addresses from the metadata). With
 * --control, commands are read from stdin, one per line, for tests:
 *   topic NAME PARTITIONS     create a topic
 *   down ID | up ID           take broker ID (1..N) down / up
 *   errors API COUNT CODE     the next COUNT requests of Kafka API number
 *                             API fail with error CODE
 *   rtt ID MS                 add MS of latency to broker ID
 * and each is answered with "ok" or "error: ...". End of input stops.
 *
 * Exit status: 0 stopped, 1 the cluster could not start, 2 usage.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "connectors/kafka.h"
#include "shell/shell.h"

#include <librdkafka/rdkafka_mock.h> /* after rdkafka.h (kafka.h) */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

/* ---- --port: a relay of bootstrap connections -------------------------- */

typedef struct relay {
    int lfd;               /* listening socket */
    struct sockaddr_in to; /* the first broker */
} relay;

typedef struct pipe2 {
    int a, b;
} pipe2;

/* Copies bytes both ways between two sockets until either closes. */
static void *relay_conn(void *arg)
{
    pipe2 *p = arg;
    char buf[65536];
    struct pollfd fds[2] = {{p->a, POLLIN, 0}, {p->b, POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, 1000) < 0 && errno != EINTR)
            break;
        int k;
        for (k = 0; k < 2; k++) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[k].fd, buf, sizeof buf);
            if (n <= 0)
                goto done;
            for (ssize_t off = 0; off < n;) {
                ssize_t w = write(fds[1 - k].fd, buf + off, (size_t)(n - off));
                if (w <= 0)
                    goto done;
                off += w;
            }
        }
    }
done:
    close(p->a);
    close(p->b);
    free(p);
    return NULL;
}

static void *relay_accept(void *arg)
{
    relay *r = arg;
    for (;;) {
        int c = accept(r->lfd, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        int u = socket(AF_INET, SOCK_STREAM, 0);
        pipe2 *p = malloc(sizeof *p);
        if (u < 0 || !p ||
            connect(u, (struct sockaddr *)&r->to, sizeof r->to) != 0) {
            close(c);
            if (u >= 0)
                close(u);
            free(p);
            continue;
        }
        p->a = c;
        p->b = u;
        pthread_t t;
        if (pthread_create(&t, NULL, relay_conn, p) == 0)
            pthread_detach(t);
        else
            relay_conn(p);
    }
    return NULL;
}

/* Listens on 127.0.0.1:port and relays to the first broker of bootstrap. */
static bool start_relay(int port, const char *bootstrap, relay *r)
{
    const char *colon = strchr(bootstrap, ':');
    if (!colon)
        return false;
    memset(&r->to, 0, sizeof r->to);
    r->to.sin_family = AF_INET;
    r->to.sin_port = htons((uint16_t)atoi(colon + 1));
    inet_pton(AF_INET, "127.0.0.1", &r->to.sin_addr);
    r->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->lfd < 0)
        return false;
    int one = 1;
    setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(r->lfd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(r->lfd, 64) != 0) {
        close(r->lfd);
        return false;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, relay_accept, r) != 0)
        return false;
    pthread_detach(t);
    return true;
}

/* ---- control commands -------------------------------------------------- */

static void control(wr_kbroker *b, char *line)
{
    rd_kafka_mock_cluster_t *mc = wr_kbroker_mock(b);
    char w[64], name[256];
    long x, y, z;
    weir_status st;
    line[strcspn(line, "\r\n")] = '\0';
    if (sscanf(line, "%63s", w) != 1) {
        return;
    } else if (!strcmp(w, "topic") &&
               sscanf(line, "%*s %255s %ld", name, &x) == 2) {
        if (wr_kbroker_topic(b, name, (int)x, &st) != WEIR_OK) {
            printf("error: %s\n", st.msg);
            fflush(stdout);
            return;
        }
    } else if ((!strcmp(w, "down") || !strcmp(w, "up")) &&
               sscanf(line, "%*s %ld", &x) == 1) {
        rd_kafka_resp_err_t e =
            w[0] == 'd' ? rd_kafka_mock_broker_set_down(mc, (int32_t)x)
                        : rd_kafka_mock_broker_set_up(mc, (int32_t)x);
        if (e) {
            printf("error: %s\n", rd_kafka_err2str(e));
            fflush(stdout);
            return;
        }
    } else if (!strcmp(w, "errors") &&
               sscanf(line, "%*s %ld %ld %ld", &x, &y, &z) == 3 && y > 0 &&
               y <= 1000) {
        rd_kafka_resp_err_t errs[1000];
        for (long i = 0; i < y; i++)
            errs[i] = (rd_kafka_resp_err_t)z;
        rd_kafka_mock_push_request_errors_array(mc, (int16_t)x, (size_t)y,
                                                errs);
    } else if (!strcmp(w, "rtt") && sscanf(line, "%*s %ld %ld", &x, &y) == 2) {
        rd_kafka_mock_broker_set_rtt(mc, (int32_t)x, (int)y);
    } else {
        printf("error: unknown command '%s'\n", line);
        fflush(stdout);
        return;
    }
    printf("ok\n");
    fflush(stdout);
}

int wr_cmd_broker(int argc, char **argv)
{
    int brokers = 1, port = 0;
    bool ctl = false;
    const char **topics = calloc((size_t)argc + 1, sizeof(char *));
    int nt = 0;
    if (!topics)
        return 1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
            brokers = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
            topics[nt++] = argv[++i];
        } else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            port = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--control")) {
            ctl = true;
        } else {
            fprintf(stderr, "usage: weir broker [--brokers N] [--topic "
                            "NAME:PARTITIONS]... [--port P] [--control]\n");
            free(topics);
            return 2;
        }
    }
    if (brokers < 1 || brokers > 16 || port < 0 || port > 65535) {
        fprintf(stderr,
                "weir broker: --brokers wants 1..16, --port 1..65535\n");
        free(topics);
        return 2;
    }
    weir_status st;
    wr_kbroker *b = wr_kbroker_start(brokers, &st);
    if (!b) {
        fprintf(stderr, "weir broker: %s\n", st.msg);
        free(topics);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < nt && rc == 0; i++) {
        char name[256];
        const char *colon = strrchr(topics[i], ':');
        size_t n = colon ? (size_t)(colon - topics[i]) : strlen(topics[i]);
        if (n == 0 || n >= sizeof name) {
            fprintf(stderr, "weir broker: bad --topic '%s'\n", topics[i]);
            rc = 2;
            break;
        }
        memcpy(name, topics[i], n);
        name[n] = '\0';
        if (wr_kbroker_topic(b, name, colon ? atoi(colon + 1) : 1, &st) !=
            WEIR_OK) {
            fprintf(stderr, "weir broker: %s\n", st.msg);
            rc = 1;
        }
    }
    free(topics);
    relay r;
    if (rc == 0 && port && !start_relay(port, wr_kbroker_bootstrap(b), &r)) {
        fprintf(stderr, "weir broker: cannot listen on 127.0.0.1:%d: %s\n",
                port, strerror(errno));
        rc = 1;
    }
    if (rc == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if (port)
            printf("bootstrap: 127.0.0.1:%d\n", port);
        else
            printf("bootstrap: %s\n", wr_kbroker_bootstrap(b));
        fflush(stdout);
        char line[512];
        while (!stopping) {
            if (!ctl) {
                pause();
                continue;
            }
            if (!fgets(line, sizeof line, stdin))
                break;
            control(b, line);
        }
    }
    wr_kbroker_stop(b);
    return rc;
}
