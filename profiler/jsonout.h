/* profiler/jsonout.h — JSON text into a caller's buffer, without malloc: the call line, and the
 * summary and aggregate lines that are also written on the way out of a process (_exit, exec),
 * where another thread may hold malloc's lock. */
#ifndef BS_PROFILER_JSONOUT_H
#define BS_PROFILER_JSONOUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bs_out {
    char *p, *end;
    int full; /* something did not fit: the text is incomplete */
} bs_out;

void bs_put(bs_out *o, const char *s, size_t n);
/* A string literal, its length counted by the compiler. */
#define bs_put_lit(o, lit) bs_put(o, lit, sizeof(lit) - 1)
/* A JSON string, escaped; NULL writes null. */
void bs_put_str(bs_out *o, const char *s);
void bs_put_i64(bs_out *o, int64_t v);
/* exact: 17 significant digits (inputs), else 6 (measurements); NaN and Inf write null. */
void bs_put_f64(bs_out *o, double v, int exact);

#endif
