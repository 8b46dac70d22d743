/* profiler/aggregate.h — summary mode: calls folded into one entry per shape and call site. */
#ifndef BS_PROFILER_AGGREGATE_H
#define BS_PROFILER_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Add a call to its entry (routine, kernel, order, transposes, m, n, k, caller). Not
 * thread-safe: the report calls it under its lock. */
void bs_agg_add(const bs_record *r);

/* One {"type":"aggregate",...}\n line per entry, passed to emit (the text is reused after it
 * returns). Formatted without malloc. */
void bs_agg_emit(int64_t pid, void (*emit)(const char *line, size_t n));

/* Forget everything (a forked child starts empty). */
void bs_agg_reset(void);

#endif
