/* profiler/warn.c — bs_warn: one line on stderr, written with one write(2). */
#include "warn.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

void bs_warn(const char *fmt, ...)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "blasshim: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    /* one write(2): the line never interleaves with another thread's */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
