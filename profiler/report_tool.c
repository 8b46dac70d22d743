/* profiler/report_tool.c — blasshim-report: read the JSON Lines reports back.
 *
 *   blasshim-report [summary] REPORT...          the run in a screenful
 *   blasshim-report compare BASE NEW             the same shapes in two runs, speedups
 *   blasshim-report csv REPORT... [-o FILE]      one row per call
 *   blasshim-report trace REPORT... [-o FILE]    Chrome trace events (Perfetto)
 *   blasshim-report plot REPORT... -o FILE.svg   a roofline chart
 *
 * Several files are one merged view (the processes or MPI ranks of one job). Reading streams:
 * memory is bounded by the number of distinct shapes and call sites, not by the calls. Exit
 * status: 0 all good (a cut-off last line included), 1 some lines were malformed (each named
 * FILE:LINE on stderr, skipped), 2 a usage error or a file that cannot be used.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "histogram.h"
#include "peak.h"
#include "reader.h"

#define PROG "blasshim-report"

/* ---- a small string-keyed map --------------------------------------------------------- */

typedef struct map {
    char **keys;
    int *vals;
    size_t cap, n;
} map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* index stored for key, or -1; with add, stores next and returns it when absent */
static int map_get(map *m, const char *key, int add, int next)
{
    if (m->cap == 0 || (add && (m->n + 1) * 2 > m->cap)) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        char **nk = calloc(ncap, sizeof *nk);
        int *nv = calloc(ncap, sizeof *nv);
        if (!nk || !nv) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(2);
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = hash_str(m->keys[i]) & (ncap - 1);
                while (nk[j])
                    j = (j + 1) & (ncap - 1);
                nk[j] = m->keys[i];
                nv[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = nk, m->vals = nv, m->cap = ncap;
    }
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0)
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    if (!add)
        return -1;
    m->keys[j] = strdup(key);
    m->vals[j] = next;
    m->n++;
    return next;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *q = realloc(p, ncap * elem);
    if (!q) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(2);
    }
    memset((char *)q + *cap * elem, 0, (ncap - *cap) * elem);
    *cap = ncap;
    return q;
}

/* ---- what is gathered ------------------------------------------------------------------ */

typedef struct shape {
    char routine[16], kernel[16], ta[4], tb[4];
    int64_t m, n, k;
    int64_t count, wall, min, max, flops, bytes, thread_sum;
    int64_t hist_count; /* calls in the histogram (aggregates carry no samples) */
    uint32_t hist[BS_HIST_BUCKETS];
} shape;

typedef struct site {
    char caller[300];
    int64_t count, wall, flops;
} site;

typedef struct proc {
    int64_t pid;
    char file[256], prog[128];
    int64_t start_mono, elapsed, last_end, ncpus;
    int has_summary;
} proc;

typedef struct gather {
    shape *shapes;
    size_t nshapes, capshapes;
    map shape_ix;
    site *sites;
    size_t nsites, capsites;
    map site_ix;
    site *lines; /* by py_caller */
    size_t nlines, caplines;
    map line_ix;
    proc *procs;
    size_t nprocs, capprocs;
    int64_t calls, wall, flops, marks;
    int by_kernel; /* shapes keyed with the kernel (summary) or without (compare) */
} gather;

static proc *proc_of(gather *g, const char *file, int64_t pid, int add)
{
    for (size_t i = 0; i < g->nprocs; i++)
        if (g->procs[i].pid == pid && strcmp(g->procs[i].file, file) == 0)
            return &g->procs[i];
    if (!add)
        return NULL;
    g->procs = grow(g->procs, &g->capprocs, g->nprocs + 1, sizeof *g->procs);
    proc *p = &g->procs[g->nprocs++];
    p->pid = pid;
    snprintf(p->file, sizeof p->file, "%s", file);
    return p;
}

static shape *shape_of(gather *g, const char *routine, const char *kernel, const char *ta,
                       const char *tb, int64_t m, int64_t n, int64_t k)
{
    char key[160];
    snprintf(key, sizeof key, "%s|%s|%s|%s|%lld|%lld|%lld", routine, g->by_kernel ? kernel : "",
             ta, tb, (long long)m, (long long)n, (long long)k);
    int ix = map_get(&g->shape_ix, key, 1, (int)g->nshapes);
    if (ix == (int)g->nshapes) {
        g->shapes = grow(g->shapes, &g->capshapes, g->nshapes + 1, sizeof *g->shapes);
        shape *s = &g->shapes[g->nshapes++];
        snprintf(s->routine, sizeof s->routine, "%s", routine);
        snprintf(s->kernel, sizeof s->kernel, "%s", kernel);
        snprintf(s->ta, sizeof s->ta, "%s", ta);
        snprintf(s->tb, sizeof s->tb, "%s", tb);
        s->m = m, s->n = n, s->k = k;
        s->min = INT64_MAX;
    } else if (!g->by_kernel && strcmp(g->shapes[ix].kernel, kernel) != 0) {
        snprintf(g->shapes[ix].kernel, sizeof g->shapes[ix].kernel, "mixed");
    }
    return &g->shapes[ix];
}

static void add_to(site **arr, size_t *n, size_t *cap, map *ix_map, const char *key,
                   int64_t count, int64_t wall, int64_t flops)
{
    int ix = map_get(ix_map, key, 1, (int)*n);
    if (ix == (int)*n) {
        *arr = grow(*arr, cap, *n + 1, sizeof **arr);
        snprintf((*arr)[(*n)++].caller, sizeof (*arr)[0].caller, "%s", key);
    }
    (*arr)[ix].count += count;
    (*arr)[ix].wall += wall;
    (*arr)[ix].flops += flops;
}

static void add_site(gather *g, const char *caller, const char *py_caller, int64_t count,
                     int64_t wall, int64_t flops)
{
    add_to(&g->sites, &g->nsites, &g->capsites, &g->site_ix,
           caller ? caller : "(no call site recorded)", count, wall, flops);
    if (py_caller) /* a Python line: the "hot lines" */
        add_to(&g->lines, &g->nlines, &g->caplines, &g->line_ix, py_caller, count, wall, flops);
}

