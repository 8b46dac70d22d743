/* report/compare.c — `compare --base A... --new B...`: the same shapes (or Python lines) in two
 * runs. The numbers (compare_rows) are kept apart from their printing: the HTML page uses them.
 *
 * Noise is the enemy of a comparison: a shape's first call in a process runs cold (page
 * faults, the BLAS starting its threads) and can take twice the steady time, so it is shown
 * apart and left out of the statistics; the headline is the median of the rest, with min and
 * p95 for the spread; a row with under 5 calls a side, or whose [min, p95] spreads overlap, is
 * marked as not significant. And a comparison is only fair when both ran the same BLAS the
 * same way: the header facts that change the baseline are compared first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* ---- compare ------------------------------------------------------------------------------ */

/* the matched rows and the rest after o's own fields, printed; takes ownership of them all */
static int emit_json(json_t *o, const char *rows_key, json_t *rows, json_t *only_base,
                     json_t *only_new)
{
    json_object_set_new(o, rows_key, rows);
    json_object_set_new(o, "only_in_base", only_base);
    json_object_set_new(o, "only_in_new", only_new);
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return 0;
}

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
    return emit_json(o, rows_key, rows, only_base, only_new);
}

/* compare --by line / --by stack: the Python lines (or stacks) matched between the two runs */
int compare_sites_cmd(gather *base, gather *next, int json, int by_stack)
{
    site_set *bs = by_stack ? &base->stacks : &base->lines;
    site_set *ns = by_stack ? &next->stacks : &next->lines;
    const char *what = by_stack ? "stack" : "line";
    sort_n(bs->v, bs->n, sizeof *bs->v, site_by_wall_desc);
    json_t *rows = json_array(), *only_base = json_array(), *only_new = json_array();
    int64_t tb = 0, tn = 0;
    if (!json)
        printf("%9s %9s %12s %12s %9s  %s\n", "calls", "calls", "base ms", "new ms", "speedup",
               by_stack ? "stack, outermost frame first" : "line");
    for (size_t i = 0; i < bs->n; i++) {
        const site *b = &bs->v[i];
        json_t *id = by_stack ? stack_json(b->caller) : json_string(b->caller);
        int ix = map_get(&ns->ix, b->caller, 0, 0);
        if (ix < 0) {
            json_array_append_new(only_base, id);
            continue;
        }
        site *n = &ns->v[ix];
        n->matched = 1;
        add_sat(&tb, b->wall);
        add_sat(&tn, n->wall);
        double sp = n->wall > 0 ? (double)b->wall / n->wall : 0;
        json_array_append_new(rows, json_pack("{s:o,s:I,s:I,s:I,s:I,s:f}",
                                              by_stack ? "py_stack" : "py_caller", id, "base_calls",
                                              (json_int_t)b->count, "new_calls",
                                              (json_int_t)n->count, "base_ns", (json_int_t)b->wall,
                                              "new_ns", (json_int_t)n->wall, "speedup", sp));
        if (!json) {
            printf("%9lld %9lld %12.3f %12.3f %8.2fx  %s\n", (long long)b->count,
                   (long long)n->count, b->wall / 1e6, n->wall / 1e6, sp,
                   by_stack ? "" : b->caller);
            if (by_stack)
                print_stack(b->caller, "           ");
        }
    }
    for (size_t i = 0; i < ns->n; i++)
        if (!ns->v[i].matched)
            json_array_append_new(only_new, by_stack ? stack_json(ns->v[i].caller)
                                                     : json_string(ns->v[i].caller));
    if (json)
        return print_compare_json(tb, tn, NULL, by_stack ? "stacks" : "lines", rows, only_base,
                                  only_new);
    printf("\nmatched %ss: base %.3f ms, new %.3f ms, speedup %.2fx\n", what, tb / 1e6, tn / 1e6,
           tn > 0 ? (double)tb / tn : 0);
    const char *titles[2] = {"only in base", "only in new"};
    json_t *lists[2] = {only_base, only_new};
    for (int l = 0; l < 2; l++) {
        if (json_array_size(lists[l]) == 0)
            continue;
        printf("\n%s %ss:\n", titles[l], what);
        size_t i, j;
        json_t *e, *f;
        json_array_foreach(lists[l], i, e)
        {
            if (json_is_string(e))
                printf("  %s\n", json_string_value(e));
            else
                json_array_foreach(e, j, f)
                    printf("%s%s\n", j ? "      " : "  - ", json_string_value(f));
        }
    }
    if (bs->n == 0 && ns->n == 0)
        printf("(no Python lines in these reports: py_caller is recorded for calls from Python)\n");
    json_decref(rows), json_decref(only_base), json_decref(only_new);
    return 0;
}

