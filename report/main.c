/* report/main.c — blasshim-report: read the JSON Lines reports back.
 *
 *   blasshim-report [summary] REPORT...          the run in a screenful
 *   blasshim-report compare BASE NEW             the same shapes in two runs, speedups
 *   blasshim-report compare --base A... --new B...   several runs a side, pooled
 *   blasshim-report csv REPORT... [-o FILE]      one row per call
 *   blasshim-report trace REPORT... [-o FILE]    Chrome trace events (Perfetto)
 *   blasshim-report folded REPORT... [-o FILE]   collapsed stacks (flame graphs)
 *   blasshim-report plot REPORT... -o FILE.svg   a roofline chart
 *   blasshim-report html REPORT... -o FILE.html  all of it as one self-contained page
 *
 * Several files are one merged view (the processes or MPI ranks of one job). Reading streams:
 * memory is bounded by the number of distinct shapes and call sites, not by the calls. Exit
 * status: 0 all good (a cut-off last line included), 1 some lines were malformed (each named
 * FILE:LINE on stderr, skipped), 2 a usage error or a file that cannot be used.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/helptext.h"
#include "include/blasshim.h"
#include "peak.h"
#include "tool.h"

/* ---- command line ------------------------------------------------------------------------ */

/* The commands and every option: each command's parsing and --help come from these tables. */
enum {
    C_SUMMARY = 1,
    C_COMPARE = 2,
    C_CSV = 4,
    C_TRACE = 8,
    C_FOLDED = 16,
    C_PLOT = 32,
    C_HTML = 64,
    C_ALL = 127
};

