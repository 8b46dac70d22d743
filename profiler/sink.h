/* profiler/sink.h — the in-process report sink: what the shim hands records to, and the
 * call line's formatter. Runs inside the profiled program only. */
#ifndef BS_PROFILER_SINK_H
#define BS_PROFILER_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* What the real BLAS says about itself (shim/realinfo.c fills it; strings NULL when unknown). */
typedef struct bs_blas_identity {
    const char *file;    /* the real BLAS's file, symlinks followed */
    const char *library; /* the file that answered the vendor's queries (may differ: a wrapper) */
    const char *vendor;  /* OpenBLAS, BLIS, MKL, reference, unknown */
    const char *version;
    const char *config;   /* openblas_get_config / the version string as the library gives it */
    const char *core;     /* openblas_get_corename */
    const char *parallel; /* sequential, pthreads, openmp */
    int threads;          /* the library's thread count at set-up; -1 when it cannot tell */
} bs_blas_identity;

/* What the header line says about the configuration (the profiler knows no kernels). */
#define BS_HEADER_MAX_ROUTINES 8
typedef struct bs_header_info {
    const char *version; /* the library's (include/blasshim.h), a string constant */
    int n;
    const char *routine[BS_HEADER_MAX_ROUTINES];
    const char *kernel[BS_HEADER_MAX_ROUTINES];
    const char *real_blas;        /* path of the real BLAS, or NULL */
    const char *isa;              /* microkernels of the SIMD kernels */
    const char *isas_supported;   /* what this CPU can run */
    const char *blocking;         /* tiles and block sizes, as text */
    int num_threads;              /* the parallel kernel's threads */
    const char *num_threads_from; /* BLASSHIM_NUM_THREADS, OMP_NUM_THREADS or affinity (static) */
    bs_blas_identity blas;        /* the real BLAS, as it describes itself */
} bs_header_info;

/* Configure the sink: pattern NULL = report off; summary_mode: aggregates instead of call
 * lines; start_paused: record nothing until bs_report_pause(0). Call once, before any
 * bs_report_call. */
void bs_report_setup(const char *pattern, const bs_header_info *info, int summary_mode,
                     int start_paused);

/* What the header says about the configuration (blasshim version, kernels, real_blas, isa,
 * isas_supported, blocking, num_threads, num_threads_from), with the report name pattern
 * (null when off) and the log mode: a new object, for blasshim_info_json(). */
struct json_t *bs_report_config_json(void);

/* Nonzero when records are wanted (configured, not off, not failed, not paused). Cheap. */
int bs_report_enabled(void);

/* Pause (1) or resume (0) recording. */
void bs_report_pause(int paused);

/* A {"type":"mark"} line with the time, the thread and the name (also while paused). */
void bs_report_mark(const char *name, int64_t tid);

/* Write one call record (or, in summary mode, add it to its aggregate); fills seq (unless
 * already taken with bs_report_next_seq) and pid. Opens the report on the first record. */
void bs_report_call(bs_record *r);

/* Take the next sequence number at the start of a call whose record is written after those of
 * the calls made inside it (a LAPACK call and its BLAS calls: their parent); put it in the
 * record's seq. */
int64_t bs_report_next_seq(void);

/* The call line, generated from fields.def (profiler/jsonl.c): {"type":"call",...}\n.
 * Returns its length, or 0 if it does not fit in cap. */
size_t bs_format_call(const bs_record *r, char *buf, size_t cap);

/* Write the summary, flush and close. Runs at exit; later records are dropped. */
void bs_report_finish(void);

#endif
