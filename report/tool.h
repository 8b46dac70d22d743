/* report/tool.h — what the files of blasshim-report share: the gathered view of the reports
 * (gather.c), output and formatting helpers (util.c), and the commands, a file per family:
 * summary.c, compare.c, export.c (csv, trace), plot.c (roofline), html.c (the page, with
 * flame.c and timeline.c); svg.c writes the SVG pieces; main.c
 * parses the command line.
 * The tool sees of the profiler only the record schema (profiler/schema.h, fields.def). */
#ifndef BS_REPORT_TOOL_H
#define BS_REPORT_TOOL_H

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

#include <jansson.h>

#include "common/histogram.h"
#include "reader.h"

#define PROG "blasshim-report"

/* ---- a string-keyed map (common/hashtab.h's probing), growing ---------------------------- */

typedef struct map {
    char **keys;
    int *vals;
    size_t cap, n;
} map;

/* Index stored for key, or -1; with add, stores next and returns it when absent. */
int map_get(map *m, const char *key, int add, int next);
/* Store val for key, added or replaced. */
void map_put(map *m, const char *key, int val);

/* p resized to hold need elements of elem bytes (new ones zeroed); exits on no memory. */
void *grow(void *p, size_t *cap, size_t need, size_t elem);

/* ---- what is gathered (gather.c) --------------------------------------------------------- */

/* Wall times of calls, for medians: exact up to SAMPLE_CAP per set, then only the histogram
 * (±10 %), so that memory stays bounded by the shapes, never by the calls. */
#define SAMPLE_CAP 4096
typedef struct samples {
    int64_t *v; /* the first min(count, SAMPLE_CAP) times, ns, in the order read */
    size_t cap;
    int64_t count, sum, min, max;
    uint32_t hist[BS_HIST_BUCKETS];
} samples;

void samples_add(samples *s, int64_t ns);
void samples_free(samples *s);

typedef struct shape {
    char routine[16], kernel[16], ta[4], tb[4];
    int64_t m, n, k;
    int64_t count, wall, min, max, flops, bytes, thread_sum;
    int64_t hist_count; /* calls in the histogram (aggregates carry no samples) */
    uint32_t hist[BS_HIST_BUCKETS];
    int matched; /* compare: found in the other run */
    /* compare (gather.samples): each process's first call of the shape apart ("cold") */
    samples warm, cold;
    /* verify mode: calls verified, the worst max_rel_err, calls with NaN/Inf */
    int64_t verified, nonfinite;
    double worst_err;
} shape;

typedef struct site {
    char caller[2048]; /* a native call site, a Python line, or a Python stack (stack_key) */
    int64_t count, wall, flops;
    int matched; /* compare --by line/stack: found in the other run */
} site;

/* A LAPACK routine: its calls, those that failed (info != 0), and the calls made directly
 * inside them (children), by routine. */
#define LAPACK_KIDS 8
typedef struct kid {
    char routine[16];
    int64_t count, wall;
} kid;
typedef struct lapack {
    char routine[16];
    int64_t count, wall, failed, kids_wall;
    kid kids[LAPACK_KIDS]; /* the first distinct child routines; the rest in kids_wall only */
    int nkids;
} lapack;

/* The children of a LAPACK call whose own line has not been read yet (it comes after them):
 * one per call in progress when its children were written, so few. */
typedef struct pending {
    size_t proc;
    int64_t seq, wall;
    kid kids[LAPACK_KIDS];
    int nkids;
} pending;

/* sites keyed by their text, growing */
typedef struct site_set {
    site *v;
    size_t n, cap;
    map ix;
} site_set;

typedef struct proc {
    int64_t pid;
    char file[256], prog[128];
    char host[64], cpu_model[128], kernels[160], real_blas[256], log[16];
    int64_t start_mono, elapsed, first_ts, last_end, ncpus, num_threads;
    int64_t blas_threads;       /* header blas.threads: the real BLAS's threads, or 0 */
    int64_t calls, wall, flops; /* this process's BLAS calls */
    int has_summary;
} proc;

