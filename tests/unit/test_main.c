/* test_main.c: the runner shared by every unit_<area> binary (see test.h). */
#include "test.h"

int wr_test_failed;

int wr_test_main(int argc, char **argv, const wr_test_case *const *tables)
{
    int passed = 0, failed = 0, ran = 0;
    for (int t = 0; tables[t]; t++) {
        for (const wr_test_case *c = tables[t]; c->name; c++) {
            if (argc > 1 && strcmp(argv[1], c->name) != 0)
                continue;
            ran++;
            wr_test_failed = 0;
            c->fn();
            if (wr_test_failed) {
                failed++;
                fprintf(stderr, "FAIL %s\n", c->name);
            } else {
                passed++;
            }
        }
    }
    if (argc > 1 && ran == 0) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 2;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
