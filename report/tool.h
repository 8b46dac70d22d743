/* report/tool.h — what the files of blasshim-report share: the gathered view of the reports
 * (gather.c), output and formatting helpers (util.c), and the commands, a file per family:
 * summary.c, compare.c, export.c (csv, trace), plot.c (roofline), html.c (the page, with
 * fold.c's flame graph input, flame.c and timeline.c); svg.c writes the SVG pieces; main.c
 * parses the command line.
 * The tool sees of the profiler only the record schema (profiler/schema.h, fields.def). */
#ifndef BS_REPORT_TOOL_H
#define BS_REPORT_TOOL_H

#include <stdint.h>
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

/* p resized to hold need elements of elem bytes (new ones zeroed); exits on no memory. */
void *grow(void *p, size_t *cap, size_t need, size_t elem);

/* ---- what is gathered (gather.c) --------------------------------------------------------- */

typedef struct shape {
    char routine[16], kernel[16], ta[4], tb[4];
    int64_t m, n, k;
    int64_t count, wall, min, max, flops, bytes, thread_sum;
    int64_t hist_count; /* calls in the histogram (aggregates carry no samples) */
    uint32_t hist[BS_HIST_BUCKETS];
    int matched; /* compare: found in the other run */
} shape;

typedef struct site {
    char caller[300];
    int64_t count, wall, flops;
    int matched; /* compare --by line: found in the other run */
} site;

typedef struct proc {
    int64_t pid;
    char file[256], prog[128];
    char host[64], cpu_model[128], kernels[160], real_blas[256], log[16];
    int64_t start_mono, elapsed, first_ts, last_end, ncpus, num_threads;
    int64_t calls, wall, flops; /* this process's BLAS calls */
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

/* ---- BLAS time by Python stack (fold.c) ---------------------------------------------------- */

typedef struct fold {
    map ix;
    char **keys; /* "outermost;...;innermost" */
    int64_t *ns;
    size_t n, capkeys, capns;
    int64_t total;
} fold;

/* the folded stack of one call into buf: its py_stack outermost first, else its py_caller,
 * else "[native];caller" */
void fold_key(char *buf, size_t cap, const char *py_caller, json_t *py_stack, const char *caller);
bs_reader_handler fold_handler(fold *f); /* folds every call and aggregate read into f */
void fold_free(fold *f);

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
    int64_t pid, ts, calls, wall; /* calls and BLAS time in the phase the mark starts */
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
    int64_t lanes_dropped, marks_dropped, calls, before_calls, before_wall;
    int64_t t_min, t_max;
    tl_call exact[TL_EXACT];
    tl_mark marks[TL_MARKS];
} timeline;

bs_reader_handler timeline_handler(timeline *t); /* the calls and marks read go into t */
/* a process's life (before timeline_svg): in view, and the end of its last phase */
void timeline_process(timeline *t, int64_t pid, int64_t start_mono, int64_t end_mono);
int64_t timeline_phase_end(const timeline *t, int mark);
int64_t timeline_mark_at(const timeline *t, int mark); /* ns from the start of the picture */
void timeline_svg(FILE *o, const timeline *t, const gather *g);
int flame_svg(FILE *o, const fold *f); /* flame.c; 0 when there is no time to draw */

/* ---- helpers (util.c) -------------------------------------------------------------------- */

FILE *open_out(const char *path); /* "-" or NULL: stdout; exits 2 when it cannot */
int close_out(FILE *f, const char *path);
/* qsort that takes an empty array too (a gather's arrays are NULL until something is added) */
void sort_rows(void *rows, size_t n, size_t size, int (*cmp)(const void *, const void *));
int by_wall_desc(const void *a, const void *b);      /* shapes, costliest first */
int site_by_wall_desc(const void *a, const void *b); /* sites, costliest first */
double gflops(int64_t flops, int64_t wall);
double quantile_us(const shape *s, double q); /* NaN when only aggregates were read */
int64_t process_time(const gather *g);

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
const char *str_of(json_t *o, const char *key, const char *dflt);

/* per-core peak of each type, GFLOP/s */
typedef struct peaks {
    double s, d;
    int measured;
} peaks;

int single(const char *routine); /* single precision: s or c */
double peak_for(const peaks *pk, const shape *s);

/* ---- the commands ------------------------------------------------------------------------ */

int summary_cmd(gather *g, int json, int top, const peaks *pk);
int compare_cmd(gather *base, gather *next, int json);
int compare_lines_cmd(gather *base, gather *next, int json);
int csv_cmd(char **files, int nfiles, const char *out);
int trace_cmd(char **files, int nfiles, const char *out);
int plot_cmd(gather *g, const char *out, const peaks *pk, double bandwidth, int bw_measured);
double measure_bandwidth(void);

typedef struct html_opts {
    char **files; /* every report: with --base/--new, the nbase base ones first */
    int nfiles, nbase, nnew, top;
    const char *out;
    const peaks *pk;
    double bw;
    int bw_measured;
} html_opts;
int html_cmd(const html_opts *op);

/* The roofline into o (plot.c): standalone adds the XML declaration (html inlines it without).
 * Returns the number of shapes drawn (circles), 0 when none has sizes and a time. */
int roofline_svg(FILE *o, const gather *g, const peaks *pk, double bw, int bw_measured,
                 int standalone);
const char *kernel_color(const char *kernel); /* one colour per kernel, "#rrggbb" */

/* ---- SVG and HTML pieces (svg.c): plain attributes every renderer draws ----------------- */

#define ROOF_FP32 "#1f3a93"
#define ROOF_FP64 "#b22222"
#define ROOF_MEMORY "#444444"

void xml_text(FILE *o, const char *s); /* s escaped for XML/HTML text and attribute values */
void svg_line(FILE *o, double x1, double y1, double x2, double y2, const char *color,
              double width, const char *dash);
void svg_text_at(FILE *o, double x, double y, double size, const char *anchor, const char *color,
                 const char *text);

#endif
