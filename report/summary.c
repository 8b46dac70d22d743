/* report/summary.c — `summary`: the run in a screenful (or --json). */
#include <math.h>
#include <string.h>

#include "tool.h"

/* ---- summary ---------------------------------------------------------------------------- */

static int lapack_by_wall_desc(const void *a, const void *b)
{
    const lapack *x = a, *y = b;
    return (y->wall > x->wall) - (y->wall < x->wall);
}

static int kid_by_wall_desc(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    return (y->wall > x->wall) - (y->wall < x->wall);
}

static json_t *lapack_json(const gather *g)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < g->nlapacks; i++) {
        const lapack *l = &g->lapacks[i];
        json_t *kids = json_array();
        for (int k = 0; k < l->nkids; k++)
            json_array_append_new(kids, json_pack("{s:s,s:I,s:I}", "routine", l->kids[k].routine,
                                                  "calls", (json_int_t)l->kids[k].count, "wall_ns",
                                                  (json_int_t)l->kids[k].wall));
        json_array_append_new(arr,
                              json_pack("{s:s,s:I,s:I,s:I,s:I,s:o}", "routine", l->routine, "calls",
                                        (json_int_t)l->count, "wall_ns", (json_int_t)l->wall,
                                        "failed", (json_int_t)l->failed, "children_ns",
                                        (json_int_t)l->kids_wall, "children", kids));
    }
    return arr;
}

/* ---- verify results ---------------------------------------------------------------------- */

static json_t *verify_json(const gather *g)
{
    json_t *arr = json_array();
    int64_t nonfinite = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        if (!s->verified)
            continue;
        nonfinite += s->nonfinite;
        json_t *e = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "routine", s->routine, "kernel",
                              s->kernel, "transa", str_json(s->ta), "transb", str_json(s->tb), "m",
                              dim_json(s->m), "n", dim_json(s->n), "k", dim_json(s->k));
        json_object_set_new(e, "verified", json_integer(s->verified));
        json_object_set_new(e, "worst_max_rel_err", json_real(s->worst_err));
        json_object_set_new(e, "nonfinite", json_integer(s->nonfinite));
        json_array_append_new(arr, e);
    }
    return json_pack("{s:I,s:I,s:o}", "calls_verified", (json_int_t)g->verified, "nonfinite_calls",
                     (json_int_t)nonfinite, "shapes", arr);
}

static void print_verify(const gather *g)
{
    int64_t nonfinite = 0;
    for (size_t i = 0; i < g->nshapes; i++)
        nonfinite += g->shapes[i].nonfinite;
    printf("\nverify: %lld of %lld calls checked against the system BLAS; %lld with NaN/Inf\n",
           (long long)g->verified, (long long)g->calls, (long long)nonfinite);
    printf("%-6s %-20s %-2s %-10s %9s %17s %10s\n", "gemm", "m x n x k", "op", "kernel", "verified",
           "worst max_rel_err", "nonfinite");
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        if (!s->verified)
            continue;
        char dims[64], op[8];
        fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
        snprintf(op, sizeof op, "%s%s", s->ta, s->tb);
        printf("%-6s %-20s %-2s %-10s %9lld %17.3g %10lld\n", s->routine, dims, op, s->kernel,
               (long long)s->verified, s->worst_err, (long long)s->nonfinite);
    }
}

/* ---- phases: between the marks of each thread ------------------------------------------- */

static json_t *phases_json(gather *g)
{
    sort_n(g->phases, g->nphases, sizeof *g->phases, phase_by_thread);
    json_t *arr = json_array();
    for (size_t i = 0; i < g->nphases; i++) {
        const phase *p = &g->phases[i];
        int64_t span = phase_span(p);
        json_t *e = json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:f}", "pid", (json_int_t)p->pid, "tid",
                              (json_int_t)p->tid, "mark", p->name, "calls", (json_int_t)p->calls,
                              "blas_ns", (json_int_t)p->wall, "flops", (json_int_t)p->flops,
                              "gflops", gflops(p->flops, p->wall));
        json_object_set_new(e, "span_ns", span >= 0 ? json_integer(span) : json_null());
        json_array_append_new(arr, e);
    }
    return arr;
}