/* The calls of one thread between two of its marks (or before its first one). */
#define MAX_PHASES 4096
typedef struct phase {
    char name[64]; /* the mark that opens it; "(start)" before the first */
    int64_t pid, tid, order;
    int64_t start_ts, end_ts; /* the marks around it, ns; -1 where there is none */
    int64_t calls, wall, flops;
} phase;

typedef struct gather {
    shape *shapes;
    size_t nshapes, capshapes;
    map shape_ix;
    site_set sites;  /* by native caller */
    site_set lines;  /* by py_caller */
    site_set stacks; /* by the user's Python stack, outermost first (stack_key) */
    proc *procs;
    size_t nprocs, capprocs;
    int64_t calls, wall, flops, marks; /* top-level calls: a nested call's time is its parent's */
    int64_t nested;                    /* calls made inside a LAPACK call (depth > 0) */
    lapack *lapacks;
    size_t nlapacks, caplapacks;
    pending *pend;
    size_t npend, cappend;
    int by_kernel;    /* shapes keyed with the kernel (summary) or without (compare) */
    int keep_samples; /* compare: keep call times (shape.warm, shape.cold) */
    map first_ix;     /* (process, shape) pairs seen: the later calls are warm */
    phase *phases;    /* per thread, between its marks */
    size_t nphases, capphases;
    map thread_ix;       /* file|pid|tid -> its current phase */
    int phases_cut;      /* more than MAX_PHASES: later marks did not open a phase */
    json_t *headers;     /* every header read, in order */
    char kernels[8][16]; /* the kernels that ran the side's gemm calls (else any calls) */
    int nkernels, kernels_gemm;
    int64_t verified;
    char cpu_model[128]; /* the first header's */
} gather;

void gather_free(gather *g);

/* The key of a shape in gather.shape_ix (kernel "" when not keyed by kernel). */
void shape_key(char *buf, size_t cap, const char *routine, const char *kernel, const char *ta,
               const char *tb, int64_t m, int64_t n, int64_t k);

/* Stream every report through h. Returns the worst status (see bs_read_report), and 2 when
 * no file held a call record (with_aggregates: or a summary-mode aggregate), with one line on
 * stderr. */
int read_all(char **files, int nfiles, const bs_reader_handler *h, int with_aggregates);

/* Read every report into g. */
int gather_reports(gather *g, char **files, int nfiles);

/* The callbacks that gather into g (ctx = g), for a reader that does more in the same pass. */
bs_reader_handler gather_handler(gather *g);

/* bytes of A, B and C of a gemm of m x n x k (summary-mode aggregates carry no spans); 0 for
 * other routines */
int64_t gemm_bytes(const char *routine, int64_t m, int64_t n, int64_t k);

/* ---- when the calls ran (timeline.c) ------------------------------------------------------ */

enum { TL_LANES = 32, TL_BINS = 256, TL_EXACT = 3000, TL_MARKS = 256 };

typedef struct tl_bin {
    int64_t start, end, busy, calls;
} tl_bin;

typedef struct tl_lane {
    int64_t pid, tid, t0, width, calls, wall; /* bins of width ns from t0 */
    tl_bin bins[TL_BINS];
} tl_lane;

typedef struct tl_call {
    int lane;
    char routine[12], kernel[12];
    int64_t ts, wall, m, n, k;
} tl_call;

typedef struct tl_mark {
    int64_t pid, ts;
    char name[80];
} tl_mark;

typedef struct tl_proc {
    int64_t pid, start, end;
} tl_proc;

typedef struct timeline {
    tl_lane lanes[TL_LANES];
    tl_proc procs[TL_LANES];
    int nlanes, nexact, nmarks, nprocs;
    int relative; /* the processes never ran at once: each drawn from its own start */
    int64_t lanes_dropped, marks_dropped, calls;
    int64_t t_min, t_max;
    tl_call exact[TL_EXACT];
    tl_mark marks[TL_MARKS];
} timeline;