static void on_header(void *ctx, const char *file, json_t *h)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, json_integer_value(json_object_get(h, "pid")), 1);
    p->start_mono = json_integer_value(json_object_get(h, "start_mono_ns"));
    p->ncpus = json_integer_value(json_object_get(h, "ncpus"));
    const char *prog = json_string_value(json_array_get(json_object_get(h, "argv"), 0));
    const char *base = prog ? strrchr(prog, '/') : NULL;
    snprintf(p->prog, sizeof p->prog, "%s", base ? base + 1 : prog ? prog : "?");
}

static const char *or_dash(const char *s) { return s ? s : "-"; }

static void on_call(void *ctx, const char *file, const bs_call_view *c)
{
    gather *g = ctx;
    const bs_record *r = &c->r;
    proc *p = proc_of(g, file, r->pid, 1);
    shape *s = shape_of(g, r->routine, r->kernel, or_dash(r->transa), or_dash(r->transb), r->m,
                        r->n, r->k);
    const int64_t flops = r->flops > 0 ? r->flops : 0;
    s->count++;
    s->wall += r->wall_ns;
    s->flops += flops;
    if (r->a_bytes >= 0 && r->b_bytes >= 0 && r->c_bytes >= 0)
        s->bytes += r->a_bytes + r->b_bytes + r->c_bytes;
    s->thread_sum += r->threads > 0 ? r->threads : p->ncpus > 0 ? p->ncpus : 1;
    if (r->wall_ns < s->min) s->min = r->wall_ns;
    if (r->wall_ns > s->max) s->max = r->wall_ns;
    s->hist[bs_hist_bucket(r->wall_ns)]++;
    s->hist_count++;
    add_site(g, r->caller, r->py_caller, 1, r->wall_ns, flops);
    g->calls++;
    g->wall += r->wall_ns;
    g->flops += flops;
    if (r->ts_ns + r->wall_ns > p->last_end)
        p->last_end = r->ts_ns + r->wall_ns;
}

/* absent sizes and transposes are null in --json output */
static json_t *dim_json(int64_t v) { return v >= 0 ? json_integer(v) : json_null(); }
static json_t *str_json(const char *s) { return strcmp(s, "-") ? json_string(s) : json_null(); }

static int64_t int_of(json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }

static const char *str_of(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

static void on_aggregate(void *ctx, const char *file, json_t *a)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, int_of(a, "pid"), 1);
    (void)p;
    int64_t count = int_of(a, "count"), wall = int_of(a, "wall_ns"), flops = int_of(a, "flops");
    json_t *m = json_object_get(a, "m"), *n = json_object_get(a, "n"), *k = json_object_get(a, "k");
    shape *s = shape_of(g, str_of(a, "routine", "other"), str_of(a, "kernel", "?"),
                        str_of(a, "transa", "-"), str_of(a, "transb", "-"),
                        json_is_integer(m) ? json_integer_value(m) : -1,
                        json_is_integer(n) ? json_integer_value(n) : -1,
                        json_is_integer(k) ? json_integer_value(k) : -1);
    s->count += count;
    s->wall += wall;
    s->flops += flops;
    s->thread_sum += count;
    int64_t mn = int_of(a, "min_ns"), mx = int_of(a, "max_ns");
    if (mn < s->min) s->min = mn;
    if (mx > s->max) s->max = mx;
    add_site(g, json_string_value(json_object_get(a, "caller")),
             json_string_value(json_object_get(a, "py_caller")), count, wall, flops);
    g->calls += count;
    g->wall += wall;
    g->flops += flops;
}

static void on_summary(void *ctx, const char *file, json_t *s)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, int_of(s, "pid"), 1);
    p->elapsed = int_of(s, "elapsed_ns");
    p->has_summary = 1;
}

static void on_mark(void *ctx, const char *file, json_t *m)
{
    (void)file, (void)m;
    ((gather *)ctx)->marks++;
}

/* Stream every report through h. Returns the worst status (see bs_read_report), and 2 when
 * no file held a call record (with_aggregates: or a summary-mode aggregate), with one line on
 * stderr. */
static int read_all(char **files, int nfiles, const bs_reader_handler *h, int with_aggregates)
{
    int rc = 0;
    long calls = 0;
    for (int i = 0; i < nfiles; i++) {
        bs_read_stats st;
        int r = bs_read_report(files[i], h, &st);
        calls += st.calls + (with_aggregates ? st.aggregates : 0);
        if (r > rc)
            rc = r;
    }
    if (rc < 2 && calls == 0) {
        fprintf(stderr, PROG ": no call records in %s%s\n", files[0], nfiles > 1 ? " ..." : "");
        rc = 2;
    }
    return rc;
}

/* Read every report into g. */
static int gather_reports(gather *g, char **files, int nfiles)
{
    bs_reader_handler h = {g, on_header, on_call, on_aggregate, on_mark, on_summary};
    return read_all(files, nfiles, &h, 1);
}

/* ---- output helpers ---------------------------------------------------------------------- */

static FILE *open_out(const char *path)
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