/* Per LAPACK routine: its time, the time of the calls made directly inside it and theirs. */
static void print_lapack(const gather *g)
{
    printf("\nLAPACK calls, and the calls made directly inside them\n");
    printf("%-8s %9s %11s %11s %7s  %s\n", "routine", "calls", "total ms", "inside ms", "failed",
           "made inside (ms)");
    for (size_t i = 0; i < g->nlapacks; i++) {
        const lapack *l = &g->lapacks[i];
        printf("%-8s %9lld %11.3f %11.3f %7lld  ", l->routine, (long long)l->count, l->wall / 1e6,
               l->kids_wall / 1e6, (long long)l->failed);
        for (int k = 0; k < l->nkids; k++)
            printf("%s%s %.3f", k ? ", " : "", l->kids[k].routine, l->kids[k].wall / 1e6);
        printf("%s\n", l->nkids ? "" : "-");
    }
}

static void print_phases(gather *g)
{
    sort_n(g->phases, g->nphases, sizeof *g->phases, phase_by_thread);
    printf("\nphases: the BLAS calls of each thread between its marks (span: mark to next mark)\n");
    printf("%8s %8s %-24s %9s %11s %9s %11s\n", "pid", "tid", "from mark", "calls", "BLAS ms",
           "GFLOP/s", "span ms");
    for (size_t i = 0; i < g->nphases; i++) {
        const phase *p = &g->phases[i];
        char span[32];
        int64_t sp = phase_span(p);
        if (sp >= 0)
            snprintf(span, sizeof span, "%.3f", sp / 1e6);
        else
            snprintf(span, sizeof span, "-");
        printf("%8lld %8lld %-24s %9lld %11.3f %9.2f %11s\n", (long long)p->pid, (long long)p->tid,
               p->name, (long long)p->calls, p->wall / 1e6, gflops(p->flops, p->wall), span);
    }
    if (g->phases_cut)
        printf("(more than %d phases: the calls after the last one shown are in it)\n", MAX_PHASES);
}

static const char *const peak_rule =
    "%peak = GFLOP/s / (one core's FMA peak x the threads that worked on the calls: `threads`; "
    "for system the real BLAS's own count)";