bs_reader_handler timeline_handler(timeline *t); /* the calls and marks read go into t */
/* a process's life (before timeline_svg): in view, and the end of its last phase */
void timeline_process(timeline *t, int64_t pid, int64_t start_mono, int64_t end_mono);
int64_t timeline_phase_end(const timeline *t, int mark);
void timeline_svg(FILE *o, const timeline *t, const gather *g);

/* ---- Python stacks (stacks.c) ------------------------------------------------------------ */

/* The stack a call is folded on: its py_stack (py_caller and the user frames outward), else
 * py_caller alone, outermost first, one frame per line ('\n' between frames). "" when the
 * call has no Python call site. */
void stack_key(char *buf, size_t cap, const char *py_caller, json_t *py_stack);
json_t *stack_json(const char *key);                   /* the frames, as a JSON array */
void print_stack(const char *key, const char *indent); /* a frame per line */

/* BLAS time by folded stack, as `folded` writes it (and html's flame graph draws it): per
 * call "outermost;...;innermost;routine MxNxK" (native: the native frames before the routine)
 * -> ns. Grows with the distinct stacks. */
typedef struct folder {
    map ix;
    char **keys;
    int64_t *weight;
    size_t n, capk, capw;
    int native;
} folder;
bs_reader_handler folder_handler(folder *f); /* folds every call and aggregate read into f */
void folder_free(folder *f);
int flame_svg(FILE *o, const folder *f); /* flame.c; 0 when there is no time to draw */

/* ---- helpers (util.c) -------------------------------------------------------------------- */

FILE *open_out(const char *path); /* "-" or NULL: stdout; exits 2 when it cannot */
int close_out(FILE *f, const char *path);
int by_wall_desc(const void *a, const void *b);      /* shapes, costliest first */
int site_by_wall_desc(const void *a, const void *b); /* sites, costliest first */
double gflops(int64_t flops, int64_t wall);
double quantile_us(const shape *s, double q); /* NaN when only aggregates were read */
int64_t process_time(const gather *g);
int phase_by_thread(const void *a, const void *b); /* phases by pid, tid, then in order */
int64_t phase_span(const phase *p);                /* mark to next mark, ns; -1: open */

/* the calls, time and flops per (routine, kernel), in the order of g's shapes; at most cap */
typedef struct rk {
    char routine[16], kernel[16];
    int64_t count, wall, flops;
} rk;
int by_routine_kernel(const gather *g, rk *by, int cap);
void fmt_dims(char *buf, size_t cap, int64_t m, int64_t n, int64_t k);
void fmt_us(char *buf, size_t cap, double us);
const char *or_dash(const char *s);
json_t *dim_json(int64_t v);     /* absent sizes are null in --json output */
json_t *str_json(const char *s); /* and "-" transposes */
int64_t int_of(json_t *o, const char *key);
/* Copy src into dst (cap bytes), cut at a character boundary: the text stays valid UTF-8. */
void copy_text(char *dst, size_t cap, const char *src);
/* qsort, except that an empty array may be NULL (qsort's base must never be, UBSan says) */
static inline void sort_n(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, size, cmp);
}
/* *acc += v, saturating at INT64_MAX / INT64_MIN instead of overflowing */
void add_sat(int64_t *acc, int64_t v);
const char *str_of(json_t *o, const char *key, const char *dflt);

/* per-core peak of each type, GFLOP/s */
typedef struct peaks {
    double s, d;
    int measured;     /* 0: given with --peak */
    char source[400]; /* where the numbers come from, for the output */
} peaks;

int single(const char *routine); /* single precision: s or c */
/* the threads that worked on a shape's calls, on average (1 when it has none) */
double shape_threads(const shape *s);
double peak_for(const peaks *pk, const shape *s);

/* ---- compare's numbers (compare.c), apart from its printing: the HTML page reuses them ---- */

/* One side of a matched shape. The statistics are over the warm calls (each process's first
 * call of the shape left out, unless keep_cold), or over the cold ones when there is nothing
 * else; NaN when the side has no call times (summary-mode aggregates). */
