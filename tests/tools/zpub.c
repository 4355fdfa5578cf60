/*
 * zpub.c: a ZeroMQ publisher for the source tests.
 *
 *   zpub ENDPOINT TOPIC SECONDS < lines
 *
 * Binds a PUB socket to ENDPOINT, then, for SECONDS, publishes every line
 * of standard input (read once at start) as a two-frame message [TOPIC,
 * line] every 100 ms, each round numbered in the line's "n" placeholder
 * ("%d" in the line is replaced by the round). PUB drops what is sent
 * before a subscriber is connected, so the test reads until it sees what
 * it wants. Exits 0, or 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: zpub ENDPOINT TOPIC SECONDS < lines\n");
        return 2;
    }
    char lines[64][512];
    int n = 0;
    while (n < 64 && fgets(lines[n], sizeof lines[n], stdin)) {
        lines[n][strcspn(lines[n], "\n")] = '\0';
        n++;
    }
    void *ctx = zmq_ctx_new();
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    if (zmq_bind(pub, argv[1]) != 0) {
        fprintf(stderr, "zpub: %s: %s\n", argv[1], zmq_strerror(zmq_errno()));
        return 1;
    }
    int rounds = atoi(argv[3]) * 10;
    for (int r = 1; r <= rounds; r++) {
        for (int i = 0; i < n; i++) {
            char msg[600];
            snprintf(msg, sizeof msg, lines[i], r);
            zmq_send(pub, argv[2], strlen(argv[2]), ZMQ_SNDMORE);
            zmq_send(pub, msg, strlen(msg), 0);
        }
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int linger = 0;
    zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    return 0;
}