/* ---- per-side statistics ------------------------------------------------------------------- */

static int by_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* median (the mean of the middle two for an even count) and nearest-rank quantiles */
static double sorted_median(const int64_t *v, size_t n)
{
    return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

static double sorted_rank(const int64_t *v, size_t n, double q)
{
    size_t r = (size_t)ceil(q * (double)n);
    return (double)v[r < 1 ? 0 : r > n ? n - 1 : r - 1];
}

static void side_of(const shape *s, int keep_cold, side_stats *o)
{
    memset(o, 0, sizeof *o);
    o->calls = s->count;
    o->kernel = s->kernel;
    o->cold_calls = s->cold.count;
    o->cold_ns = s->cold.count ? (double)s->cold.sum / (double)s->cold.count : NAN;
    o->median_ns = o->min_ns = o->p95_ns = NAN;
    const samples *set[2] = {&s->warm, keep_cold || s->warm.count == 0 ? &s->cold : NULL};
    int64_t n = 0, lo = INT64_MAX, hi = 0;
    int exact = 1;
    for (int i = 0; i < 2; i++)
        if (set[i] && set[i]->count) {
            n += set[i]->count;
            exact &= set[i]->count <= SAMPLE_CAP;
            lo = set[i]->min < lo ? set[i]->min : lo;
            hi = set[i]->max > hi ? set[i]->max : hi;
        }
    o->used = n;
    if (n == 0)
        return; /* summary-mode aggregates: no call times */
    o->exact = exact;
    o->min_ns = (double)lo;
    if (exact) {
        int64_t *v = malloc((size_t)n * sizeof *v);
        if (!v) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(2);
        }
        size_t k = 0;
        for (int i = 0; i < 2; i++)
            if (set[i] && set[i]->count) {
                memcpy(v + k, set[i]->v, (size_t)set[i]->count * sizeof *v);
                k += (size_t)set[i]->count;
            }
        sort_n(v, k, sizeof *v, by_i64);
        o->median_ns = sorted_median(v, k);
        o->p95_ns = sorted_rank(v, k, 0.95);
        free(v);
        return;
    }
    uint32_t h[BS_HIST_BUCKETS] = {0};
    for (int i = 0; i < 2; i++)
        for (int b = 0; set[i] && b < BS_HIST_BUCKETS; b++)
            h[b] += set[i]->hist[b];
    double q[2] = {bs_hist_quantile(h, n, 0.5, (double)hi),
                   bs_hist_quantile(h, n, 0.95, (double)hi)};
    for (int i = 0; i < 2; i++) /* a bucket's middle can lie past the extremes seen */
        q[i] = q[i] < (double)lo ? (double)lo : q[i] > (double)hi ? (double)hi : q[i];
    o->median_ns = q[0], o->p95_ns = q[1];
}

/* the time a row's side stands for: the median, or the mean when there are no call times */
static double center(const side_stats *st, const shape *s)
{
    if (!isnan(st->median_ns))
        return st->median_ns;
    return s->count ? (double)s->wall / (double)s->count : 0;
}

static void judge(compare_row *r)
{
    double cb = center(&r->b, r->base), cn = center(&r->n, r->next);
    r->speedup = cn > 0 ? cb / cn : 0;
    if (isnan(r->b.median_ns) || isnan(r->n.median_ns))
        r->why = "no call times";
    else if (r->b.used < SIGNIFICANT_MIN_CALLS || r->n.used < SIGNIFICANT_MIN_CALLS)
        r->why = "fewer than 5 calls";
    else if (r->b.min_ns <= r->n.p95_ns && r->n.min_ns <= r->b.p95_ns)
        r->why = "spreads overlap";
    r->significant = r->why == NULL;
}

/* ---- header differences ------------------------------------------------------------------- */

/* The kernel selectors are what is being compared (the column headers name them) and the
 * report's name always differs: every other BLAS variable is a difference in the baseline. */