int summary_cmd(gather *g, int json, int top, const peaks *pk, int by_stack)
{
    sort_n(g->lapacks, g->nlapacks, sizeof *g->lapacks, lapack_by_wall_desc);
    for (size_t i = 0; i < g->nlapacks; i++)
        sort_n(g->lapacks[i].kids, (size_t)g->lapacks[i].nkids, sizeof(kid), kid_by_wall_desc);
    sort_n(g->shapes, g->nshapes, sizeof *g->shapes, by_wall_desc);
    sort_n(g->sites.v, g->sites.n, sizeof *g->sites.v, site_by_wall_desc);
    sort_n(g->lines.v, g->lines.n, sizeof *g->lines.v, site_by_wall_desc);
    sort_n(g->stacks.v, g->stacks.n, sizeof *g->stacks.v, site_by_wall_desc);
    rk by[64];
    const int nby = by_routine_kernel(g, by, 64);
    const int64_t ptime = process_time(g);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "processes", json_integer((json_int_t)g->nprocs));
        json_object_set_new(o, "calls", json_integer(g->calls));
        json_object_set_new(o, "nested_calls", json_integer(g->nested));
        json_object_set_new(o, "blas_ns", json_integer(g->wall));
        json_object_set_new(o, "process_ns", json_integer(ptime));
        json_object_set_new(o, "blas_share",
                            ptime > 0 ? json_real((double)g->wall / ptime) : json_null());
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
        json_object_set_new(o, "lapack", lapack_json(g));
        arr = json_array();
        for (size_t i = 0; i < g->nshapes && (int)i < top; i++) {
            const shape *s = &g->shapes[i];
            double p50 = quantile_us(s, 0.5), p95 = quantile_us(s, 0.95);
            json_t *e = json_pack(
                "{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:f,s:I,s:I,s:f}", "routine", s->routine,
                "kernel", s->kernel, "transa", str_json(s->ta), "transb", str_json(s->tb), "m",
                dim_json(s->m), "n", dim_json(s->n), "k", dim_json(s->k), "calls",
                (json_int_t)s->count, "wall_ns", (json_int_t)s->wall, "mean_ns",
                (double)s->wall / (double)s->count, "min_ns", (json_int_t)s->min, "max_ns",
                (json_int_t)s->max, "gflops", gflops(s->flops, s->wall));
            json_object_set_new(e, "p50_ns", isnan(p50) ? json_null() : json_real(p50 * 1e3));
            json_object_set_new(e, "p95_ns", isnan(p95) ? json_null() : json_real(p95 * 1e3));
            double peak = peak_for(pk, s);
            json_object_set_new(e, "threads", json_real(shape_threads(s)));
            json_object_set_new(e, "peak_gflops", peak > 0 ? json_real(peak) : json_null());
            json_object_set_new(e, "peak_share",
                                peak > 0 ? json_real(gflops(s->flops, s->wall) / peak)
                                         : json_null());
            json_array_append_new(arr, e);
        }
        json_object_set_new(o, "top_shapes", arr);
        arr = json_array();
        for (size_t i = 0; i < g->sites.n && (int)i < top; i++)
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "caller", g->sites.v[i].caller,
                                                 "calls", (json_int_t)g->sites.v[i].count,
                                                 "wall_ns", (json_int_t)g->sites.v[i].wall));
        json_object_set_new(o, "top_sites", arr);
        arr = json_array();
        for (size_t i = 0; i < g->lines.n && (int)i < top; i++)
            json_array_append_new(arr,
                                  json_pack("{s:s,s:I,s:I,s:I}", "py_caller", g->lines.v[i].caller,
                                            "calls", (json_int_t)g->lines.v[i].count, "wall_ns",
                                            (json_int_t)g->lines.v[i].wall, "flops",
                                            (json_int_t)g->lines.v[i].flops));
        json_object_set_new(o, "top_lines", arr);
        if (by_stack) {
            arr = json_array();
            for (size_t i = 0; i < g->stacks.n && (int)i < top; i++) {
                const site *st = &g->stacks.v[i];
                json_t *e = json_pack("{s:o,s:I,s:I,s:I}", "py_stack", stack_json(st->caller),
                                      "calls", (json_int_t)st->count, "wall_ns",
                                      (json_int_t)st->wall, "flops", (json_int_t)st->flops);
                json_array_append_new(arr, e);
            }
            json_object_set_new(o, "top_stacks", arr);
        }
        json_object_set_new(o, "peak",
                            json_pack("{s:f,s:f,s:s,s:s}", "fp32_per_core", pk->s, "fp64_per_core",
                                      pk->d, "source", pk->source, "rule", peak_rule));
        if (g->verified)
            json_object_set_new(o, "verify", verify_json(g));
        if (g->marks)
            json_object_set_new(o, "phases", phases_json(g));
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return 0;
    }
    printf("%zu process%s, %lld BLAS calls, %.3f ms in BLAS", g->nprocs, g->nprocs == 1 ? "" : "es",
           (long long)g->calls, g->wall / 1e6);
    if (g->nested)
        printf(" (and %lld calls made inside LAPACK calls, whose time holds theirs)",
               (long long)g->nested);
    if (ptime > 0)
        printf(" = %.1f%% of %.3f s of process time", 100.0 * g->wall / ptime, ptime / 1e9);
    printf(", %.2f GFLOP/s overall", gflops(g->flops, g->wall));
    if (g->marks)
        printf(", %lld mark%s", (long long)g->marks, g->marks == 1 ? "" : "s");
    printf("\npeak per core: %.1f GFLOP/s fp32, %.1f fp64 (%s)\n", pk->s, pk->d, pk->source);
    printf("%s\n\n", peak_rule);

    printf("%-8s %-11s %9s %11s %7s %9s\n", "routine", "kernel", "calls", "total ms", "share",
           "GFLOP/s");
    for (int j = 0; j < nby; j++)
        printf("%-8s %-11s %9lld %11.3f %6.1f%% %9.2f\n", by[j].routine, by[j].kernel,
               (long long)by[j].count, by[j].wall / 1e6, g->wall ? 100.0 * by[j].wall / g->wall : 0,
               gflops(by[j].flops, by[j].wall));

    if (g->nlapacks)
        print_lapack(g);

    printf("\ntop shapes by total time\n");
    printf("%-6s %-20s %-2s %-10s %8s %10s %9s %9s %9s %10s %8s %7s %6s\n", "gemm", "m x n x k",
           "op", "kernel", "calls", "total ms", "mean us", "p50 us", "p95 us", "max us", "GFLOP/s",
           "threads", "%peak");
    for (size_t i = 0; i < g->nshapes && (int)i < top; i++) {
        const shape *s = &g->shapes[i];
        char dims[64], op[8], p50[24], p95[24];
        fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
        snprintf(op, sizeof op, "%s%s", s->ta, s->tb);
        fmt_us(p50, sizeof p50, quantile_us(s, 0.5));
        fmt_us(p95, sizeof p95, quantile_us(s, 0.95));
        double gf = gflops(s->flops, s->wall), peak = peak_for(pk, s);
        printf("%-6s %-20s %-2s %-10s %8lld %10.3f %9.1f %9s %9s %10.1f %8.2f %7.3g %5.0f%%\n",
               s->routine, dims, op, s->kernel, (long long)s->count, s->wall / 1e6,
               s->wall / 1e3 / s->count, p50, p95, s->max / 1e3, gf, shape_threads(s),
               peak > 0 ? 100 * gf / peak : 0);
    }
    if (g->nshapes > (size_t)top)
        printf("(%zu more shapes)\n", g->nshapes - (size_t)top);

    if (by_stack && g->stacks.n) {
        printf("\nhot stacks: the Python stacks with the most BLAS time, outermost frame first\n");
        printf("%9s %11s %7s %9s\n", "calls", "total ms", "share", "GFLOP/s");
        for (size_t i = 0; i < g->stacks.n && (int)i < top; i++) {
            const site *st = &g->stacks.v[i];
            printf("%9lld %11.3f %6.1f%% %9.2f\n", (long long)st->count, st->wall / 1e6,
                   g->wall ? 100.0 * st->wall / g->wall : 0, gflops(st->flops, st->wall));
            print_stack(st->caller, "           ");
        }
    } else if (g->lines.n) {
        printf("\nhot lines: the Python lines with the most BLAS time\n");
        printf("%9s %11s %7s %9s  %s\n", "calls", "total ms", "share", "GFLOP/s", "line");
        for (size_t i = 0; i < g->lines.n && (int)i < top; i++)
            printf("%9lld %11.3f %6.1f%% %9.2f  %s\n", (long long)g->lines.v[i].count,
                   g->lines.v[i].wall / 1e6, g->wall ? 100.0 * g->lines.v[i].wall / g->wall : 0,
                   gflops(g->lines.v[i].flops, g->lines.v[i].wall), g->lines.v[i].caller);
    }

    if (g->verified)
        print_verify(g);
    if (g->marks)
        print_phases(g);

    printf("\ntop call sites by total time\n");
    printf("%9s %11s %7s  %s\n", "calls", "total ms", "share", "caller");
    for (size_t i = 0; i < g->sites.n && (int)i < top; i++)
        printf("%9lld %11.3f %6.1f%%  %s\n", (long long)g->sites.v[i].count,
               g->sites.v[i].wall / 1e6, g->wall ? 100.0 * g->sites.v[i].wall / g->wall : 0,
               g->sites.v[i].caller);
    return 0;
}