static int close_out(FILE *f, const char *path)
{
    if (f == stdout)
        return fflush(f) == 0 ? 0 : 2;
    if (fclose(f) != 0) {
        fprintf(stderr, PROG ": writing %s failed: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

static int by_wall_desc(const void *a, const void *b)
{
    int64_t x = ((const shape *)a)->wall, y = ((const shape *)b)->wall;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int site_by_wall_desc(const void *a, const void *b)
{
    int64_t x = ((const site *)a)->wall, y = ((const site *)b)->wall;
    return x < y ? 1 : x > y ? -1 : 0;
}

static double gflops(int64_t flops, int64_t wall) { return wall > 0 ? (double)flops / (double)wall : 0; }

static double quantile_us(const shape *s, double q)
{
    if (s->hist_count == 0)
        return NAN; /* only aggregates: no samples to read a percentile from */
    double v = bs_hist_quantile(s->hist, s->hist_count, q, (double)s->max);
    /* a bucket's middle can lie past the extremes actually seen */
    v = v < (double)s->min ? (double)s->min : v > (double)s->max ? (double)s->max : v;
    return v / 1e3;
}

/* per-core peak of the routine's type, GFLOP/s */
typedef struct peaks {
    double s, d;
    int measured;
} peaks;

/* single precision: the routine's type letter (after i of i?amax) is s or c */
static int single(const char *routine)
{
    char t = routine[0] == 'i' ? routine[1] : routine[0];
    return t == 's' || t == 'c';
}

static double peak_for(const peaks *pk, const shape *s)
{
    double per_core = single(s->routine) ? pk->s : pk->d;
    double threads = s->count > 0 ? (double)s->thread_sum / (double)s->count : 1;
    return per_core * threads;
}

static int64_t process_time(const gather *g)
{
    int64_t t = 0;
    for (size_t i = 0; i < g->nprocs; i++) {
        const proc *p = &g->procs[i];
        t += p->has_summary ? p->elapsed : p->last_end > p->start_mono ? p->last_end - p->start_mono : 0;
    }
    return t;
}

/* "m x n x k" with only the sizes the routine has: "300x200x100", "n=1000", "64x64" */
static void fmt_dims(char *buf, size_t cap, int64_t m, int64_t n, int64_t k)
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

static void fmt_us(char *buf, size_t cap, double us)
{
    if (isnan(us))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.1f", us);
}

/* ---- summary ---------------------------------------------------------------------------- */

typedef struct rk {
    char routine[16], kernel[16];
    int64_t count, wall, flops;
} rk;

static int summary_cmd(gather *g, int json, int top, const peaks *pk)
{
    qsort(g->shapes, g->nshapes, sizeof *g->shapes, by_wall_desc);
    qsort(g->sites, g->nsites, sizeof *g->sites, site_by_wall_desc);
    qsort(g->lines, g->nlines, sizeof *g->lines, site_by_wall_desc);
    rk by[64];
    int nby = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        int j = 0;
        while (j < nby && (strcmp(by[j].routine, s->routine) || strcmp(by[j].kernel, s->kernel)))
            j++;
        if (j == nby && nby < 64) {
            memset(&by[nby], 0, sizeof by[0]);
            snprintf(by[j].routine, sizeof by[j].routine, "%s", s->routine);
            snprintf(by[j].kernel, sizeof by[j].kernel, "%s", s->kernel);
            nby++;
        }
        if (j < nby) {
            by[j].count += s->count;
            by[j].wall += s->wall;
            by[j].flops += s->flops;
        }
    }
    const int64_t ptime = process_time(g);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "processes", json_integer((json_int_t)g->nprocs));
        json_object_set_new(o, "calls", json_integer(g->calls));
        json_object_set_new(o, "blas_ns", json_integer(g->wall));
        json_object_set_new(o, "process_ns", json_integer(ptime));
        json_object_set_new(o, "blas_share", ptime > 0 ? json_real((double)g->wall / ptime) : json_null());
        json_object_set_new(o, "gflops", json_real(gflops(g->flops, g->wall)));
        json_object_set_new(o, "marks", json_integer(g->marks));
        json_t *arr = json_array();
        for (int j = 0; j < nby; j++) {
            json_t *e = json_pack("{s:s,s:s,s:I,s:I,s:I,s:f}", "routine", by[j].routine, "kernel",
                                  by[j].kernel, "calls", (json_int_t)by[j].count, "wall_ns",
                                  (json_int_t)by[j].wall, "flops", (json_int_t)by[j].flops,
                                  "gflops", gflops(by[j].flops, by[j].wall));
            json_array_append_new(arr, e);
        }
        json_object_set_new(o, "by_kernel", arr);
        arr = json_array();
        for (size_t i = 0; i < g->nshapes && (int)i < top; i++) {
            const shape *s = &g->shapes[i];
            double p50 = quantile_us(s, 0.5), p95 = quantile_us(s, 0.95);
            json_t *e = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:f,s:I,s:I,s:f}",
                                  "routine", s->routine, "kernel", s->kernel, "transa", str_json(s->ta),
                                  "transb", str_json(s->tb), "m", dim_json(s->m), "n", dim_json(s->n),
                                  "k", dim_json(s->k), "calls", (json_int_t)s->count,
                                  "wall_ns", (json_int_t)s->wall, "mean_ns",
                                  (double)s->wall / (double)s->count, "min_ns", (json_int_t)s->min,
                                  "max_ns", (json_int_t)s->max, "gflops", gflops(s->flops, s->wall));
            json_object_set_new(e, "p50_ns", isnan(p50) ? json_null() : json_real(p50 * 1e3));
            json_object_set_new(e, "p95_ns", isnan(p95) ? json_null() : json_real(p95 * 1e3));
            double peak = peak_for(pk, s);
            json_object_set_new(e, "peak_share", peak > 0 ? json_real(gflops(s->flops, s->wall) / peak)
                                                          : json_null());
            json_array_append_new(arr, e);
        }
        json_object_set_new(o, "top_shapes", arr);
        arr = json_array();
        for (size_t i = 0; i < g->nsites && (int)i < top; i++)
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "caller", g->sites[i].caller,
                                                 "calls", (json_int_t)g->sites[i].count, "wall_ns",
                                                 (json_int_t)g->sites[i].wall));
        json_object_set_new(o, "top_sites", arr);
        arr = json_array();
        for (size_t i = 0; i < g->nlines && (int)i < top; i++)
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I,s:I}", "py_caller", g->lines[i].caller,
                                                 "calls", (json_int_t)g->lines[i].count, "wall_ns",
                                                 (json_int_t)g->lines[i].wall, "flops",
                                                 (json_int_t)g->lines[i].flops));
        json_object_set_new(o, "top_lines", arr);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return 0;
    }
    printf("%zu process%s, %lld BLAS calls, %.3f ms in BLAS", g->nprocs, g->nprocs == 1 ? "" : "es",
           (long long)g->calls, g->wall / 1e6);
    if (ptime > 0)
        printf(" = %.1f%% of %.3f s of process time", 100.0 * g->wall / ptime, ptime / 1e9);
    printf(", %.2f GFLOP/s overall", gflops(g->flops, g->wall));
    if (g->marks)
        printf(", %lld mark%s", (long long)g->marks, g->marks == 1 ? "" : "s");
    printf("\npeak per core (%s): %.1f GFLOP/s fp32, %.1f fp64\n\n",
           pk->measured ? "measured here" : "--peak", pk->s, pk->d);

    printf("%-8s %-11s %9s %11s %7s %9s\n", "routine", "kernel", "calls", "total ms", "share", "GFLOP/s");
    for (int j = 0; j < nby; j++)
        printf("%-8s %-11s %9lld %11.3f %6.1f%% %9.2f\n", by[j].routine, by[j].kernel,
               (long long)by[j].count, by[j].wall / 1e6, g->wall ? 100.0 * by[j].wall / g->wall : 0,
               gflops(by[j].flops, by[j].wall));

    printf("\ntop shapes by total time\n");
    printf("%-6s %-20s %-2s %-10s %8s %10s %9s %9s %9s %10s %8s %6s\n", "gemm", "m x n x k", "op",
           "kernel", "calls", "total ms", "mean us", "p50 us", "p95 us", "max us", "GFLOP/s", "%peak");
    for (size_t i = 0; i < g->nshapes && (int)i < top; i++) {
        const shape *s = &g->shapes[i];
        char dims[64], op[8], p50[24], p95[24];
        fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
        snprintf(op, sizeof op, "%s%s", s->ta, s->tb);
        fmt_us(p50, sizeof p50, quantile_us(s, 0.5));
        fmt_us(p95, sizeof p95, quantile_us(s, 0.95));
        double gf = gflops(s->flops, s->wall), peak = peak_for(pk, s);
        printf("%-6s %-20s %-2s %-10s %8lld %10.3f %9.1f %9s %9s %10.1f %8.2f %5.0f%%\n", s->routine,
               dims, op, s->kernel, (long long)s->count, s->wall / 1e6, s->wall / 1e3 / s->count,
               p50, p95, s->max / 1e3, gf, peak > 0 ? 100 * gf / peak : 0);
    }
    if (g->nshapes > (size_t)top)
        printf("(%zu more shapes)\n", g->nshapes - (size_t)top);

    if (g->nlines) {
        printf("\nhot lines: the Python lines with the most BLAS time\n");
        printf("%9s %11s %7s %9s  %s\n", "calls", "total ms", "share", "GFLOP/s", "line");
        for (size_t i = 0; i < g->nlines && (int)i < top; i++)
            printf("%9lld %11.3f %6.1f%% %9.2f  %s\n", (long long)g->lines[i].count,
                   g->lines[i].wall / 1e6, g->wall ? 100.0 * g->lines[i].wall / g->wall : 0,
                   gflops(g->lines[i].flops, g->lines[i].wall), g->lines[i].caller);
    }

    printf("\ntop call sites by total time\n");
    printf("%9s %11s %7s  %s\n", "calls", "total ms", "share", "caller");
    for (size_t i = 0; i < g->nsites && (int)i < top; i++)
        printf("%9lld %11.3f %6.1f%%  %s\n", (long long)g->sites[i].count, g->sites[i].wall / 1e6,
               g->wall ? 100.0 * g->sites[i].wall / g->wall : 0, g->sites[i].caller);
    return 0;
}

