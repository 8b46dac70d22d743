/* report/reader.h — reading blasshim reports back, line by line (streaming: memory does not
 * grow with the number of lines). The call record's fields come from the same table as the
 * writer's (profiler/fields.def), so the two cannot drift apart. */
#ifndef BS_REPORT_READER_H
#define BS_REPORT_READER_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "profiler/schema.h"

/* A call record as read: the writer's struct (bs_record), strings pointing into the parsed
 * line (valid during the callback), nulls as the writer encodes them (-1, BS_NULL_I64, NULL),
 * frames as a JSON array (NULL when absent). */
typedef struct bs_call_view {
    bs_record r;
    json_t *frames, *py_stack; /* the FRAMES fields, as JSON arrays (NULL when absent) */
} bs_call_view;

typedef struct bs_reader_handler {
    void *ctx;
    void (*header)(void *ctx, const char *file, json_t *rec);
    void (*call)(void *ctx, const char *file, const bs_call_view *c);
    void (*aggregate)(void *ctx, const char *file, json_t *rec);
    void (*mark)(void *ctx, const char *file, json_t *rec);
    void (*summary)(void *ctx, const char *file, json_t *rec);
} bs_reader_handler;

typedef struct bs_read_stats {
    long lines, calls, aggregates, malformed;
    int partial_last; /* the last line was cut off (warned) */
} bs_read_stats;

/* Read one report. Malformed lines are reported as "FILE:LINE: reason" on stderr and
 * skipped; a cut-off last line is warned about once. Returns 0 when every line was good (a
 * cut-off last line included), 1 when some lines were skipped, 2 when the file cannot be
 * read or is not a blasshim report at all (one line on stderr). */
int bs_read_report(const char *path, const bs_reader_handler *h, bs_read_stats *st);
int bs_read_stream(FILE *f, const char *name, const bs_reader_handler *h, bs_read_stats *st);

#endif
