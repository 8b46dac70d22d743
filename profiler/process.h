/* profiler/process.h — facts about this process for the report: start time, identity, names. */
#ifndef BS_PROFILER_PROCESS_H
#define BS_PROFILER_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef struct bs_process {
    int64_t start_mono_ns;  /* CLOCK_MONOTONIC at load (or at fork, in a child) */
    int64_t start_epoch_ns; /* CLOCK_REALTIME at the same moment */
    int pid;
} bs_process;

extern bs_process bs_proc;

/* Record the start of this process (at load, and again in a forked child). */
void bs_process_start(void);

/* Expand a report name: %p pid, %h host, %r MPI rank, %t start time, %% a percent sign.
 * Returns 0, or -1 if the result does not fit. */
int bs_expand_path(const char *pattern, char *out, size_t cap);

/* The header record's process facts: pid, host, argv, start time, CPU. New reference. */
json_t *bs_process_json(void);

/* A JSON string for text that may not be valid UTF-8 (argv, paths). New reference. */
json_t *bs_json_text(const char *s);

/* Resident set size now and at its peak, bytes; -1 if unknown. A syscall each. */
int64_t bs_rss_bytes(void);
int64_t bs_peak_rss_bytes(void);

/* Called in a forked child: new pid, new start, thread ids refreshed. */
void bs_process_forked(void);

#endif
