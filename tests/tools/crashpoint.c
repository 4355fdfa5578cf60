/*
 * crashpoint.c: an LD_PRELOAD library for the crash test
 * (tests/durability/run-crash-test) that kills its process with SIGKILL at
 * a chosen durability point, so that some kills land exactly inside a
 * commit rather than wherever a timer happens to fire.
 *
 *   LD_PRELOAD=libcrashpoint.so CRASHPOINT_FSYNC=N [CRASHPOINT_AFTER=1] cmd
 *
 * Counts the calls to fsync() and fdatasync() of the process (every
 * thread); at the N-th (N >= 1) the process sends itself SIGKILL, before
 * the real call (the data written but not yet made durable: a later step
 * of the commit protocol never happens) or, with CRASHPOINT_AFTER=1, just
 * after it returned (durable, the next step not begun). Without
 * CRASHPOINT_FSYNC it changes nothing. A process killed this way dies as
 * with kill -9 from outside: no handler, no atexit, no flush.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long calls;
static long target = -2; /* -2: not read yet; -1: off */
static int after;

static void setup(void)
{
    if (target != -2)
        return;
    const char *n = getenv("CRASHPOINT_FSYNC");
    const char *a = getenv("CRASHPOINT_AFTER");
    after = a && *a == '1';
    target = n && *n ? atol(n) : -1;
    if (target < 1)
        target = -1;
}

static void point(int is_after)
{
    setup();
    if (target < 0 || is_after != after)
        return;
    /* Count each call once: before the call when killing before it. */
    if (atomic_fetch_add(&calls, 1) + 1 == target)
        kill(getpid(), SIGKILL);
}

/* Exported whatever the build's default visibility (-fvisibility=hidden). */
#define EXPORT __attribute__((visibility("default")))

EXPORT int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    point(0);
    int rc = real(fd);
    point(1);
    return rc;
}

EXPORT int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    point(0);
    int rc = real(fd);
    point(1);
    return rc;
}