/* ---- compare ------------------------------------------------------------------------------ */

/* compare --json: the totals over matched entries, extra fields, the matched rows, the rest;
 * takes ownership of every JSON value passed */
static int print_compare_json(int64_t tb, int64_t tn, json_t *extra, const char *rows_key,
                              json_t *rows, json_t *only_base, json_t *only_new)
{
    json_t *o = json_pack("{s:I,s:I,s:f}", "base_matched_ns", (json_int_t)tb, "new_matched_ns",
                          (json_int_t)tn, "speedup", tn > 0 ? (double)tb / tn : 0.0);
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    json_object_set_new(o, rows_key, rows);
    json_object_set_new(o, "only_in_base", only_base);
    json_object_set_new(o, "only_in_new", only_new);
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return 0;
}

/* compare --by line: the Python lines matched between the two runs */
static int compare_lines_cmd(gather *base, gather *next, int json)
{
    qsort(base->lines, base->nlines, sizeof *base->lines, site_by_wall_desc);
    json_t *rows = json_array(), *only_base = json_array(), *only_new = json_array();
    int64_t tb = 0, tn = 0;
    if (!json)
        printf("%9s %9s %12s %12s %9s  %s\n", "calls", "calls", "base ms", "new ms", "speedup", "line");
    for (size_t i = 0; i < base->nlines; i++) {
        const site *b = &base->lines[i];
        int ix = map_get(&next->line_ix, b->caller, 0, 0);
        if (ix < 0) {
            json_array_append_new(only_base, json_string(b->caller));
            continue;
        }
        site *n = &next->lines[ix];
        n->flops = -1; /* matched */
        tb += b->wall;
        tn += n->wall;
        double sp = n->wall > 0 ? (double)b->wall / n->wall : 0;
        json_array_append_new(rows, json_pack("{s:s,s:I,s:I,s:I,s:I,s:f}", "py_caller", b->caller,
                                              "base_calls", (json_int_t)b->count, "new_calls",
                                              (json_int_t)n->count, "base_ns", (json_int_t)b->wall,
                                              "new_ns", (json_int_t)n->wall, "speedup", sp));
        if (!json)
            printf("%9lld %9lld %12.3f %12.3f %8.2fx  %s\n", (long long)b->count, (long long)n->count,
                   b->wall / 1e6, n->wall / 1e6, sp, b->caller);
    }
    for (size_t i = 0; i < next->nlines; i++)
        if (next->lines[i].flops != -1)
            json_array_append_new(only_new, json_string(next->lines[i].caller));
    if (json)
        return print_compare_json(tb, tn, NULL, "lines", rows, only_base, only_new);
    printf("\nmatched lines: base %.3f ms, new %.3f ms, speedup %.2fx\n", tb / 1e6, tn / 1e6,
           tn > 0 ? (double)tb / tn : 0);
    if (base->nlines == 0 && next->nlines == 0)
        printf("(no Python lines in these reports: py_caller is recorded for calls from Python)\n");
    json_decref(rows), json_decref(only_base), json_decref(only_new);
    return 0;
}

