/* profiler/schema.h — the call record, generated from profiler/fields.def: the one schema
 * shared by the profiler (which writes it) and the report tool (which reads it back).
 * Nothing else of the profiler is visible to the report tool. */
#ifndef BS_PROFILER_SCHEMA_H
#define BS_PROFILER_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#define BS_MAX_FRAMES 16
#define BS_NULL_I64 INT64_MIN

typedef struct bs_frames {
    int n;
    const char *f[BS_MAX_FRAMES];
} bs_frames;

#define BS_CTYPE_STR const char *
#define BS_CTYPE_STRN const char *
#define BS_CTYPE_STRO const char *
#define BS_CTYPE_I64 int64_t
#define BS_CTYPE_I64N int64_t
#define BS_CTYPE_I64S int64_t
#define BS_CTYPE_F64 double
#define BS_CTYPE_F64N double
#define BS_CTYPE_F64X double
#define BS_CTYPE_BOOLN int
#define BS_CTYPE_FRAMES bs_frames

typedef struct bs_record {
#define BS_FIELD(name, kind, unit, doc) BS_CTYPE_##kind name;
#include "fields.def"
#undef BS_FIELD
} bs_record;

#endif
