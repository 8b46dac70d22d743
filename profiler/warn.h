/* profiler/warn.h — the one way the profiled side speaks to the user: one line on stderr,
 * "blasshim: " + message. Never stdout, never more than one line per call. */
#ifndef BS_PROFILER_WARN_H
#define BS_PROFILER_WARN_H

void bs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