static int compare_cmd(gather *base, gather *next, int json)
{
    qsort(base->shapes, base->nshapes, sizeof *base->shapes, by_wall_desc);
    int64_t tb = 0, tn = 0;
    json_t *matched = json_array(), *only_base = json_array(), *only_new = json_array();
    if (!json)
        printf("%-6s %-20s %-2s %9s %9s %12s %12s %9s\n", "gemm", "m x n x k", "op", "calls", "calls",
               "base us", "new us", "speedup");
    for (size_t i = 0; i < base->nshapes; i++) {
        const shape *b = &base->shapes[i];
        char key[160];
        snprintf(key, sizeof key, "%s||%s|%s|%lld|%lld|%lld", b->routine, b->ta, b->tb,
                 (long long)b->m, (long long)b->n, (long long)b->k);
        int ix = map_get(&next->shape_ix, key, 0, 0);
        if (ix < 0) {
            json_array_append_new(only_base, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I}", "routine", b->routine,
                "m", dim_json(b->m), "n", dim_json(b->n), "k", dim_json(b->k), "transa", str_json(b->ta),
                "transb", str_json(b->tb), "calls", (json_int_t)b->count));
            continue;
        }
        shape *n = &next->shapes[ix];
        n->thread_sum = -1; /* matched */
        double mb = (double)b->wall / b->count, mn = (double)n->wall / n->count;
        tb += b->wall;
        tn += n->wall;
        json_array_append_new(matched, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:I,s:I,s:f,s:f,s:f}",
            "routine", b->routine, "m", dim_json(b->m), "n", dim_json(b->n), "k", dim_json(b->k),
            "transa", str_json(b->ta), "transb", str_json(b->tb), "base_kernel", b->kernel, "new_kernel", n->kernel,
            "base_calls", (json_int_t)b->count, "new_calls", (json_int_t)n->count, "base_mean_ns", mb,
            "new_mean_ns", mn, "speedup", mn > 0 ? mb / mn : 0.0));
        if (!json) {
            char dims[64], op[8];
            fmt_dims(dims, sizeof dims, b->m, b->n, b->k);
            snprintf(op, sizeof op, "%s%s", b->ta, b->tb);
            printf("%-6s %-20s %-2s %9lld %9lld %12.1f %12.1f %8.2fx\n", b->routine, dims, op,
                   (long long)b->count, (long long)n->count, mb / 1e3, mn / 1e3, mn > 0 ? mb / mn : 0);
        }
    }
    for (size_t i = 0; i < next->nshapes; i++) {
        const shape *n = &next->shapes[i];
        if (n->thread_sum == -1)
            continue;
        json_array_append_new(only_new, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I}", "routine", n->routine,
            "m", dim_json(n->m), "n", dim_json(n->n), "k", dim_json(n->k), "transa", str_json(n->ta),
            "transb", str_json(n->tb), "calls", (json_int_t)n->count));
    }
    if (json)
        return print_compare_json(tb, tn, json_pack("{s:I,s:I}", "base_total_ns",
                                                    (json_int_t)base->wall, "new_total_ns",
                                                    (json_int_t)next->wall),
                                  "shapes", matched, only_base, only_new);
    printf("\nmatched shapes: base %.3f ms, new %.3f ms, speedup %.2fx\n", tb / 1e6, tn / 1e6,
           tn > 0 ? (double)tb / tn : 0);
    printf("all calls:      base %.3f ms, new %.3f ms\n", base->wall / 1e6, next->wall / 1e6);
    const char *titles[2] = {"only in base", "only in new"};
    json_t *lists[2] = {only_base, only_new};
    for (int l = 0; l < 2; l++) {
        if (json_array_size(lists[l]) == 0)
            continue;
        printf("\n%s:\n", titles[l]);
        size_t i;
        json_t *e;
        json_array_foreach(lists[l], i, e)
            printf("  %s %lldx%lldx%lld %s%s (%lld calls)\n", str_of(e, "routine", "?"),
                   (long long)int_of(e, "m"), (long long)int_of(e, "n"), (long long)int_of(e, "k"),
                   str_of(e, "transa", "?"), str_of(e, "transb", "?"), (long long)int_of(e, "calls"));
    }
    json_decref(matched), json_decref(only_base), json_decref(only_new);
    return 0;
}

/* ---- csv (streaming) -------------------------------------------------------------------- */

static void csv_str(FILE *o, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, o);
        return;
    }
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

#define CSV_STR(v) csv_str(o, v)
#define CSV_STRN(v) csv_str(o, v)
#define CSV_STRO(v) csv_str(o, v)
#define CSV_I64(v) fprintf(o, "%lld", (long long)(v))
#define CSV_I64N(v) ((v) < 0 ? 0 : fprintf(o, "%lld", (long long)(v)))
#define CSV_I64S(v) ((v) == BS_NULL_I64 ? 0 : fprintf(o, "%lld", (long long)(v)))
#define CSV_F64(v) fprintf(o, "%.17g", v)
#define CSV_F64X(v) ((v) != (v) ? 0 : fprintf(o, "%.17g", v))
#define CSV_F64N(v) ((v) < 0 ? 0 : fprintf(o, "%.9g", v))
#define CSV_BOOLN(v) ((v) < 0 ? 0 : fputs((v) ? "true" : "false", o))
#define CSV_FRAMES(v) csv_frames(o, (&(v) == &r->frames) ? c->frames : c->py_stack)

