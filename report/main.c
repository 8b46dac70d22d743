/* report/main.c — blasshim-report: read the JSON Lines reports back.
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