static int compared_variable(const char *name)
{
    return strcmp(name, "BLASSHIM_REPORT") && strcmp(name, "BLASSHIM_KERNEL") &&
           strncmp(name, "BLASSHIM_KERNEL_", 16);
}

static const char *const facts[] = {
    "real BLAS", "BLAS core", "BLAS threads", "CPU model", "CPUs", "parallel kernel threads", NULL};

/* A header's value of a fact (or of an environment variable), into buf; NULL when it has
 * none. known: the header records the fact at all (older reports have no "blas"). */
static const char *fact_of(json_t *h, const char *what, char *buf, size_t cap, int *known)
{
    json_t *blas = json_object_get(h, "blas"), *v = NULL;
    *known = 1;
    if (!strcmp(what, "real BLAS")) {
        *known = json_object_get(h, "blas") != NULL;
        if (!json_is_object(blas))
            return *known ? "none" : NULL;
        snprintf(buf, cap, "%s%s%s (%s)", str_of(blas, "vendor", "unknown"),
                 json_is_string(json_object_get(blas, "version")) ? " " : "",
                 str_of(blas, "version", ""), str_of(blas, "file", "?"));
        return buf;
    }
    if (!strcmp(what, "BLAS core") || !strcmp(what, "BLAS threads")) {
        *known = json_object_get(h, "blas") != NULL;
        v = json_object_get(blas, what[5] == 'c' ? "core" : "threads");
    } else if (!strcmp(what, "CPU model")) {
        v = json_object_get(h, "cpu_model");
    } else if (!strcmp(what, "CPUs")) {
        v = json_object_get(h, "ncpus");
    } else if (!strcmp(what, "parallel kernel threads")) {
        v = json_object_get(h, "num_threads");
    } else {
        json_t *env = json_object_get(h, "blas_env");
        *known = env != NULL;
        v = json_object_get(env, what);
    }
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

/* The side's distinct values of a fact, " / " between them, "(not set)" for a header without
 * it; NULL when no header has it; *known 0 when no header records it at all. */
static char *side_fact(const gather *g, const char *what, int *known)
{
    char out[1024] = "";
    int any = 0;
    *known = 0;
    size_t i;
    json_t *h;
    json_array_foreach(g->headers, i, h)
    {
        char buf[600];
        int k;
        const char *v = fact_of(h, what, buf, sizeof buf, &k);
        if (!k)
            continue;
        *known = 1;
        const char *shown = v ? v : "(not set)";
        any |= v != NULL;
        char probe[640];
        snprintf(probe, sizeof probe, " / %s / ", shown);
        char hay[1040];
        snprintf(hay, sizeof hay, " / %s / ", out);
        if (strstr(hay, probe))
            continue;
        size_t o = strlen(out);
        snprintf(out + o, sizeof out - o, "%s%s", o ? " / " : "", shown);
    }
    return any ? strdup(out) : NULL;
}

/* who a variable speaks to: the BLAS ("ran OpenBLAS with OPENBLAS_CORETYPE=...") or the shim */
static const char *subject_of(const gather *g, const char *variable)
{
    if (!strncmp(variable, "BLASSHIM_", 9))
        return "blasshim";
    json_t *h = json_array_get(g->headers, 0);
    return str_of(json_object_get(h, "blas"), "vendor", "its BLAS");
}

static void add_diff(compare_result *r, const gather *base, const gather *next, const char *what,
                     int variable)
{
    int kb, kn;
    char *vb = side_fact(base, what, &kb), *vn = side_fact(next, what, &kn);
    if (!kb || !kn || (vb && vn && !strcmp(vb, vn)) || (!vb && !vn)) {
        free(vb), free(vn);
        return;
    }
    r->diffs = realloc(r->diffs, (r->ndiffs + 1) * sizeof *r->diffs);
    compare_diff *d = &r->diffs[r->ndiffs++];
    snprintf(d->what, sizeof d->what, "%s", what);
    d->base = vb, d->next = vn;
    if (variable && (!vb || !vn))
        snprintf(d->text, sizeof d->text, "%s ran %s with %s=%s; %s did not set it",
                 vb ? "base" : "new", subject_of(vb ? base : next, what), what, vb ? vb : vn,
                 vb ? "new" : "base");
    else if (variable)
        snprintf(d->text, sizeof d->text, "base ran %s with %s=%s; new with %s=%s",
                 subject_of(base, what), what, vb, what, vn);
    else
        snprintf(d->text, sizeof d->text, "%s: base %s, new %s", what, vb ? vb : "(not recorded)",
                 vn ? vn : "(not recorded)");
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void find_diffs(compare_result *r, const gather *base, const gather *next)
{
    for (int i = 0; facts[i]; i++)
        add_diff(r, base, next, facts[i], 0);
    json_t *names = json_object(); /* every variable of either side, once, in name order */
    const gather *sides[2] = {base, next};
    for (int s = 0; s < 2; s++) {
        size_t i;
        json_t *h;
        json_array_foreach(sides[s]->headers, i, h)
        {
            const char *name;
            json_t *v;
            json_object_foreach(json_object_get(h, "blas_env"), name,
                                v) if (compared_variable(name))
                json_object_set_new(names, name, json_true());
        }
    }
    const char **keys = malloc((json_object_size(names) + 1) * sizeof *keys);
    size_t n = 0;
    const char *name;
    json_t *v;
    json_object_foreach(names, name, v) keys[n++] = name;
    sort_n(keys, n, sizeof *keys, by_str);
    for (size_t i = 0; i < n; i++)
        add_diff(r, base, next, keys[i], 1);
    free(keys);
    json_decref(names);
}

/* ---- the rows ------------------------------------------------------------------------------- */

static void label(char *buf, size_t cap, const gather *g)
{
    buf[0] = '\0';
    for (int i = 0; i < g->nkernels; i++) {
        size_t o = strlen(buf);
        snprintf(buf + o, cap - o, "%s%s", i ? "+" : "", g->kernels[i]);
    }
    if (!buf[0])
        snprintf(buf, cap, "?");
}

void compare_rows(gather *base, gather *next, int keep_cold, compare_result *out)
{
    memset(out, 0, sizeof *out);
    sort_n(base->shapes, base->nshapes, sizeof *base->shapes, by_wall_desc);
    out->rows = calloc(base->nshapes + 1, sizeof *out->rows);
    out->only_base = calloc(base->nshapes + 1, sizeof *out->only_base);
    out->only_new = calloc(next->nshapes + 1, sizeof *out->only_new);
    if (!out->rows || !out->only_base || !out->only_new) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < next->nshapes; i++)
        next->shapes[i].matched = 0;
    for (size_t i = 0; i < base->nshapes; i++) {
        const shape *b = &base->shapes[i];
        char key[160];
        shape_key(key, sizeof key, b->routine, "", b->ta, b->tb, b->m, b->n, b->k);
        int ix = map_get(&next->shape_ix, key, 0, 0);
        if (ix < 0) {
            out->only_base[out->nonly_base++] = b;
            continue;
        }
        shape *n = &next->shapes[ix];
        n->matched = 1;
        compare_row *r = &out->rows[out->nrows++];
        r->base = b, r->next = n;
        side_of(b, keep_cold, &r->b);
        side_of(n, keep_cold, &r->n);
        judge(r);
        const double w = (double)b->count; /* the base workload at each side's typical time */
        out->base_ns += w * center(&r->b, b);
        out->new_ns += w * center(&r->n, n);
        if (r->significant) {
            out->sig_base_ns += w * center(&r->b, b);
            out->sig_new_ns += w * center(&r->n, n);
        }
    }
    for (size_t i = 0; i < next->nshapes; i++)
        if (!next->shapes[i].matched)
            out->only_new[out->nonly_new++] = &next->shapes[i];
    label(out->base_label, sizeof out->base_label, base);
    label(out->new_label, sizeof out->new_label, next);
    find_diffs(out, base, next);
}

void compare_result_free(compare_result *r)
{
    for (size_t i = 0; i < r->ndiffs; i++)
        free(r->diffs[i].base), free(r->diffs[i].next);
    free(r->diffs), free(r->rows), free(r->only_base), free(r->only_new);
    memset(r, 0, sizeof *r);
}

/* ---- printing ------------------------------------------------------------------------------- */

static json_t *num_json(double v) { return isnan(v) ? json_null() : json_real(v); }

static json_t *side_json(const side_stats *st)
{
    json_t *o = json_pack("{s:s,s:I,s:I,s:o,s:I,s:o,s:o,s:o,s:b}", "kernel", st->kernel, "calls",
                          (json_int_t)st->calls, "cold_calls", (json_int_t)st->cold_calls,
                          "cold_mean_ns", num_json(st->cold_ns), "calls_used", (json_int_t)st->used,
                          "median_ns", num_json(st->median_ns), "min_ns", num_json(st->min_ns),
                          "p95_ns", num_json(st->p95_ns), "exact", st->exact);
    return o;
}

static json_t *shape_json(const shape *s)
{
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I}", "routine", s->routine, "m", dim_json(s->m),
                     "n", dim_json(s->n), "k", dim_json(s->k), "transa", str_json(s->ta), "transb",
                     str_json(s->tb), "calls", (json_int_t)s->count);
}

