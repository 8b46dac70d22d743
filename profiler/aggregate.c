/* profiler/aggregate.c — the summary mode's table: a fixed number of entries keyed by
 * (routine, kernel, order, transa, transb, m, n, k, caller, py_caller), plus one "other" entry
 * that takes every call once the table is full, so memory stays bounded whatever the program
 * does. Per entry: count, total/min/max wall time, flops, and a histogram of wall times
 * (common/histogram.h) from which p50/p95/p99 are read. Probing: common/hashtab.h. */
#include "aggregate.h"
#include "common/hashtab.h"
#include "common/histogram.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096 /* power of two; at most SLOTS/2 entries are used */

typedef struct entry {
    int used;
    const char *routine, *kernel, *order, *transa, *transb, *caller, *py_caller; /* interned */
    int64_t m, n, k;
    int nested; /* made inside a LAPACK call (depth > 0): its time is in its parent's too */
    int64_t count, wall, min, max, flops;
    uint32_t hist[BS_HIST_BUCKETS];
} entry;

static entry *table; /* SLOTS + 2: the last two are "other", top-level and nested */
static int entries;

static int same(const entry *e, const bs_record *r)
{
    return e->m == r->m && e->n == r->n && e->k == r->k && e->nested == (r->depth > 0) &&
           e->routine == r->routine &&
           e->kernel == r->kernel && e->order == r->order && e->transa == r->transa &&
           e->transb == r->transb && e->caller == r->caller && e->py_caller == r->py_caller;
}

static uint64_t hash(const bs_record *r)
{
    const uint64_t parts[] = {(uint64_t)r->m, (uint64_t)r->n, (uint64_t)r->k,
                              (uint64_t)(uintptr_t)r->routine, (uint64_t)(uintptr_t)r->kernel,
                              (uint64_t)(uintptr_t)r->transa ^ ((uint64_t)(uintptr_t)r->transb << 1),
                              (uint64_t)(uintptr_t)r->order, (uint64_t)(uintptr_t)r->caller,
                              (uint64_t)(uintptr_t)r->py_caller, (uint64_t)(r->depth > 0)};
    return bs_hash_words(parts, sizeof parts / sizeof parts[0]);
}

static bs_slot test(const void *ctx, size_t i)
{
    return !table[i].used ? BS_SLOT_EMPTY : same(&table[i], ctx) ? BS_SLOT_MATCH : BS_SLOT_OTHER;
}

void bs_agg_add(const bs_record *r)
{
    if (!table && !(table = calloc(SLOTS + 2, sizeof *table)))
        return;
    int found;
    const long i = bs_hash_probe(SLOTS, hash(r), test, r, &found);
    entry *e = found ? &table[i] : NULL;
    if (!found && i >= 0 && entries < SLOTS / 2) {
        e = &table[i];
        e->used = 1;
        e->routine = r->routine, e->kernel = r->kernel, e->order = r->order;
        e->transa = r->transa, e->transb = r->transb, e->caller = r->caller;
        e->py_caller = r->py_caller;
        e->m = r->m, e->n = r->n, e->k = r->k;
        e->nested = r->depth > 0;
        e->min = INT64_MAX;
        entries++;
    }
    if (!e) {
        e = &table[SLOTS + (r->depth > 0)]; /* other */
        if (!e->used)
            e->used = 1, e->nested = r->depth > 0, e->min = INT64_MAX;
    }
    e->count++;
    e->wall += r->wall_ns;
    e->flops += r->flops > 0 ? r->flops : 0;
    if (r->wall_ns < e->min) e->min = r->wall_ns;
    if (r->wall_ns > e->max) e->max = r->wall_ns;
    e->hist[bs_hist_bucket(r->wall_ns)]++;
}

static double percentile(const entry *e, double q)
{
    return bs_hist_quantile(e->hist, e->count, q, (double)e->max);
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

void bs_agg_emit(void (*emit)(json_t *rec))
{
    if (!table)
        return;
    for (size_t i = 0; i <= SLOTS + 1; i++) {
        const entry *e = &table[i];
        if (!e->used || e->count == 0)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("aggregate"));
        if (i >= SLOTS) {
            json_object_set_new(o, "other", json_true());
        } else {
            json_object_set_new(o, "routine", json_string(e->routine));
            json_object_set_new(o, "kernel", json_string(e->kernel));
            json_object_set_new(o, "order", str_or_null(e->order));
            json_object_set_new(o, "transa", str_or_null(e->transa));
            json_object_set_new(o, "transb", str_or_null(e->transb));
            json_object_set_new(o, "m", e->m < 0 ? json_null() : json_integer(e->m));
            json_object_set_new(o, "n", e->n < 0 ? json_null() : json_integer(e->n));
            json_object_set_new(o, "k", e->k < 0 ? json_null() : json_integer(e->k));
            json_object_set_new(o, "caller", str_or_null(e->caller));
            if (e->py_caller)
                json_object_set_new(o, "py_caller", json_string(e->py_caller));
        }
        if (e->nested)
            json_object_set_new(o, "nested", json_true());
        json_object_set_new(o, "count", json_integer(e->count));
        json_object_set_new(o, "wall_ns", json_integer(e->wall));
        json_object_set_new(o, "min_ns", json_integer(e->min));
        json_object_set_new(o, "max_ns", json_integer(e->max));
        json_object_set_new(o, "mean_ns", json_real((double)e->wall / (double)e->count));
        json_object_set_new(o, "p50_ns", json_real(percentile(e, 0.50)));
        json_object_set_new(o, "p95_ns", json_real(percentile(e, 0.95)));
        json_object_set_new(o, "p99_ns", json_real(percentile(e, 0.99)));
        json_object_set_new(o, "flops", json_integer(e->flops));
        json_object_set_new(o, "gflops", e->wall > 0 ? json_real((double)e->flops / (double)e->wall)
                                                     : json_null());
        emit(o);
    }
}

void bs_agg_reset(void)
{
    if (table)
        memset(table, 0, (SLOTS + 2) * sizeof *table);
    entries = 0;
}
