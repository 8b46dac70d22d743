/* profiler/aggregate.c — the summary mode's table: a fixed number of entries keyed by
 * (routine, kernel, order, transa, transb, m, n, k, caller, py_caller), plus one "other" entry
 * that takes every call once the table is full, so memory stays bounded whatever the program
 * does. Per entry: count, total/min/max wall time, flops, and a histogram of wall times
 * (common/histogram.h) from which p50/p95/p99 are read. Probing: common/hashtab.h. */
#include "aggregate.h"
#include "common/hashtab.h"
#include "common/histogram.h"
#include "jsonout.h"

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
           e->routine == r->routine && e->kernel == r->kernel && e->order == r->order &&
           e->transa == r->transa && e->transb == r->transb && e->caller == r->caller &&
           e->py_caller == r->py_caller;
}

static uint64_t hash(const bs_record *r)
{
    const uint64_t parts[] = {(uint64_t)r->m,
                              (uint64_t)r->n,
                              (uint64_t)r->k,
                              (uint64_t)(uintptr_t)r->routine,
                              (uint64_t)(uintptr_t)r->kernel,
                              (uint64_t)(uintptr_t)r->transa ^
                                  ((uint64_t)(uintptr_t)r->transb << 1),
                              (uint64_t)(uintptr_t)r->order,
                              (uint64_t)(uintptr_t)r->caller,
                              (uint64_t)(uintptr_t)r->py_caller,
                              (uint64_t)(r->depth > 0)};
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
    if (r->wall_ns < e->min)
        e->min = r->wall_ns;
    if (r->wall_ns > e->max)
        e->max = r->wall_ns;
    e->hist[bs_hist_bucket(r->wall_ns)]++;
}

static double percentile(const entry *e, double q)
{
    return bs_hist_quantile(e->hist, e->count, q, (double)e->max);
}

/* The lines are formatted without malloc into one static buffer: they are also written on the
 * way out of a process (_exit, exec), perhaps while another thread holds malloc's lock. The
 * caller holds the report's lock, which serializes the use of the buffer. */
#define KEY(o, k) bs_put_lit(o, ",\"" k "\":")

static void put_dim(bs_out *o, int64_t v)
{
    if (v < 0)
        bs_put_lit(o, "null");
    else
        bs_put_i64(o, v);
}

void bs_agg_emit(int64_t pid, void (*emit)(const char *line, size_t n))
{
    static char line[8192];
    if (!table)
        return;
    for (size_t i = 0; i <= SLOTS + 1; i++) {
        const entry *e = &table[i];
        if (!e->used || e->count == 0)
            continue;
        bs_out oo = {line, line + sizeof line, 0}, *o = &oo;
        bs_put_lit(o, "{\"type\":\"aggregate\"");
        KEY(o, "pid"), bs_put_i64(o, pid);
        if (i >= SLOTS) {
            KEY(o, "other"), bs_put_lit(o, "true");
        } else {
            KEY(o, "routine"), bs_put_str(o, e->routine);
            KEY(o, "kernel"), bs_put_str(o, e->kernel);
            KEY(o, "order"), bs_put_str(o, e->order);
            KEY(o, "transa"), bs_put_str(o, e->transa);
            KEY(o, "transb"), bs_put_str(o, e->transb);
            KEY(o, "m"), put_dim(o, e->m);
            KEY(o, "n"), put_dim(o, e->n);
            KEY(o, "k"), put_dim(o, e->k);
            KEY(o, "caller"), bs_put_str(o, e->caller);
            if (e->py_caller)
                KEY(o, "py_caller"), bs_put_str(o, e->py_caller);
        }
        if (e->nested)
            KEY(o, "nested"), bs_put_lit(o, "true");
        KEY(o, "count"), bs_put_i64(o, e->count);
        KEY(o, "wall_ns"), bs_put_i64(o, e->wall);
        KEY(o, "min_ns"), bs_put_i64(o, e->min);
        KEY(o, "max_ns"), bs_put_i64(o, e->max);
        KEY(o, "mean_ns"), bs_put_f64(o, (double)e->wall / (double)e->count, 1);
        KEY(o, "p50_ns"), bs_put_f64(o, percentile(e, 0.50), 1);
        KEY(o, "p95_ns"), bs_put_f64(o, percentile(e, 0.95), 1);
        KEY(o, "p99_ns"), bs_put_f64(o, percentile(e, 0.99), 1);
        KEY(o, "flops"), bs_put_i64(o, e->flops);
        KEY(o, "gflops");
        if (e->wall > 0)
            bs_put_f64(o, (double)e->flops / (double)e->wall, 1);
        else
            bs_put_lit(o, "null");
        bs_put_lit(o, "}\n");
        if (!oo.full) /* call sites are interned and short: an entry always fits */
            emit(line, (size_t)(oo.p - line));
    }
}

void bs_agg_reset(void)
{
    if (table)
        memset(table, 0, (SLOTS + 2) * sizeof *table);
    entries = 0;
}
