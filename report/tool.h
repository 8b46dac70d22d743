/* report/tool.h — what the files of blasshim-report share: the gathered view of the reports
 * (gather.c), output and formatting helpers (util.c), and the commands, a file per family:
 * summary.c, compare.c, export.c (csv, trace), plot.c; main.c parses the command line.
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
    int64_t calls, wall, flops, marks; /* top-level calls: a nested call's time is its parent's */
    int64_t nested;                    /* calls made inside a LAPACK call (depth > 0) */
    lapack *lapacks;
    size_t nlapacks, caplapacks;
    pending *pend;
    size_t npend, cappend;
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

/* ---- helpers (util.c) -------------------------------------------------------------------- */

FILE *open_out(const char *path); /* "-" or NULL: stdout; exits 2 when it cannot */
int close_out(FILE *f, const char *path);
int by_wall_desc(const void *a, const void *b);      /* shapes, costliest first */
int site_by_wall_desc(const void *a, const void *b); /* sites, costliest first */
double gflops(int64_t flops, int64_t wall);
double quantile_us(const shape *s, double q); /* NaN when only aggregates were read */
int64_t process_time(const gather *g);
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

#endif
