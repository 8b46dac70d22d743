/* profiler/jsonl.c — the "call" line, written field by field from fields.def.
 *
 * Why not jansson here: building and dumping a 35-field jansson object costs ~4.5 us per
 * call on the reference machine, three times the whole per-call budget; every other record
 * (header, summary, aggregates, marks) is written with jansson, and the tests parse every
 * line with a real JSON parser. Strings are JSON-escaped; numbers are exact where the value
 * is an input (alpha, beta: %.17g) and 6 significant digits where it is a measurement. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "sink.h"

typedef bs_out out;

void bs_put(out *o, const char *s, size_t n)
{
    if ((size_t)(o->end - o->p) < n) {
        o->full = 1;
        return;
    }
    memcpy(o->p, s, n);
    o->p += n;
}

void bs_put_str(out *o, const char *s)
{
    if (!s) {
        bs_put(o, "null", 4);
        return;
    }
    bs_put(o, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            bs_put(o, esc, 2);
        } else if (ch < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            bs_put(o, esc, 6);
        } else {
            bs_put(o, (const char *)&ch, 1);
        }
    }
    bs_put(o, "\"", 1);
}

void bs_put_i64(out *o, int64_t v)
{
    char tmp[24], *t = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--t = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--t = '-';
    bs_put(o, t, (size_t)(tmp + sizeof tmp - t));
}

void bs_put_f64(out *o, double v, int exact)
{
    if (v != v || v - v != 0) { /* NaN or Inf: not JSON numbers */
        bs_put(o, "null", 4);
        return;
    }
    if (v == (double)(int64_t)v && v > -9e15 && v < 9e15) { /* integral: fast and exact */
        bs_put_i64(o, (int64_t)v);
        bs_put(o, ".0", 2);
        return;
    }
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, exact ? "%.17g" : "%.6g", v);
    bs_put(o, tmp, (size_t)n);
}

#define PUT_KEY(name) bs_put(o, ",\"" #name "\":", sizeof(#name) + 3)

#define BS_PUT_STR(name, v) (PUT_KEY(name), bs_put_str(o, (v) ? (v) : ""))
#define BS_PUT_STRN(name, v) (PUT_KEY(name), (v) ? bs_put_str(o, v) : bs_put(o, "null", 4))
#define BS_PUT_STRO(name, v) ((v) ? (PUT_KEY(name), bs_put_str(o, v)) : (void)0)
#define BS_PUT_I64(name, v) (PUT_KEY(name), bs_put_i64(o, v))
#define BS_PUT_I64N(name, v) (PUT_KEY(name), (v) < 0 ? bs_put(o, "null", 4) : bs_put_i64(o, v))
#define BS_PUT_I64S(name, v)                                                                       \
    (PUT_KEY(name), (v) == BS_NULL_I64 ? bs_put(o, "null", 4) : bs_put_i64(o, v))
#define BS_PUT_F64(name, v) (PUT_KEY(name), bs_put_f64(o, v, 1))
#define BS_PUT_F64X(name, v)                                                                       \
    (PUT_KEY(name), (v) != (v) ? bs_put(o, "null", 4) : bs_put_f64(o, v, 1))
#define BS_PUT_F64N(name, v) (PUT_KEY(name), (v) < 0 ? bs_put(o, "null", 4) : bs_put_f64(o, v, 0))
#define BS_PUT_BOOLN(name, v)                                                                      \
    (PUT_KEY(name), (v) < 0 ? bs_put(o, "null", 4)                                                 \
                    : (v)   ? bs_put(o, "true", 4)                                                 \
                            : bs_put(o, "false", 5))
#define BS_PUT_FRAMES(name, v)                                                                     \
    do {                                                                                           \
        if ((v).n > 0) {                                                                           \
            PUT_KEY(name);                                                                         \
            bs_put(o, "[", 1);                                                                     \
            for (int i_ = 0; i_ < (v).n; i_++) {                                                   \
                if (i_)                                                                            \
                    bs_put(o, ",", 1);                                                             \
                bs_put_str(o, (v).f[i_]);                                                          \
            }                                                                                      \
            bs_put(o, "]", 1);                                                                     \
        }                                                                                          \
    } while (0)

size_t bs_format_call(const bs_record *r, char *buf, size_t cap)
{
    out oo = {buf, buf + cap, 0}, *o = &oo;
    bs_put(o, "{\"type\":\"call\"", 14);
#define BS_FIELD(name, kind, unit, doc) BS_PUT_##kind(name, r->name);
#include "fields.def"
#undef BS_FIELD
    bs_put(o, "}\n", 2);
    return o->full ? 0 : (size_t)(o->p - buf);
}