static const struct command {
    const char *name;
    unsigned bit;
    const char *usage, *what, *example;
} commands[] = {
    {"summary", C_SUMMARY, "[summary] [OPTIONS] REPORT...",
     "The run in a screenful (the default command): processes, calls, BLAS time and its share of\n"
     "the processes' lifetime; per routine and kernel; the top shapes by total time with count,\n"
     "mean/p50/p95/max (us), GFLOP/s and % of peak; the hot Python lines; the top call sites;\n"
     "verify results; BLAS time between marks (phases). The peak is this machine's, measured\n"
     "once with an FMA loop and cached per CPU model in $XDG_CACHE_HOME/blasshim/machines.json\n"
     "(~/.cache/blasshim/); a report from another CPU model uses that model's cached numbers,\n"
     "else asks for --peak.",
     "blasshim-report summary --top 5 run.jsonl"},
    {"compare", C_COMPARE, "compare [OPTIONS] BASE NEW | compare [OPTIONS] --base A... --new B...",
     "The same shapes (or Python lines) matched between two runs: median time per call after the\n"
     "cold first call, min, p95, speedup, significance; the total over matched entries; entries\n"
     "found in one run only; first, the baseline's differences (real BLAS, its variables, CPU,\n"
     "threads). Several files a side (--base ... --new ...) are pooled.",
     "blasshim-report compare sys.jsonl vec.jsonl"},
    {"csv", C_CSV, "csv [OPTIONS] REPORT...",
     "One row per call: a file column, then every call field in fields.def order (frames joined\n"
     "with ' | ', null as empty), for spreadsheets and pandas. Standard output unless -o.",
     "blasshim-report csv -o calls.csv run.jsonl"},
    {"trace", C_TRACE, "trace [OPTIONS] REPORT...",
     "Chrome trace-event JSON: one event per call on a track per process and thread, marks as\n"
     "instant events; open it in https://ui.perfetto.dev or chrome://tracing.",
     "blasshim-report trace -o trace.json run.jsonl"},
    {"folded", C_FOLDED, "folded [OPTIONS] REPORT...",
     "Collapsed stacks, the format flamegraph.pl, speedscope and inferno read: one line per\n"
     "distinct stack, the Python frames outermost first, then the routine and its shape, then\n"
     "the BLAS wall time in ns. Lines sorted; weights sum to the reports' BLAS time.",
     "blasshim-report folded run.jsonl | flamegraph.pl > flame.svg"},
    {"plot", C_PLOT, "plot [OPTIONS] -o FILE.svg REPORT...",
     "A roofline in SVG (SVG only: convert it with rsvg-convert): each gemm shape's GFLOP/s\n"
     "against its flops per byte of A, B and C, circle area by share of BLAS time, coloured by\n"
     "kernel, the costly ones labelled; a compute roof per type and thread count used, the\n"
     "memory roof (peak and bandwidth measured once per CPU model and cached, as for summary).",
     "blasshim-report plot -o roofline.svg run.jsonl"},
    {"html", C_HTML,
     "html [OPTIONS] -o FILE.html REPORT... | html [OPTIONS] -o FILE.html --base A... --new B...",
     "The reports as one self-contained page (inline CSS and SVG, no network): the run at a\n"
     "glance, per routine and kernel, top shapes (sortable), call durations, hot Python lines\n"
     "with their source and stacks, call sites, a flame graph, a timeline with marks and\n"
     "phases, the roofline; compare's table when the reports come from two kernel settings\n"
     "(or are split with --base/--new).",
     "blasshim-report html -o report.html sys.jsonl vec.jsonl"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

typedef enum {
    O_JSON,
    O_TOP,
    O_PEAK,
    O_REMEASURE,
    O_BY_SUMMARY,
    O_BY_COMPARE,
    O_BASE,
    O_NEW,
    O_KEEP_COLD,
    O_NATIVE,
    O_OUTPUT,
    O_BANDWIDTH,
    O_HELP,
    O_VERSION,
    O_COUNT
} opt_id;

static const struct option {
    const char *lng;
    char shrt;
    const char *metavar; /* NULL: a flag */
    unsigned cmds;
    const char *help;
} options[O_COUNT] = {
    [O_JSON] = {"--json", 0, NULL, C_SUMMARY | C_COMPARE, "one JSON object instead of text"},
    [O_TOP] = {"--top", 0, "N", C_SUMMARY | C_HTML,
               "shapes, Python lines and call sites listed (default 10, html 25; 0: all of them)"},
    [O_PEAK] = {"--peak", 0, "S[,D]", C_SUMMARY | C_PLOT | C_HTML,
                "GFLOP/s of one core, fp32[,fp64] (one number: fp64 is half); default: this "
                "machine's, cached"},
    [O_REMEASURE] = {"--remeasure", 0, NULL, C_SUMMARY | C_PLOT | C_HTML,
                     "measure this machine's peak (and bandwidth) again, refreshing the cache"},
    [O_BY_SUMMARY] = {"--by", 0, "line|stack", C_SUMMARY,
                      "the hot Python lines (py_caller, default) or whole stacks (py_stack)"},
    [O_BY_COMPARE] = {"--by", 0, "shape|line|stack", C_COMPARE,
                      "match shapes (default), Python lines (py_caller) or stacks (py_stack)"},
    [O_BASE] = {"--base", 0, NULL, C_COMPARE | C_HTML,
                "the reports that follow are the baseline side"},
    [O_NEW] = {"--new", 0, NULL, C_COMPARE | C_HTML, "the reports that follow are the new side"},
    [O_KEEP_COLD] = {"--keep-cold", 0, NULL, C_COMPARE,
                     "keep each shape's first (cold) call in the statistics"},
    [O_NATIVE] = {"--native", 0, NULL, C_FOLDED,
                  "the native frames (frames, else caller) between the Python frames and "
                  "the routine"},
    [O_OUTPUT] = {"--output", 'o', "FILE", C_CSV | C_TRACE | C_FOLDED | C_PLOT | C_HTML,
                  "write to FILE (csv, trace, folded: default standard output)"},
    [O_BANDWIDTH] = {"--bandwidth", 0, "GB/s", C_PLOT | C_HTML,
                     "memory bandwidth of the memory roof; default: memcpy, measured and cached"},
    [O_HELP] = {"--help", 'h', NULL, C_ALL, "this help"},
    [O_VERSION] = {"--version", 0, NULL, C_ALL, "blasshim-report's version"},
};

static const char *const main_help =
    "usage: blasshim-report [COMMAND] [OPTIONS] REPORT...\n\n"
    "Read blasshim's JSON Lines reports (several files are one merged view).\n\n"
    "commands:\n"
    "  summary REPORT...           (the default) the run in a screenful\n"
    "  compare BASE NEW            two runs matched by shape or line, speedups\n"
    "  compare --base A... --new B...  several runs a side, pooled\n"
    "  csv REPORT...               one row per call\n"
    "  trace REPORT...             Chrome trace events for Perfetto\n"
    "  folded REPORT...            collapsed stacks for flame graphs\n"
    "  plot -o FILE.svg REPORT...  a roofline chart\n"
    "  html -o FILE.html REPORT... all of it as one self-contained page\n\n"
    "blasshim-report COMMAND --help: that command's options. --version: the version.\n"
    "Options take --opt VALUE or --opt=VALUE. Exit status: 0 good, 1 some lines malformed\n"
    "(FILE:LINE on stderr), 2 unusable input or usage.\n\n"
    "example:\n  blasshim-report compare sys.jsonl vec.jsonl\n";

static void print_help(const struct command *c)
{
    printf("usage: " PROG " %s\n\n%s\n\noptions:\n", c->usage, c->what);
    for (int i = 0; i < O_COUNT; i++) {
        const struct option *o = &options[i];
        if (!(o->cmds & c->bit))
            continue;
        bs_help_option(stdout, o->shrt, o->lng, o->metavar, 0, o->help);
    }
    printf("\nexample:\n  %s\n", c->example);
}

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, PROG ": %s%s%s%s (see " PROG " %s%s--help)\n", cmd ? cmd : "", cmd ? ": " : "",
            msg, arg ? arg : "", cmd ? cmd : "", cmd ? " " : "");
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

/* path ends with ext (".svg"), case aside */
static int has_extension(const char *path, const char *ext)
{
    const size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
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
        int r = plot ? plot_cmd(&g, out, pk, bandwidth, want_bw)
                     : summary_cmd(&g, json, top, pk, by_stack);
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

/* Which option argv[*i] is (`--opt`, `--opt=VALUE`, `-o VALUE`, `-oVALUE`); its value, taking
 * the next argument when the option has one and it was not attached. -1: not an option of
 * this command (or a value missing/unexpected), after the message. */
static int match_option(const struct command *c, int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    int id = -1;
    *val = NULL;
    /* two commands may spell different options alike (--by): this command's row wins */
    for (int pass = 0; pass < 2 && id < 0; pass++) {
        for (int j = 0; j < O_COUNT && id < 0; j++) {
            size_t n = strlen(options[j].lng);
            if (pass == 0 && !(options[j].cmds & c->bit))
                continue;
            if (!strncmp(a, options[j].lng, n) && (a[n] == '\0' || a[n] == '=')) {
                id = j;
                *val = a[n] == '=' ? a + n + 1 : NULL;
            } else if (options[j].shrt && a[1] == options[j].shrt && a[0] == '-') {
                id = j;
                *val = a[2] ? a + 2 : NULL;
            }
        }
    }
    if (id < 0 || !(options[id].cmds & c->bit))
        return usage_error(c->name, "unknown option ", a), -1;
    if (!options[id].metavar && *val)
        return usage_error(c->name, "this option takes no value: ", options[id].lng), -1;
    if (options[id].metavar && !*val) {
        if (*i + 1 >= argc)
            return usage_error(c->name, "a value is missing after ", options[id].lng), -1;
        *val = argv[++*i];
    }
    return id;
}

int main(int argc, char **argv)
{
    const struct command *c = &commands[0]; /* summary */
    int first = 1;
    if (argc > 1) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
            fputs(main_help, stdout);
            return 0;
        }
        if (!strcmp(argv[1], "--version")) {
            puts(PROG " " BLASSHIM_VERSION);
            return 0;
        }
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (!strcmp(argv[1], commands[i].name))
                c = &commands[i], first = 2;
        if (first == 1 && argv[1][0] != '-' && !strchr(argv[1], '.') && !strchr(argv[1], '/'))
            return usage_error(NULL, "unknown command ", argv[1]);
    }
    const char *cmd = c->name;
    const int is_compare = c->bit == C_COMPARE, is_plot = c->bit == C_PLOT,
              is_html = c->bit == C_HTML;
    int json = 0, top = is_html ? 25 : 10, by = 0, keep_cold = 0, remeasure = 0, native = 0;
    const char *out = NULL;
    peaks pk = {0, 0, 0, "given with --peak"};
    int have_peak = 0;
    double bandwidth = 0;
    /* compare and html: side 0 the plain files (BASE NEW), 1 after --base, 2 after --new */
    char **files = calloc((size_t)argc, sizeof *files), **sided[3];
    int nsided[3] = {0, 0, 0}, side = 0, nfiles = 0, rc = 0, options_done = 0, done = 0;
    for (int i = 0; i < 3; i++)
        sided[i] = calloc((size_t)argc, sizeof *sided[i]);
    for (int i = first; i < argc && !rc && !done; i++) {
        const char *a = argv[i], *v;
        char *end;
        if (options_done || a[0] != '-' || !a[1]) {
            files[nfiles++] = argv[i];
            sided[side][nsided[side]++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            options_done = 1;
            continue;
        }
        switch (match_option(c, argc, argv, &i, &v)) {
        case O_HELP:
            print_help(c);
            done = 1;
            break;
        case O_VERSION:
            puts(PROG " " BLASSHIM_VERSION);
            done = 1;
            break;
        case O_JSON: json = 1; break;
        case O_BY_SUMMARY:
        case O_BY_COMPARE: /* by: 0 shapes, 1 Python lines, 2 Python stacks */
            by = !strcmp(v, "line") ? 1 : !strcmp(v, "stack") ? 2 : !strcmp(v, "shape") ? 0 : -1;
            if (by < 0 || (by == 0 && c->bit != C_COMPARE))
                rc = usage_error(cmd,
                                 c->bit == C_COMPARE ? "--by takes shape, line or stack"
                                                     : "--by takes line or stack",
                                 NULL);
            break;
        case O_NATIVE: native = 1; break;
        case O_BASE:
        case O_NEW: side = a[2] == 'b' ? 1 : 2; break;
        case O_KEEP_COLD: keep_cold = 1; break;
        case O_REMEASURE: remeasure = 1; break;
        case O_OUTPUT: out = v; break;
        case O_TOP: {
            long n = strtol(v, &end, 10);
            if (end == v || *end || n < 0)
                rc = usage_error(cmd, "--top needs a number, 0 for all: ", v);
            top = n == 0 || n > INT_MAX ? INT_MAX : (int)n;
            break;
        }
        case O_PEAK:
            if (parse_peak(v, &pk) != 0)
                rc = usage_error(cmd,
                                 "--peak needs GFLOP/s (above 0, at most 1e6), e.g. 200 or "
                                 "200,100",
                                 NULL);
            have_peak = 1;
            break;
        case O_BANDWIDTH:
            if (!rate_ok(bandwidth = strtod(v, &end)) || *end)
                rc = usage_error(cmd, "--bandwidth needs GB/s (above 0, at most 1e6), e.g. 20",
                                 NULL);
            break;
        default: rc = 2;
        }
    }
    if (!rc && !done && nfiles == 0)
        rc = usage_error(cmd, "no report given", NULL);
    if (!rc && !done && (is_compare || is_html) && (nsided[1] || nsided[2])) {
        if (nsided[0] || !nsided[1] || !nsided[2])
            rc =
                usage_error(cmd, "give reports after both --base and --new, and none before", NULL);
        nfiles = 0;
        for (int s = 1; s < 3; s++)
            for (int i = 0; i < nsided[s]; i++)
                files[nfiles++] = sided[s][i];
    } else if (!rc && !done && is_compare && nfiles != 2) {
        rc = usage_error(cmd, "compare takes two reports, BASE NEW, or --base A... --new B...",
                         NULL);
    } else if (is_compare) {
        nsided[1] = nsided[2] = 1;
    }
    if (!rc && !done && is_plot && !out)
        rc = usage_error(cmd, "plot needs -o FILE.svg", NULL);
    if (!rc && !done && is_plot && strcmp(out, "-") != 0 && !has_extension(out, ".svg"))
        rc = usage_error(cmd, "plot writes SVG only; name the output FILE.svg, not ", out);
    if (!rc && !done && is_html && !out)
        rc = usage_error(cmd, "html needs -o FILE.html", NULL);
    if (!rc && !done && is_html && strcmp(out, "-") != 0 && !has_extension(out, ".html") &&
        !has_extension(out, ".htm"))
        rc = usage_error(cmd, "html writes one HTML page; name the output FILE.html, not ", out);

    if (rc || done)
        ;
    else if (c->bit == C_CSV)
        rc = csv_cmd(files, nfiles, out);
    else if (c->bit == C_TRACE)
        rc = trace_cmd(files, nfiles, out);
    else if (c->bit == C_FOLDED)
        rc = folded_cmd(files, nfiles, out, native);
    else if (is_compare)
        rc = compare(files, nsided[1], nsided[2], json, by, keep_cold);
    else if (is_html) {
        const html_opts op = {files, nfiles, nsided[1], nsided[2], top,
                              out,   &pk,    have_peak, bandwidth, remeasure};
        rc = html_cmd(&op);
    } else
        rc = summary_or_plot(cmd, files, nfiles, json, top, out, &pk, have_peak, bandwidth,
                             remeasure, by == 2);
    free(files);
    for (int i = 0; i < 3; i++)
        free(sided[i]);
    return rc;
}