static void csv_frames(FILE *o, json_t *frames)
{
    if (!frames)
        return;
    char buf[8192];
    size_t used = 0, i;
    json_t *f;
    buf[0] = '\0';
    json_array_foreach(frames, i, f) {
        const char *s = json_string_value(f);
        int n = snprintf(buf + used, sizeof buf - used, "%s%s", i ? " | " : "", s ? s : "?");
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    csv_str(o, buf);
}

static void on_csv_call(void *ctx, const char *file, const bs_call_view *c)
{
    FILE *o = ctx;
    const bs_record *r = &c->r;
    csv_str(o, file);
#define BS_FIELD(name, kind, unit, doc) fputc(',', o), CSV_##kind(r->name);
#include "fields.def"
#undef BS_FIELD
    fputc('\n', o);
}

static int csv_cmd(char **files, int nfiles, const char *out)
{
    FILE *o = open_out(out);
    fputs("file", o);
#define BS_FIELD(name, kind, unit, doc) fputs("," #name, o);
#include "fields.def"
#undef BS_FIELD
    fputc('\n', o);
    bs_reader_handler h = {o, NULL, on_csv_call, NULL, NULL, NULL};
    int rc = read_all(files, nfiles, &h, 0);
    int wrc = close_out(o, out);
    return rc > wrc ? rc : wrc;
}

/* ---- trace (streaming) ------------------------------------------------------------------ */

typedef struct tracer {
    FILE *o;
    long events;
} tracer;

static void trace_event(tracer *t, json_t *e)
{
    fputs(t->events++ ? ",\n" : "\n", t->o);
    json_dumpf(e, t->o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(e);
}

static void on_trace_header(void *ctx, const char *file, json_t *h)
{
    (void)file;
    const char *prog = json_string_value(json_array_get(json_object_get(h, "argv"), 0));
    char name[256];
    snprintf(name, sizeof name, "%s (pid %lld)", prog ? prog : "?", (long long)int_of(h, "pid"));
    trace_event(ctx, json_pack("{s:s,s:s,s:I,s:I,s:{s:s}}", "name", "process_name", "ph", "M", "pid",
                               (json_int_t)int_of(h, "pid"), "tid", (json_int_t)0, "args", "name", name));
}

static void on_trace_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    const bs_record *r = &c->r;
    char name[96], dims[64];
    fmt_dims(dims, sizeof dims, r->m, r->n, r->k);
    snprintf(name, sizeof name, "%s %s", r->routine, dims);
    json_t *args = json_pack("{s:s,s:s,s:s,s:s,s:I}", "kernel", r->kernel, "api", r->api,
                             "transa", or_dash(r->transa), "transb", or_dash(r->transb), "seq",
                             (json_int_t)r->seq);
    json_object_set_new(args, "m", r->m >= 0 ? json_integer(r->m) : json_null());
    json_object_set_new(args, "n", r->n >= 0 ? json_integer(r->n) : json_null());
    json_object_set_new(args, "k", r->k >= 0 ? json_integer(r->k) : json_null());
    json_object_set_new(args, "gflops", r->gflops >= 0 ? json_real(r->gflops) : json_null());
    json_object_set_new(args, "threads", r->threads >= 0 ? json_integer(r->threads) : json_null());
    if (r->caller)
        json_object_set_new(args, "caller", json_string(r->caller));
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:f}", "name", name, "cat", r->routine, "ph", "X",
                          "pid", (json_int_t)r->pid, "tid", (json_int_t)r->tid, "ts", r->ts_ns / 1e3,
                          "dur", r->wall_ns / 1e3);
    json_object_set_new(e, "args", args);
    trace_event(ctx, e);
}

static void on_trace_mark(void *ctx, const char *file, json_t *m)
{
    (void)file;
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:I,s:f}", "name", str_of(m, "name", ""), "ph", "i", "s", "p",
                          "pid", (json_int_t)int_of(m, "pid"), "tid", (json_int_t)int_of(m, "tid"),
                          "ts", int_of(m, "ts_ns") / 1e3);
    trace_event(ctx, e);
}

static int trace_cmd(char **files, int nfiles, const char *out)
{
    tracer t = {open_out(out), 0};
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", t.o);
    bs_reader_handler h = {&t, on_trace_header, on_trace_call, NULL, on_trace_mark, NULL};
    int rc = read_all(files, nfiles, &h, 0);
    fputs("\n]}\n", t.o);
    int wrc = close_out(t.o, out);
    if (rc < 2 && out && strcmp(out, "-") != 0)
        fprintf(stderr, PROG ": %ld events in %s: open it in https://ui.perfetto.dev or "
                        "chrome://tracing\n", t.events, out);
    return rc > wrc ? rc : wrc;
}

/* ---- plot: a roofline in SVG --------------------------------------------------------------- */

/* bytes moved per second by memcpy of a buffer well beyond the caches, GB/s (read + write) */
static double measure_bandwidth(void)
{
    const size_t n = 128u << 20;
    char *a = malloc(n), *b = malloc(n);
    if (!a || !b) {
        free(a), free(b);
        return 0;
    }
    memset(a, 1, n);
    memset(b, 2, n);
    double best = 0;
    for (int r = 0; r < 3; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        memcpy(r % 2 ? a : b, r % 2 ? b : a, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
        if (s > 0 && 2.0 * n / s / 1e9 > best)
            best = 2.0 * n / s / 1e9;
    }
    volatile char sink = a[n / 2] + b[n / 3];
    (void)sink;
    free(a), free(b);
    return best;
}

static void svg_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", o);
        else if (*s == '>') fputs("&gt;", o);
        else if (*s == '&') fputs("&amp;", o);
        else if (*s == '"') fputs("&quot;", o);
        else fputc(*s, o);
    }
}

static int plot_cmd(gather *g, const char *out, const peaks *pk, double bandwidth, int bw_measured)
{
    qsort(g->shapes, g->nshapes, sizeof *g->shapes, by_wall_desc);
    const double W = 960, H = 600, L = 90, R = 270, T = 50, B = 70;
    const double pw = W - L - R, ph = H - T - B;
    /* the roofs: the fastest threads any shape ran with, per core peak of each type */
    double threads = 1;
    for (size_t i = 0; i < g->nshapes; i++)
        if (g->shapes[i].count && (double)g->shapes[i].thread_sum / g->shapes[i].count > threads)
            threads = (double)g->shapes[i].thread_sum / g->shapes[i].count;
    double roof_s = pk->s * threads, roof_d = pk->d * threads;
    double xmin = 1e30, xmax = 0, ymin = 1e30, ymax = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        if (!s->bytes || !s->wall || !s->flops)
            continue;
        double x = (double)s->flops / s->bytes, y = gflops(s->flops, s->wall);
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
    }
    if (xmax == 0) {
        fprintf(stderr, PROG ": no call with a size and a time to plot\n");
        return 2;
    }
    double top = roof_s > ymax ? roof_s : ymax;
    double lx0 = floor(log10(xmin / 2)), lx1 = ceil(log10(xmax * 2));
    double ly0 = floor(log10(ymin / 2)), ly1 = ceil(log10(top * 2));
    if (lx1 - lx0 < 2) lx1 = lx0 + 2;
    if (ly1 - ly0 < 2) ly0 = ly1 - 2;
