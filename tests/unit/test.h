/*
 * test.h: the unit-test harness: a case table, a runner, and assertions that
 * print both operands.
 *
 * Each unit_<area> binary defines TEST(name) functions and lists them in a
 * table with TEST_LIST. Run without arguments it runs every case; with one
 * argument it runs only that case (so a failing case is easy to rerun in a
 * debugger). It prints "N passed, M failed" and exits non-zero on failure.
 */
#ifndef WEIR_TESTS_TEST_H
#define WEIR_TESTS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int wr_test_failed; /* set by a failing CHECK */

#define TEST(name) static void test_##name(void)
#define TEST_ENTRY(name)                                                       \
    {                                                                          \
#name, test_##name                                                     \
    }

typedef struct wr_test_case {
    const char *name;
    void (*fn)(void);
} wr_test_case;

#define FAIL_AT(...)                                                           \
    do {                                                                       \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                        \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        wr_test_failed = 1;                                                    \
        return;                                                                \
    } while (0)

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c))                                                              \
            FAIL_AT("CHECK(%s) failed", #c);                                   \
    } while (0)

#define CHECK_INT(a, op, b)                                                    \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (!(a_ op b_))                                                       \
            FAIL_AT("CHECK_INT(%s %s %s): %lld vs %lld", #a, #op, #b, a_, b_); \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                 \
            FAIL_AT("CHECK_STR(%s, %s):\n  got:      \"%s\"\n  expected: "     \
                    "\"%s\"",                                                  \
                    #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
    } while (0)

/*
 * Runs the cases of the NULL-terminated list of tables (each ends with a
 * {NULL, NULL} entry). argv[1], when given, names the one case to run.
 */
int wr_test_main(int argc, char **argv, const wr_test_case *const *tables);

/* Defines the case table of one test file: TEST_LIST(wr_tests_common, ...).
 * CMake generates the binary's main() from the table names. */
#define TEST_LIST(table, ...)                                                  \
    const wr_test_case table[] = {__VA_ARGS__, {NULL, NULL}}

#endif
