/* report/compare.c — `compare BASE NEW`: the same shapes (or Python lines) in two runs. */
#include <string.h>

#include "tool.h"

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
int compare_lines_cmd(gather *base, gather *next, int json)
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
        n->matched = 1;
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
        if (!next->lines[i].matched)
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

int compare_cmd(gather *base, gather *next, int json)
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
        shape_key(key, sizeof key, b->routine, "", b->ta, b->tb, b->m, b->n, b->k);
        int ix = map_get(&next->shape_ix, key, 0, 0);
        if (ix < 0) {
            json_array_append_new(only_base, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I}", "routine", b->routine,
                "m", dim_json(b->m), "n", dim_json(b->n), "k", dim_json(b->k), "transa", str_json(b->ta),
                "transb", str_json(b->tb), "calls", (json_int_t)b->count));
            continue;
        }
        shape *n = &next->shapes[ix];
        n->matched = 1;
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
        if (n->matched)
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