#define PX(x) (L + (log10(x) - lx0) / (lx1 - lx0) * pw)
#define PY(y) (T + ph - (log10(y) - ly0) / (ly1 - ly0) * ph)
    FILE *o = open_out(out);
    fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
            W, H, W, H);
    fprintf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(o, "<text x=\"%.0f\" y=\"28\" font-size=\"18\" text-anchor=\"middle\">Roofline: %lld BLAS "
               "calls, %zu shapes</text>\n", L + pw / 2, (long long)g->calls, g->nshapes);
    /* grid and decade ticks */
    for (double e = lx0; e <= lx1; e++) {
        double x = L + (e - lx0) / (lx1 - lx0) * pw;
        fprintf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>\n", x, T, x, T + ph);
        fprintf(o, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">%g</text>\n", x,
                T + ph + 18, pow(10, e));
    }
    for (double e = ly0; e <= ly1; e++) {
        double y = T + ph - (e - ly0) / (ly1 - ly0) * ph;
        fprintf(o, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, y, L + pw, y);
        fprintf(o, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%g</text>\n", L - 6,
                y + 4, pow(10, e));
    }
    fprintf(o, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"black\"/>\n",
            L, T, pw, ph);
    fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"14\" text-anchor=\"middle\">arithmetic intensity "
               "(flop per byte of A, B and C)</text>\n", L + pw / 2, H - 20);
    fprintf(o, "<text x=\"22\" y=\"%.0f\" font-size=\"14\" text-anchor=\"middle\" transform=\"rotate(-90 22 %.0f)\">"
               "achieved GFLOP/s</text>\n", T + ph / 2, T + ph / 2);
    fprintf(o, "<clipPath id=\"plot\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\"/></clipPath>\n",
            L, T, pw, ph);
    /* roofs: min(peak, bandwidth x intensity) */
    const char *colors[2] = {"#1f77b4", "#d62728"};
    double roofs[2] = {roof_s, roof_d};
    for (int t = 0; t < 2; t++) {
        if (roofs[t] <= 0)
            continue;
        double xr = bandwidth > 0 ? roofs[t] / bandwidth : pow(10, lx0);
        double x0 = pow(10, lx0), x1 = pow(10, lx1);
        if (bandwidth > 0 && xr > x0)
            fprintf(o, "<polyline clip-path=\"url(#plot)\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                       "stroke-dasharray=\"6 3\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n",
                    colors[t], PX(x0), PY(bandwidth * x0), PX(xr), PY(roofs[t]), PX(x1), PY(roofs[t]));
        else
            fprintf(o, "<line clip-path=\"url(#plot)\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n",
                    PX(x0), PY(roofs[t]), PX(x1), PY(roofs[t]), colors[t]);
    }
    /* points: area proportional to the share of BLAS time; the costliest labelled */
    double placed[12][2];
    int nplaced = 0;
    for (size_t i = g->nshapes; i-- > 0;) {
        const shape *s = &g->shapes[i];
        if (!s->bytes || !s->wall || !s->flops)
            continue;
        double x = (double)s->flops / s->bytes, y = gflops(s->flops, s->wall);
        double r = 3 + 25 * sqrt((double)s->wall / (g->wall ? g->wall : 1));
        const char *c = single(s->routine) ? colors[0] : colors[1];
        fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.45\" "
                   "stroke=\"%s\"><title>", PX(x), PY(y), r, c, c);
        fprintf(o, "%s %lldx%lldx%lld %s%s %s: %lld calls, %.3f ms, %.2f GFLOP/s", s->routine,
                (long long)s->m, (long long)s->n, (long long)s->k, s->ta, s->tb, s->kernel,
                (long long)s->count, s->wall / 1e6, y);
        fprintf(o, "</title></circle>\n");
        /* the costliest shapes get a label, unless it would overlap one already placed */
        double tx = PX(x) + r + 2, ty = PY(y) + 4;
        int clash = 0;
        for (int j = 0; j < nplaced; j++)
            clash |= fabs(placed[j][0] - tx) < 150 && fabs(placed[j][1] - ty) < 13;
        if (i < 12 && !clash && nplaced < 12) {
            placed[nplaced][0] = tx, placed[nplaced][1] = ty, nplaced++;
            fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", tx, ty);
            fprintf(o, "%s %lldx%lldx%lld %s", s->routine, (long long)s->m, (long long)s->n,
                    (long long)s->k, s->kernel);
            fprintf(o, "</text>\n");
        }
    }
    /* legend */
    double lx = L + pw + 20, ly = T + 10;
    fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\" font-weight=\"bold\">Legend</text>\n", lx, ly);
    char line[256];
    const char *items[6];
    char buf[6][200];
    snprintf(buf[0], sizeof buf[0], "sgemm shape (area: time share)");
    snprintf(buf[1], sizeof buf[1], "dgemm shape");
    snprintf(buf[2], sizeof buf[2], "fp32 roof %.0f GFLOP/s", roof_s);
    snprintf(buf[3], sizeof buf[3], "fp64 roof %.0f GFLOP/s", roof_d);
    snprintf(buf[4], sizeof buf[4], "(%.0f thread%s x %s peak)", threads, threads > 1 ? "s" : "",
             pk->measured ? "measured" : "given");
    snprintf(buf[5], sizeof buf[5], "memory roof %.1f GB/s (%s)", bandwidth,
             bw_measured ? "memcpy" : "given");
    for (int i = 0; i < 6; i++)
        items[i] = buf[i];
    for (int i = 0; i < 6; i++) {
        double y = ly + 24 + i * 22;
        if (i < 2)
            fprintf(o, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"6\" fill=\"%s\" fill-opacity=\"0.45\" stroke=\"%s\"/>\n",
                    lx + 6, y - 4, colors[i], colors[i]);
        else if (i < 4 || i == 5)
            fprintf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
                       "stroke-dasharray=\"6 3\"/>\n", lx, y - 4, lx + 14, y - 4, i == 5 ? "#555" : colors[i - 2]);
        snprintf(line, sizeof line, "%s", items[i]);
        fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">", lx + 20, y);
        svg_text(o, line);
        fprintf(o, "</text>\n");
    }
    fprintf(o, "</svg>\n");
#undef PX
#undef PY
    int rc = close_out(o, out);
    if (rc == 0 && out && strcmp(out, "-") != 0)
        fprintf(stderr, PROG ": roofline of %zu shapes in %s\n", g->nshapes, out);
    return rc;
}

