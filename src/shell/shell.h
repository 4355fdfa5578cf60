/*
 * shell.h: the weir program's commands (one file each) and shared helpers.
 */
#ifndef WEIR_SHELL_SHELL_H
#define WEIR_SHELL_SHELL_H

#include <stddef.h>

/* Reads a whole file (or stdin for "-") into a NUL-terminated heap buffer;
 * *len gets its length. NULL with errno set on failure. Caller frees. */
char *wr_shell_read_file(const char *path, size_t *len);

/* `weir test ...` and `weir run ...`: argv after the command word. Return
 * the process exit status. */
int wr_cmd_test(int argc, char **argv);
int wr_cmd_run(int argc, char **argv);

#endif
