/* report/main.c — blasshim-report: read the JSON Lines reports back.
 *
 *   blasshim-report [summary] REPORT...          the run in a screenful
 *   blasshim-report compare BASE NEW             the same shapes in two runs, speedups
 *   blasshim-report compare --base A... --new B...   several runs a side, pooled
 *   blasshim-report csv REPORT... [-o FILE]      one row per call
 *   blasshim-report trace REPORT... [-o FILE]    Chrome trace events (Perfetto)
 *   blasshim-report folded REPORT... [-o FILE]   collapsed stacks (flame graphs)
 *   blasshim-report plot REPORT... -o FILE.svg   a roofline chart
 *
 * Several files are one merged view (the processes or MPI ranks of one job). Reading streams:
 * memory is bounded by the number of distinct shapes and call sites, not by the calls. Exit
 * status: 0 all good (a cut-off last line included), 1 some lines were malformed (each named
 * FILE:LINE on stderr, skipped), 2 a usage error or a file that cannot be used.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "peak.h"
#include "tool.h"

/* ---- command line ------------------------------------------------------------------------ */

static const char *const usage_text =
    "usage: blasshim-report [COMMAND] [OPTIONS] REPORT...\n"
    "Read blasshim's JSON Lines reports (several files are one merged view).\n\n"
    "commands:\n"
    "  summary REPORT...           (the default) calls, BLAS time and its share, per routine and\n"
    "                              kernel; top shapes with mean/p50/p95/max, GFLOP/s, %% of peak;\n"
    "                              top call sites; the hot Python lines (py_caller); verify\n"
    "                              results; BLAS time between marks (phases).\n"
    "                              --json  --top N  --peak S[,D]  --remeasure\n"
    "                              --by stack: the hot Python stacks (py_stack) instead of lines\n"
    "  compare BASE NEW            shapes matched between two runs: median after the cold first\n"
    "  compare --base A... --new B...  call, min, p95, speedup, significance; the baseline's\n"
    "                              differences (real BLAS, its variables, CPU, threads) first.\n"
    "                              Several files a side are pooled.  --json  --keep-cold\n"
    "                              --by line: match the Python lines instead of the shapes\n"
    "                              --by stack: match the Python stacks (py_stack)\n"
    "  csv REPORT... [-o FILE]     one row per call, every field\n"
    "  trace REPORT... [-o FILE]   Chrome trace events for Perfetto / chrome://tracing\n"
    "  folded REPORT... [-o FILE]  collapsed stacks for flamegraph.pl, speedscope, inferno:\n"
    "                              Python frames;routine MxNxK BLAS-ns.  --native: with the\n"
    "                              native caller frame(s) before the routine\n"
    "  plot REPORT... -o FILE.svg  roofline: GFLOP/s against flop per byte, per shape.\n"
    "                              --peak S[,D]  --bandwidth GB/s  --remeasure\n\n"
    "--peak: GFLOP/s of one core, fp32[,fp64]. Default: this machine's, measured once with an\n"
    "  FMA loop and cached per CPU model in $XDG_CACHE_HOME/blasshim/machines.json\n"
    "  (~/.cache/blasshim/); --remeasure measures again. A report from another CPU model uses\n"
    "  that model's cached numbers, else asks for --peak.\n"
    "--bandwidth: memory bandwidth for the plot's memory roof (default: memcpy, cached likewise).\n"
    "Exit status: 0 good, 1 some lines malformed (FILE:LINE on stderr), 2 unusable input or usage.\n";

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s%s (see " PROG " %s%s--help)\n", cmd ? cmd : "", cmd ? ": " : "", msg,
            arg ? arg : "", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* GFLOP/s of one core, GB/s of memory: finite, positive and at most this (inf or 1e308 made
 * the plot's axes span without bound) */
#define MAX_RATE 1e6

static int rate_ok(double v) { return isfinite(v) && v > 0 && v <= MAX_RATE; }

static int parse_peak(const char *s, peaks *pk)
{
    char *end;
    double a = strtod(s, &end), b = a;
    if (end == s || !rate_ok(a))
        return -1;
    if (*end == ',') {
        const char *rest = end + 1;
        b = strtod(rest, &end);
        if (end == rest || !rate_ok(b))
            return -1;
    } else {
        b = a / 2; /* one number: fp32; fp64 runs at half the lanes */
    }
    if (*end)
        return -1;
    pk->s = a, pk->d = b, pk->measured = 0;
    snprintf(pk->source, sizeof pk->source, "given with --peak");
    return 0;
}

/* summary and plot: the peak (and bandwidth) to hold the calls against */
static int summary_or_plot(const char *cmd, char **files, int nfiles, int json, int top,
                           const char *out, peaks *pk, int have_peak, double bandwidth,
                           int remeasure, int by_stack)
{
    gather g = {.by_kernel = 1};
    int rc = gather_reports(&g, files, nfiles);
    const int plot = !strcmp(cmd, "plot"), want_bw = plot && bandwidth <= 0;
    if (rc < 2 && (!have_peak || want_bw) &&
        machine_numbers(g.cpu_model, remeasure, !have_peak, want_bw, pk, &bandwidth) != 0)
        rc = 2;
    if (rc < 2) {
        int r = plot ? plot_cmd(&g, out, pk, bandwidth, want_bw) : summary_cmd(&g, json, top, pk, by_stack);
        if (r > rc)
            rc = r;
    }
    gather_free(&g);
    return rc;
}

/* by: 0 shapes, 1 Python lines, 2 Python stacks */
static int compare(char **files, int nbase, int nnew, int json, int by, int keep_cold)
{
    gather base = {.keep_samples = 1}, next = {.keep_samples = 1};
    int r1 = gather_reports(&base, files, nbase), r2 = gather_reports(&next, files + nbase, nnew);
    int rc = r1 > r2 ? r1 : r2;
    if (rc < 2)
        rc = (by ? compare_sites_cmd(&base, &next, json, by == 2)
                 : compare_cmd(&base, &next, json, keep_cold))
                 ? 2
                 : rc;
    gather_free(&base);
    gather_free(&next);
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd = "summary";
    int first = 1;
    static const char *const commands[] = {"summary", "compare", "csv", "trace", "folded", "plot", NULL};
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
    const int is_compare = !strcmp(cmd, "compare"), is_summary = !strcmp(cmd, "summary"),
              is_plot = !strcmp(cmd, "plot");
    int json = 0, top = 10, by = 0, keep_cold = 0, remeasure = 0, native = 0;
    const char *out = NULL;
    peaks pk = {0, 0, 0, "given with --peak"};
    int have_peak = 0;
    double bandwidth = 0;
    /* compare: side 0 the plain files (BASE NEW), 1 after --base, 2 after --new */
    char **files = calloc((size_t)argc, sizeof *files), **sided[3];
    int nsided[3] = {0, 0, 0}, side = 0, nfiles = 0;
    for (int i = 0; i < 3; i++)
        sided[i] = calloc((size_t)argc, sizeof *sided[i]);
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            free(files);
            for (int s = 0; s < 3; s++)
                free(sided[s]);
            return 0;
        } else if (!strcmp(a, "--json") && (is_summary || is_compare)) {
            json = 1;
        } else if (!strcmp(a, "--by") && is_compare) {
            if (++i >= argc ||
                (strcmp(argv[i], "line") && strcmp(argv[i], "shape") && strcmp(argv[i], "stack")))
                return usage_error(cmd, "--by takes shape, line or stack", NULL);
            by = !strcmp(argv[i], "line") ? 1 : !strcmp(argv[i], "stack") ? 2 : 0;
        } else if (!strcmp(a, "--by") && is_summary) {
            if (++i >= argc || (strcmp(argv[i], "line") && strcmp(argv[i], "stack")))
                return usage_error(cmd, "--by takes line or stack", NULL);
            by = !strcmp(argv[i], "stack") ? 2 : 1;
        } else if (!strcmp(a, "--native") && !strcmp(cmd, "folded")) {
            native = 1;
        } else if ((!strcmp(a, "--base") || !strcmp(a, "--new")) && is_compare) {
            side = a[2] == 'b' ? 1 : 2;
        } else if (!strcmp(a, "--keep-cold") && is_compare) {
            keep_cold = 1;
        } else if (!strcmp(a, "--remeasure") && (is_summary || is_plot)) {
            remeasure = 1;
        } else if (!strcmp(a, "-o") && !is_summary && !is_compare) {
            if (++i >= argc)
                return usage_error(cmd, "-o needs a file name", NULL);
            out = argv[i];
        } else if (!strcmp(a, "--top") && is_summary) {
            if (++i >= argc || (top = atoi(argv[i])) < 1)
                return usage_error(cmd, "--top needs a positive number", NULL);
        } else if (!strcmp(a, "--peak") && (is_summary || is_plot)) {
            if (++i >= argc || parse_peak(argv[i], &pk) != 0)
                return usage_error(cmd, "--peak needs GFLOP/s (above 0, at most 1e6), e.g. 200 or "
                                        "200,100", NULL);
            have_peak = 1;
        } else if (!strcmp(a, "--bandwidth") && is_plot) {
            char *end;
            if (++i >= argc || !rate_ok(bandwidth = strtod(argv[i], &end)) || *end)
                return usage_error(cmd, "--bandwidth needs GB/s (above 0, at most 1e6), e.g. 20",
                                   NULL);
        } else if (a[0] == '-' && a[1]) {
            return usage_error(cmd, "unknown option ", a);
        } else {
            files[nfiles++] = argv[i];
            sided[side][nsided[side]++] = argv[i];
        }
    }
    if (nfiles == 0)
        return usage_error(cmd, "no report given", NULL);
    if (is_compare && (nsided[1] || nsided[2])) {
        if (nsided[0] || !nsided[1] || !nsided[2])
            return usage_error(cmd, "give reports after both --base and --new, and none before",
                               NULL);
        nfiles = 0;
        for (int s = 1; s < 3; s++)
            for (int i = 0; i < nsided[s]; i++)
                files[nfiles++] = sided[s][i];
    } else if (is_compare && nfiles != 2) {
        return usage_error(cmd, "compare takes two reports, BASE NEW, or --base A... --new B...",
                           NULL);
    } else if (is_compare) {
        nsided[1] = nsided[2] = 1;
    }
    if (is_plot && !out)
        return usage_error(cmd, "plot needs -o FILE.svg", NULL);

    int rc;
    if (!strcmp(cmd, "csv"))
        rc = csv_cmd(files, nfiles, out);
    else if (!strcmp(cmd, "trace"))
        rc = trace_cmd(files, nfiles, out);
    else if (!strcmp(cmd, "folded"))
        rc = folded_cmd(files, nfiles, out, native);
    else if (is_compare)
        rc = compare(files, nsided[1], nsided[2], json, by, keep_cold);
    else
        rc = summary_or_plot(cmd, files, nfiles, json, top, out, &pk, have_peak, bandwidth,
                             remeasure, by == 2);
    free(files);
    for (int i = 0; i < 3; i++)
        free(sided[i]);
    return rc;
}