/* ---- command line ------------------------------------------------------------------------ */

static const char *const usage_text =
    "usage: blasshim-report [COMMAND] [OPTIONS] REPORT...\n"
    "Read blasshim's JSON Lines reports (several files are one merged view).\n\n"
    "commands:\n"
    "  summary REPORT...           (the default) calls, BLAS time and its share, per routine and\n"
    "                              kernel; top shapes with mean/p50/p95/max, GFLOP/s, %% of peak;\n"
    "                              top call sites; the hot Python lines (py_caller).\n"
    "                              --json  --top N  --peak S[,D]\n"
    "  compare BASE NEW            shapes matched between two runs: time per call, speedup,\n"
    "                              totals, shapes found in one run only.  --json\n"
    "                              --by line: match the Python lines instead of the shapes\n"
    "  csv REPORT... [-o FILE]     one row per call, every field\n"
    "  trace REPORT... [-o FILE]   Chrome trace events for Perfetto / chrome://tracing\n"
    "  plot REPORT... -o FILE.svg  roofline: GFLOP/s against flop per byte, per shape.\n"
    "                              --peak S[,D]  --bandwidth GB/s\n\n"
    "--peak: GFLOP/s of one core, fp32[,fp64] (default: measured here with an FMA loop).\n"
    "--bandwidth: memory bandwidth for the plot's memory roof (default: memcpy measured here).\n"
    "Exit status: 0 good, 1 some lines malformed (FILE:LINE on stderr), 2 unusable input or usage.\n";

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s%s (see " PROG " %s%s--help)\n", cmd ? cmd : "", cmd ? ": " : "", msg,
            arg ? arg : "", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

static int parse_peak(const char *s, peaks *pk)
{
    char *end;
    double a = strtod(s, &end), b = a;
    if (end == s || a <= 0)
        return -1;
    if (*end == ',') {
        const char *rest = end + 1;
        b = strtod(rest, &end);
        if (end == rest || b <= 0)
            return -1;
    } else {
        b = a / 2; /* one number: fp32; fp64 runs at half the lanes */
    }
    if (*end)
        return -1;
    pk->s = a, pk->d = b, pk->measured = 0;
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = "summary";
    int first = 1;
    static const char *const commands[] = {"summary", "compare", "csv", "trace", "plot", NULL};
    if (argc > 1) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
            fputs(usage_text, stdout);
            return 0;
        }
        for (int i = 0; commands[i]; i++)
            if (!strcmp(argv[1], commands[i]))
                cmd = commands[i], first = 2;
        if (first == 1 && argv[1][0] != '-' && !strchr(argv[1], '.') && !strchr(argv[1], '/'))
            return usage_error(NULL, "unknown command ", argv[1]);
    }
    int json = 0, top = 10, by_line = 0;
    const char *out = NULL;
    peaks pk = {0, 0, 1};
    int have_peak = 0;
    double bandwidth = 0;
    char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            free(files);
            return 0;
        } else if (!strcmp(a, "--json") && (!strcmp(cmd, "summary") || !strcmp(cmd, "compare"))) {
            json = 1;
        } else if (!strcmp(a, "--by") && !strcmp(cmd, "compare")) {
            if (++i >= argc || (strcmp(argv[i], "line") && strcmp(argv[i], "shape")))
                return usage_error(cmd, "--by takes shape or line", NULL);
            by_line = !strcmp(argv[i], "line");
        } else if (!strcmp(a, "-o") && strcmp(cmd, "summary") && strcmp(cmd, "compare")) {
            if (++i >= argc)
                return usage_error(cmd, "-o needs a file name", NULL);
            out = argv[i];
        } else if (!strcmp(a, "--top") && !strcmp(cmd, "summary")) {
            if (++i >= argc || (top = atoi(argv[i])) < 1)
                return usage_error(cmd, "--top needs a positive number", NULL);
        } else if (!strcmp(a, "--peak") && (!strcmp(cmd, "summary") || !strcmp(cmd, "plot"))) {
            if (++i >= argc || parse_peak(argv[i], &pk) != 0)
                return usage_error(cmd, "--peak needs GFLOP/s, e.g. 200 or 200,100", NULL);
            have_peak = 1;
        } else if (!strcmp(a, "--bandwidth") && !strcmp(cmd, "plot")) {
            char *end;
            if (++i >= argc || (bandwidth = strtod(argv[i], &end)) <= 0 || *end)
                return usage_error(cmd, "--bandwidth needs GB/s, e.g. 20", NULL);
        } else if (a[0] == '-' && a[1]) {
            return usage_error(cmd, "unknown option ", a);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0)
        return usage_error(cmd, "no report given", NULL);
    if (!strcmp(cmd, "compare") && nfiles != 2)
        return usage_error(cmd, "compare takes two reports, BASE and NEW", NULL);
    if (!strcmp(cmd, "plot") && !out)
        return usage_error(cmd, "plot needs -o FILE.svg", NULL);

    int rc;
    if (!strcmp(cmd, "csv"))
        rc = csv_cmd(files, nfiles, out);
    else if (!strcmp(cmd, "trace"))
        rc = trace_cmd(files, nfiles, out);
    else if (!strcmp(cmd, "compare")) {
        gather base = {.by_kernel = 0}, next = {.by_kernel = 0};
        int r1 = gather_reports(&base, files, 1), r2 = gather_reports(&next, files + 1, 1);
        rc = r1 > r2 ? r1 : r2;
        if (rc < 2)
            rc = (by_line ? compare_lines_cmd(&base, &next, json) : compare_cmd(&base, &next, json))
                     ? 2 : rc;
    } else {
        gather g = {.by_kernel = 1};
        rc = gather_reports(&g, files, nfiles);
        if (rc < 2) {
            if (!have_peak)
                bs_measure_peak(&pk.s, &pk.d);
            int bw_measured = 0;
            if (!strcmp(cmd, "plot") && bandwidth <= 0)
                bandwidth = measure_bandwidth(), bw_measured = 1;
            int r = !strcmp(cmd, "plot") ? plot_cmd(&g, out, &pk, bandwidth, bw_measured)
                                         : summary_cmd(&g, json, top, &pk);
            if (r > rc)
                rc = r;
        }
    }
    free(files);
    return rc;
}
