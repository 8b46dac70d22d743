/* profiler/aggregate.h — summary mode: calls folded into one entry per shape and call site. */
#ifndef BS_PROFILER_AGGREGATE_H
#define BS_PROFILER_AGGREGATE_H

#include <jansson.h>

#include "schema.h"

/* Add a call to its entry (routine, kernel, order, transposes, m, n, k, caller). Not
 * thread-safe: the report calls it under its lock. */
void bs_agg_add(const bs_record *r);

/* One {"type":"aggregate",...} object per entry, passed to emit (which takes ownership). */
void bs_agg_emit(void (*emit)(json_t *rec));

/* Forget everything (a forked child starts empty). */
void bs_agg_reset(void);

#endif
