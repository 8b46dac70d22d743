/* report/util.c — output and formatting helpers the commands share. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

const char *or_dash(const char *s) { return s ? s : "-"; }
json_t *dim_json(int64_t v) { return v >= 0 ? json_integer(v) : json_null(); }
json_t *str_json(const char *s) { return strcmp(s, "-") ? json_string(s) : json_null(); }
int64_t int_of(json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }

void copy_text(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap) { /* cut, then back off to the start of the character the cut fell in */
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void add_sat(int64_t *acc, int64_t v)
{
    if (__builtin_add_overflow(*acc, v, acc))
        *acc = v > 0 ? INT64_MAX : INT64_MIN;
}

const char *str_of(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

FILE *open_out(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    return f;
}

int close_out(FILE *f, const char *path)
{
    if (f == stdout)
        return fflush(f) == 0 ? 0 : 2;
    if (fclose(f) != 0) {
        fprintf(stderr, PROG ": writing %s failed: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

int by_wall_desc(const void *a, const void *b)
{
    int64_t x = ((const shape *)a)->wall, y = ((const shape *)b)->wall;
    return x < y ? 1 : x > y ? -1 : 0;
}

int site_by_wall_desc(const void *a, const void *b)
{
    int64_t x = ((const site *)a)->wall, y = ((const site *)b)->wall;
    return x < y ? 1 : x > y ? -1 : 0;
}

double gflops(int64_t flops, int64_t wall) { return wall > 0 ? (double)flops / (double)wall : 0; }

double quantile_us(const shape *s, double q)
{
    if (s->hist_count == 0)
        return NAN; /* only aggregates: no samples to read a percentile from */
    double v = bs_hist_quantile(s->hist, s->hist_count, q, (double)s->max);
    /* a bucket's middle can lie past the extremes actually seen */
    v = v < (double)s->min ? (double)s->min : v > (double)s->max ? (double)s->max : v;
    return v / 1e3;
}

/* single precision: the routine's type letter (after i of i?amax) is s or c */
int single(const char *routine)
{
    char t = routine[0] == 'i' ? routine[1] : routine[0];
    return t == 's' || t == 'c';
}

double shape_threads(const shape *s)
{
    return s->count > 0 ? (double)s->thread_sum / (double)s->count : 1;
}

double peak_for(const peaks *pk, const shape *s)
{
    return (single(s->routine) ? pk->s : pk->d) * shape_threads(s);
}

int64_t process_time(const gather *g)
{
    int64_t t = 0;
    for (size_t i = 0; i < g->nprocs; i++) {
        const proc *p = &g->procs[i];
        int64_t life = 0; /* overflow-safe: the numbers come from the report */
        if (p->has_summary)
            life = p->elapsed;
        else if (p->last_end > p->start_mono &&
                 __builtin_sub_overflow(p->last_end, p->start_mono, &life))
            life = INT64_MAX;
        add_sat(&t, life);
    }
    return t;
}

/* "m x n x k" with only the sizes the routine has: "300x200x100", "n=1000", "64x64" */
void fmt_dims(char *buf, size_t cap, int64_t m, int64_t n, int64_t k)
{
    if (m >= 0 && k >= 0)
        snprintf(buf, cap, "%lldx%lldx%lld", (long long)m, (long long)n, (long long)k);
    else if (m >= 0)
        snprintf(buf, cap, "%lldx%lld", (long long)m, (long long)n);
    else if (k >= 0)
        snprintf(buf, cap, "n=%lld k=%lld", (long long)n, (long long)k);
    else
        snprintf(buf, cap, "n=%lld", (long long)n);
}

void fmt_us(char *buf, size_t cap, double us)
{
    if (isnan(us))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.1f", us);
}

int by_routine_kernel(const gather *g, rk *by, int cap)
{
    int nby = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        int j = 0;
        while (j < nby && (strcmp(by[j].routine, s->routine) || strcmp(by[j].kernel, s->kernel)))
            j++;
        if (j == nby && nby < cap) {
            memset(&by[nby], 0, sizeof by[0]);
            copy_text(by[j].routine, sizeof by[j].routine, s->routine);
            copy_text(by[j].kernel, sizeof by[j].kernel, s->kernel);
            nby++;
        }
        if (j < nby) {
            add_sat(&by[j].count, s->count);
            add_sat(&by[j].wall, s->wall);
            add_sat(&by[j].flops, s->flops);
        }
    }
    return nby;
}

int phase_by_thread(const void *a, const void *b)
{
    const phase *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int64_t phase_span(const phase *p)
{
    return p->start_ts >= 0 && p->end_ts >= 0 ? p->end_ts - p->start_ts : -1;
}