static int print_compare_result_json(const compare_result *r, const gather *base,
                                     const gather *next, int keep_cold)
{
    json_t *rows = json_array(), *ob = json_array(), *on = json_array(), *diffs = json_array();
    for (size_t i = 0; i < r->nrows; i++) {
        const compare_row *w = &r->rows[i];
        json_t *e = shape_json(w->base);
        json_object_del(e, "calls");
        json_object_set_new(e, "base", side_json(&w->b));
        json_object_set_new(e, "new", side_json(&w->n));
        json_object_set_new(e, "speedup", json_real(w->speedup));
        json_object_set_new(e, "significant", json_boolean(w->significant));
        json_object_set_new(e, "not_significant_because",
                            w->why ? json_string(w->why) : json_null());
        json_array_append_new(rows, e);
    }
    for (size_t i = 0; i < r->nonly_base; i++)
        json_array_append_new(ob, shape_json(r->only_base[i]));
    for (size_t i = 0; i < r->nonly_new; i++)
        json_array_append_new(on, shape_json(r->only_new[i]));
    for (size_t i = 0; i < r->ndiffs; i++) {
        const compare_diff *d = &r->diffs[i];
        json_array_append_new(diffs, json_pack("{s:s,s:o,s:o,s:s}", "what", d->what, "base",
                                               d->base ? json_string(d->base) : json_null(), "new",
                                               d->next ? json_string(d->next) : json_null(), "text",
                                               d->text));
    }
    json_t *o = json_pack("{s:s,s:s,s:b,s:o}", "base_label", r->base_label, "new_label",
                          r->new_label, "keep_cold", keep_cold, "differences", diffs);
    json_object_set_new(o, "base_ns", json_real(r->base_ns));
    json_object_set_new(o, "new_ns", json_real(r->new_ns));
    json_object_set_new(o, "speedup", json_real(r->new_ns > 0 ? r->base_ns / r->new_ns : 0));
    json_object_set_new(o, "significant_base_ns", json_real(r->sig_base_ns));
    json_object_set_new(o, "significant_new_ns", json_real(r->sig_new_ns));
    json_object_set_new(o, "significant_share",
                        json_real(r->base_ns > 0 ? r->sig_base_ns / r->base_ns : 0));
    json_object_set_new(o, "significant_speedup",
                        r->sig_new_ns > 0 ? json_real(r->sig_base_ns / r->sig_new_ns)
                                          : json_null());
    json_object_set_new(o, "base_total_ns", json_integer(base->wall));
    json_object_set_new(o, "new_total_ns", json_integer(next->wall));
    return emit_json(o, "shapes", rows, ob, on);
}

