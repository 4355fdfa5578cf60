/*
 * main.c: the `weir` program's entry point and its batch commands.
 *
 *   weir check FILE.sql ...     parse and bind every statement
 *   weir explain [--ast] FILE.sql ...   print each query's logical plan
 *   weir --version | --help
 *
 * Files given together share one catalog, in order, so a schema file can
 * precede the queries that use it. This is the only layer that prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/diag.h"
#include "shell/shell.h"
#include "weir/weir.h"

enum { EXIT_OK = 0, EXIT_QUERY = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
    fputs(
        "usage: weir <command> [options] [FILE.sql ...]\n"
        "       weir [--output table|json|csv] [-e 'SQL']\n"
        "                              the interactive shell (statements "
        "from\n"
        "                              stdin when it is not a terminal)\n"
        "\n"
        "commands:\n"
        "  check FILE.sql ...          parse and bind every statement; report\n"
        "                              errors as FILE:LINE:COL: error: "
        "MESSAGE\n"
        "  run [--threads K] [--batch-interval D] FILE.sql\n"
        "                              run the file's queries (FILE sources);\n"
        "                              push-query rows go to stdout\n"
        "  broker [--brokers N] [--topic NAME:PARTITIONS]... [--port P]\n"
        "                              a development Kafka cluster "
        "(librdkafka's\n"
        "                              mock cluster) on loopback\n"
        "  datagen --topic T --quickstart pageviews|users|orders ...\n"
        "                              produce sample events to Kafka\n"
        "  test -s STMTS.sql -i INPUT.json [-o EXPECTED.json] [--actual F]\n"
        "                              run statements over test inputs "
        "(ksqlDB\n"
        "                              test-runner files) and compare\n"
        "  explain [--ast | --format dot] FILE.sql ...\n"
        "                              print the logical plan and the DAG of\n"
        "                              each query (dot: a Graphviz picture)\n"
        "                              (--ast: the syntax tree of every "
        "statement)\n"
        "\n"
        "options:\n"
        "  -h, --help                  show this help\n"
        "  -V, --version               show the version\n"
        "\n"
        "Files named together share one catalog, in order; '-' reads stdin.\n"
        "Exit status: 0 success, 1 an error in a statement, 2 usage error.\n",
        out);
}

/* Reads a whole file (or stdin for "-") into a NUL-terminated heap buffer.
 * Returns NULL with errno set on failure. Caller frees. */
char *wr_shell_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

char *wr_shell_script_path(const char *from, const char *path)
{
    const char *slash = from && strcmp(from, "-") != 0 && from[0] != '<'
                            ? strrchr(from, '/')
                            : NULL;
    if (path[0] == '/' || !slash)
        return strdup(path);
    size_t dl = (size_t)(slash - from) + 1, pl = strlen(path);
    char *p = malloc(dl + pl + 1);
    if (p) {
        memcpy(p, from, dl);
        memcpy(p + dl, path, pl + 1);
    }
    return p;
}

typedef enum { MODE_CHECK, MODE_EXPLAIN, MODE_AST, MODE_DOT } run_mode;

/* Runs every statement of one file through the engine. Returns the number
 * of statements that failed, or -1 when the file cannot be read. */
static int run_file(weir_engine *e, const char *path, run_mode mode,
                    int *nquery)
{
    size_t len = 0;
    char *text = wr_shell_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "weir: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int errors = 0;
    size_t pos = 0;
    while (pos < len) {
        weir_stmt *s = NULL;
        weir_status st;
        weir_rc rc = weir_engine_prepare(e, text, len, &pos, &s, &st);
        if (rc != WEIR_OK) {
            wr_diag_print(stderr, name, text, len, &st);
            errors++;
            continue;
        }
        if (!s)
            break;
        if (mode == MODE_DOT) {
            char *out = weir_stmt_explain_dot(s);
            if (out && *out) {
                fputs(out, stdout);
                ++*nquery;
            }
            weir_free(out);
        } else if (mode == MODE_AST || mode == MODE_EXPLAIN) {
            char *out =
                mode == MODE_AST ? weir_stmt_ast(s) : weir_stmt_explain(s);
            weir_loc loc = weir_stmt_loc(s);
            const char *kind = weir_stmt_kind(s);
            bool query = strcmp(kind, "CREATE_AS") == 0 ||
                         strcmp(kind, "INSERT_SELECT") == 0 ||
                         strcmp(kind, "SELECT") == 0 ||
                         strcmp(kind, "EXPLAIN") == 0;
            if (out && (mode == MODE_AST || query)) {
                int line, col;
                wr_diag_linecol(text, len, (size_t)loc.off, &line, &col);
                const char *nl = memchr(text + loc.off, '\n', (size_t)loc.len);
                int first = nl ? (int)(nl - (text + loc.off)) : loc.len;
                if (first > 72)
                    first = 72;
                printf("-- %s:%d: %.*s%s\n", name, line, first, text + loc.off,
                       first < loc.len ? " ..." : "");
                fputs(out, stdout);
                putchar('\n');
                ++*nquery;
            }
            weir_free(out);
        }
        rc = weir_stmt_apply(s, &st);
        if (rc != WEIR_OK) {
            wr_diag_print(stderr, name, text, len, &st);
            errors++;
        }
        weir_stmt_free(s);
    }
    free(text);
    return errors;
}

static int cmd_files(int argc, char **argv, run_mode mode)
{
    if (argc == 0) {
        fprintf(stderr, "weir: no input files\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    if (!e) {
        fprintf(stderr, "weir: %s\n", st.msg);
        return EXIT_QUERY;
    }
    int errors = 0, nquery = 0, unreadable = 0;
    for (int i = 0; i < argc; i++) {
        int r = run_file(e, argv[i], mode, &nquery);
        if (r < 0)
            unreadable++;
        else
            errors += r;
    }
    weir_engine_free(e);
    if (unreadable)
        return EXIT_USAGE;
    return errors ? EXIT_QUERY : EXIT_OK;
}

int main(int argc, char **argv)
{
    /* No command, -e SQL or --output MODE: the interactive shell. */
    if (argc < 2 || !strcmp(argv[1], "-e") || !strcmp(argv[1], "-o") ||
        !strncmp(argv[1], "--output", 8))
        return wr_cmd_shell(argc - 1, argv + 1);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("weir %s\n", weir_version());
        return EXIT_OK;
    }
    if (!strcmp(cmd, "check"))
        return cmd_files(argc - 2, argv + 2, MODE_CHECK);
    if (!strcmp(cmd, "explain")) {
        if (argc > 2 && !strcmp(argv[2], "--ast"))
            return cmd_files(argc - 3, argv + 3, MODE_AST);
        if (argc > 3 && !strcmp(argv[2], "--format") && !strcmp(argv[3], "dot"))
            return cmd_files(argc - 4, argv + 4, MODE_DOT);
        return cmd_files(argc - 2, argv + 2, MODE_EXPLAIN);
    }
    if (!strcmp(cmd, "test"))
        return wr_cmd_test(argc - 2, argv + 2);
    if (!strcmp(cmd, "run"))
        return wr_cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "broker"))
        return wr_cmd_broker(argc - 2, argv + 2);
    if (!strcmp(cmd, "datagen"))
        return wr_cmd_datagen(argc - 2, argv + 2);
    fprintf(stderr, "weir: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