typedef struct side_stats {
    int64_t calls;      /* every call of the shape on this side */
    int64_t cold_calls; /* first calls (one per process) */
    double cold_ns;     /* their mean, NaN when none */
    int64_t used;       /* the calls the statistics are over */
    double median_ns, min_ns, p95_ns;
    int exact; /* from every time; 0: median and p95 from the histogram (±10 %) */
    const char *kernel;
} side_stats;

#define SIGNIFICANT_MIN_CALLS 5
typedef struct compare_row {
    const shape *base, *next;
    side_stats b, n;
    double speedup;  /* base median / new median; 0 when not known */
    int significant; /* >= 5 calls a side and [min, p95] spreads apart */
    const char *why; /* why not: "fewer than 5 calls", "spreads overlap", "no call times" */
} compare_row;

/* A header fact that changes the baseline and differs between the sides. */
typedef struct compare_diff {
    char what[64];
    char *base, *next; /* the side's value(s), " / " between several; NULL: not set */
    char text[512];
} compare_diff;

typedef struct compare_result {
    compare_row *rows; /* matched shapes, by base time, costliest first */
    size_t nrows;
    const shape **only_base, **only_new;
    size_t nonly_base, nonly_new;
    /* each shape's median times its base calls, summed: over all matched rows, and over the
     * significant ones */
    double base_ns, new_ns, sig_base_ns, sig_new_ns;
    char base_label[96], new_label[96]; /* the sides by their kernels */
    compare_diff *diffs;
    size_t ndiffs;
} compare_result;

/* Match base's shapes in next (both gathered with keep_samples, by_kernel 0) and compute the
 * rows, totals, labels and header differences. Sorts base->shapes. */
void compare_rows(gather *base, gather *next, int keep_cold, compare_result *out);
void compare_result_free(compare_result *r);

/* ---- the commands ------------------------------------------------------------------------ */

int summary_cmd(gather *g, int json, int top, const peaks *pk, int by_stack);
int compare_cmd(gather *base, gather *next, int json, int keep_cold);
/* compare --by line (by_stack 0) or --by stack (1) */
int compare_sites_cmd(gather *base, gather *next, int json, int by_stack);
int csv_cmd(char **files, int nfiles, const char *out);
int trace_cmd(char **files, int nfiles, const char *out);
int folded_cmd(char **files, int nfiles, const char *out, int native);
int plot_cmd(gather *g, const char *out, const peaks *pk, double bandwidth, int bw_measured);
double measure_bandwidth(void);

typedef struct html_opts {
    char **files; /* every report: with --base/--new, the nbase base ones first */
    int nfiles, nbase, nnew, top;
    const char *out;
    peaks *pk; /* given (have_peak) or found for the reports' machine */
    int have_peak;
    double bandwidth; /* GB/s; 0: this machine's, cached or measured */
    int remeasure;
} html_opts;
int html_cmd(const html_opts *op);

/* The roofline into o (plot.c): standalone adds the XML declaration (html inlines it without).
 * Returns the number of shapes drawn (circles), 0 when none has sizes and a time, -1 (nothing
 * written) when their numbers are out of any range that can be drawn. */
int roofline_svg(FILE *o, const gather *g, const peaks *pk, double bw, int bw_measured,
                 int standalone);
const char *kernel_color(const char *kernel); /* one colour per kernel, "#rrggbb" */

/* ---- SVG and HTML pieces (svg.c): plain attributes every renderer draws ----------------- */

#define ROOF_FP32 "#1f3a93"
#define ROOF_FP64 "#b22222"
#define ROOF_MEMORY "#444444"

void xml_text(FILE *o, const char *s); /* s escaped for XML/HTML text and attribute values */
void svg_line(FILE *o, double x1, double y1, double x2, double y2, const char *color, double width,
              const char *dash);
void svg_text_at(FILE *o, double x, double y, double size, const char *anchor, const char *color,
                 const char *text);

#endif