/* "----- label -----" over a group of columns w wide */
static void group_title(const char *side, const char *label, int w)
{
    char t[160];
    snprintf(t, sizeof t, " %s: %s ", side, label);
    int n = (int)strlen(t), left = (w - n) / 2;
    if (n >= w) {
        printf("%s", t);
        return;
    }
    for (int i = 0; i < w; i++)
        putchar(i < left || i >= left + n ? '-' : t[i - left]);
}

static void fmt_cell(char *buf, size_t cap, double ns)
{
    fmt_us(buf, cap, isnan(ns) ? NAN : ns / 1e3);
}

static void print_side(const side_stats *st)
{
    char c[24], m[24], lo[24], hi[24];
    fmt_cell(c, sizeof c, st->cold_ns);
    fmt_cell(m, sizeof m, st->median_ns);
    fmt_cell(lo, sizeof lo, st->min_ns);
    fmt_cell(hi, sizeof hi, st->p95_ns);
    const char mark = st->used && !st->exact ? '*' : ' ';
    printf(" %7lld %9s %9s%c %9s %9s%c", (long long)st->calls, c, m, mark, lo, hi, mark);
}

int compare_cmd(gather *base, gather *next, int json, int keep_cold)
{
    compare_result r;
    compare_rows(base, next, keep_cold, &r);
    if (json) {
        print_compare_result_json(&r, base, next, keep_cold);
        compare_result_free(&r);
        return 0;
    }
    printf("base: %s (%zu process%s)   new: %s (%zu process%s)\n", r.base_label, base->nprocs,
           base->nprocs == 1 ? "" : "es", r.new_label, next->nprocs, next->nprocs == 1 ? "" : "es");
    if (r.ndiffs) {
        printf("\nthe two sides ran on different baselines:\n");
        for (size_t i = 0; i < r.ndiffs; i++)
            printf("  %s\n", r.diffs[i].text);
    }
    printf("\n%-6s %-20s %-2s ", "", "", "");
    group_title("base", r.base_label, 49);
    printf("  ");
    group_title("new", r.new_label, 49);
    printf("\n%-6s %-20s %-2s", "gemm", "m x n x k", "op");
    for (int s = 0; s < 2; s++)
        printf(" %7s %9s %9s  %9s %9s ", "calls", "cold us", "median us", "min us", "p95 us");
    printf(" %9s\n", "speedup");
    for (size_t i = 0; i < r.nrows; i++) {
        const compare_row *w = &r.rows[i];
        char dims[64], op[8];
        fmt_dims(dims, sizeof dims, w->base->m, w->base->n, w->base->k);
        snprintf(op, sizeof op, "%s%s", w->base->ta, w->base->tb);
        printf("%-6s %-20s %-2s", w->base->routine, dims, op);
        print_side(&w->b);
        print_side(&w->n);
        printf(" %8.2fx%s\n", w->speedup, w->significant ? "" : " ~");
    }
    printf("\nmedian of the calls after each process's first call of the shape (cold: that first "
           "call, mean)%s; min and p95 likewise.\n",
           keep_cold ? " — with --keep-cold, the first calls included" : "");
    printf("~ not significant: fewer than %d calls on a side, or the min..p95 spreads overlap.\n",
           SIGNIFICANT_MIN_CALLS);
    int approx = 0;
    for (size_t i = 0; i < r.nrows; i++)
        approx |=
            (r.rows[i].b.used && !r.rows[i].b.exact) || (r.rows[i].n.used && !r.rows[i].n.exact);
    if (approx)
        printf("* from the histogram (±10 %%): more than %d calls of the shape.\n", SAMPLE_CAP);
    printf("\nmatched shapes, each at its median times its calls in base: "
           "base %.3f ms, new %.3f ms, speedup %.2fx\n",
           r.base_ns / 1e6, r.new_ns / 1e6, r.new_ns > 0 ? r.base_ns / r.new_ns : 0);
    if (r.sig_new_ns > 0)
        printf("  %.1f%% of that base time is in significant rows; they alone: speedup %.2fx\n",
               r.base_ns > 0 ? 100 * r.sig_base_ns / r.base_ns : 0, r.sig_base_ns / r.sig_new_ns);
    else
        printf("  no row is significant: the speedup above is within the noise\n");
    printf("all calls as measured: base %.3f ms, new %.3f ms\n", base->wall / 1e6,
           next->wall / 1e6);
    const char *titles[2] = {"only in base", "only in new"};
    const shape **lists[2] = {r.only_base, r.only_new};
    size_t counts[2] = {r.nonly_base, r.nonly_new};
    for (int l = 0; l < 2; l++) {
        if (counts[l] == 0)
            continue;
        printf("\n%s:\n", titles[l]);
        for (size_t i = 0; i < counts[l]; i++) {
            const shape *s = lists[l][i];
            char dims[64];
            fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
            printf("  %s %s %s%s (%lld calls)\n", s->routine, dims, s->ta, s->tb,
                   (long long)s->count);
        }
    }
    compare_result_free(&r);
    return 0;
}
