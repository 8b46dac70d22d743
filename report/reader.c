/* report/reader.c — the report reader: one line at a time, parsed with jansson, each call
 * record checked field by field against fields.def. Lines longer than MAX_LINE are rejected
 * without being held in memory. */
#include "reader.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LINE (1 << 20)
#define FORMAT_VERSION 1 /* the newest report format this reader knows */

/* Bounds on numbers: far beyond what a process can produce, low enough that the tool's sums
 * and conversions stay exact and finite (sums saturate, report/util.c). */
#define MAX_I64 (INT64_C(1) << 62)
#define MAX_WALL_NS (INT64_C(1) << 50) /* 13 days in one call */
#define IN_RANGE(v) ((v) >= -MAX_I64 && (v) <= MAX_I64)

/* ---- reading one field of a call record ----------------------------------------------- */

static const char *bad_field;

/* One field: absent_ok / null_ok say what the kind allows (the value is then nullv), ok
 * checks the JSON value, value converts it. */
#define BS_GET(name, v, absent_ok, null_ok, nullv, ok, value)                                      \
    do {                                                                                           \
        json_t *j_ = json_object_get(o, #name);                                                    \
        if ((!j_ && (absent_ok)) || (json_is_null(j_) && (null_ok)))                               \
            v = nullv;                                                                             \
        else if (j_ && (ok))                                                                       \
            v = value;                                                                             \
        else {                                                                                     \
            bad_field = #name;                                                                     \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)
#define BS_GET_EXPANDED(...) BS_GET(__VA_ARGS__) /* lets BS_STRING become two arguments */
#define BS_STRING json_is_string(j_), json_string_value(j_)
#define BS_GET_STR(name, v) BS_GET_EXPANDED(name, v, 0, 0, NULL, BS_STRING)
#define BS_GET_STRN(name, v) BS_GET_EXPANDED(name, v, 0, 1, NULL, BS_STRING)
#define BS_GET_STRO(name, v) BS_GET_EXPANDED(name, v, 1, 0, NULL, BS_STRING)
#define BS_INT json_is_integer(j_) && IN_RANGE(json_integer_value(j_))
#define BS_GET_I64(name, v) BS_GET(name, v, 0, 0, 0, BS_INT, json_integer_value(j_))
#define BS_GET_I64N(name, v)                                                                       \
    BS_GET(name, v, 0, 1, -1, BS_INT &&json_integer_value(j_) >= 0, json_integer_value(j_))
#define BS_GET_I64S(name, v) BS_GET(name, v, 0, 1, BS_NULL_I64, BS_INT, json_integer_value(j_))
#define BS_GET_F64(name, v) BS_GET(name, v, 0, 0, 0, json_is_number(j_), json_number_value(j_))
#define BS_GET_F64N(name, v)                                                                       \
    BS_GET(name, v, 0, 1, -1, json_is_number(j_) && json_number_value(j_) >= 0,                    \
           json_number_value(j_))
#define BS_GET_F64X(name, v) BS_GET(name, v, 0, 1, NAN, json_is_number(j_), json_number_value(j_))
#define BS_GET_BOOLN(name, v) BS_GET(name, v, 0, 1, -1, json_is_boolean(j_), json_is_true(j_))
#define BS_GET_FRAMES(name, v)                                                                     \
    do {                                                                                           \
        json_t *j_ = json_object_get(o, #name);                                                    \
        v.n = 0;                                                                                   \
        if (j_ && !json_is_array(j_)) {                                                            \
            bad_field = #name;                                                                     \
            return -1;                                                                             \
        }                                                                                          \
        c->name = j_;                                                                              \
    } while (0)

static int view_of(json_t *o, bs_call_view *c)
{
    memset(c, 0, sizeof *c);
#define BS_FIELD(name, kind, unit, doc) BS_GET_##kind(name, c->r.name);
#include "profiler/fields.def"
#undef BS_FIELD
    if (c->r.wall_ns < 0 || c->r.wall_ns > MAX_WALL_NS) {
        bad_field = "wall_ns";
        return -1;
    }
    if (c->r.cpu_ns > MAX_WALL_NS * 4096) {
        bad_field = "cpu_ns";
        return -1;
    }
    return 0;
}

/* An integer field within [lo, hi]. */
static int counted(json_t *o, const char *key, int64_t lo, int64_t hi)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi;
}

/* A header of another format or a newer version: one line on stderr, nonzero. line 1 makes
 * the file unusable; a later one (a process appended with another writer) is skipped. */
static int header_problem(json_t *o, const char *name, long no)
{
    const char *format = json_string_value(json_object_get(o, "format"));
    json_t *version = json_object_get(o, "version");
    if (!format || strcmp(format, "blasshim-report") != 0) {
        if (no == 1)
            fprintf(stderr,
                    "blasshim-report: %s: not a blasshim report (format is not "
                    "\"blasshim-report\")\n",
                    name);
        else
            fprintf(stderr, "%s:%ld: a header of another format; skipped\n", name, no);
        return 1;
    }
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > FORMAT_VERSION) {
        char v[32] = "not a number";
        if (json_is_integer(version))
            snprintf(v, sizeof v, "%lld", (long long)json_integer_value(version));
        if (no == 1)
            fprintf(stderr,
                    "blasshim-report: %s: report format version %s; this "
                    "blasshim-report reads version 1 to %d\n",
                    name, v, FORMAT_VERSION);
        else
            fprintf(stderr, "%s:%ld: a header of format version %s; skipped\n", name, no, v);
        return 1;
    }
    if (!counted(o, "pid", 0, MAX_I64)) {
        fprintf(stderr, "%s%s:%ld: header without a pid in range\n",
                no == 1 ? "blasshim-report: " : "", name, no);
        return 1;
    }
    return 0;
}

/* ---- lines -------------------------------------------------------------------------- */

/* Next line into buf (without the newline). Returns its length, -1 at the end, -2 when it
 * was longer than the buffer (the rest is skipped). *newline: it ended with '\n'. */
static long next_line(FILE *f, char *buf, size_t cap, int *newline, int stop_when_too_long)
{
    size_t n = 0;
    int ch, too_long = 0;
    *newline = 0;
    while ((ch = getc(f)) != EOF) {
        if (ch == '\n') {
            *newline = 1;
            break;
        }
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else if ((too_long = 1) && stop_when_too_long)
            break;
    }
    if (ch == EOF && n == 0 && !too_long)
        return -1;
    buf[n] = '\0';
    return too_long ? -2 : (long)n;
}

int bs_read_stream(FILE *f, const char *name, const bs_reader_handler *h, bs_read_stats *st)
{
    memset(st, 0, sizeof *st);
    char *buf = malloc(MAX_LINE + 1);
    if (!buf) {
        fprintf(stderr, "blasshim-report: %s: out of memory\n", name);
        return 2;
    }
    int rc = 0, seen_header = 0, newline;
    long len;
    while ((len = next_line(f, buf, MAX_LINE + 1, &newline, !seen_header)) != -1) {
        st->lines++;
        const long no = st->lines;
        /* a last line without its newline: the writer was cut off mid-line */
        int last_unterminated = !newline;
        if (len == -2 && !seen_header) {
            fprintf(stderr,
                    "blasshim-report: %s: not a blasshim report (line 1 is longer than "
                    "%d bytes)\n",
                    name, MAX_LINE);
            rc = 2;
            break;
        }
        if (len == -2) {
            fprintf(stderr, "%s:%ld: line longer than %d bytes; skipped\n", name, no, MAX_LINE);
            st->malformed++;
            continue;
        }
        if (len == 0) {
            if (last_unterminated)
                break;
            fprintf(stderr, "%s:%ld: empty line; skipped\n", name, no);
            st->malformed++;
            continue;
        }
        json_error_t err;
        json_t *o = json_loadb(buf, (size_t)len, JSON_REJECT_DUPLICATES, &err);
        const char *type = o ? json_string_value(json_object_get(o, "type")) : NULL;
        if (!seen_header) {
            if (!o || !type || strcmp(type, "header") != 0 ||
                !json_is_string(json_object_get(o, "format"))) {
                fprintf(stderr, "blasshim-report: %s: not a blasshim report (line 1 is %s)\n", name,
                        o ? "not its header" : "not JSON");
                json_decref(o);
                rc = 2;
                break;
            }
            if (header_problem(o, name, 1)) {
                json_decref(o);
                rc = 2;
                break;
            }
            seen_header = 1;
        }
        if (!o) {
            if (last_unterminated) {
                fprintf(stderr,
                        "blasshim-report: %s: the last line is cut off (was the "
                        "process killed?); it is ignored\n",
                        name);
                st->partial_last = 1;
            } else {
                fprintf(stderr, "%s:%ld: %s (column %d)\n", name, no, err.text, err.column);
                st->malformed++;
            }
            continue;
        }
        if (!type) {
            fprintf(stderr, "%s:%ld: no \"type\" field\n", name, no);
            st->malformed++;
        } else if (strcmp(type, "call") == 0) {
            bs_call_view c;
            if (view_of(o, &c) != 0) {
                fprintf(stderr,
                        "%s:%ld: call record: field \"%s\" is missing or of the wrong "
                        "kind\n",
                        name, no, bad_field);
                st->malformed++;
            } else {
                st->calls++;
                if (h->call)
                    h->call(h->ctx, name, &c);
            }
        } else if (strcmp(type, "header") == 0) {
            if (no > 1 && header_problem(o, name, no))
                st->malformed++;
            else if (h->header)
                h->header(h->ctx, name, o);
        } else if (strcmp(type, "aggregate") == 0) {
            if (!counted(o, "count", 1, MAX_I64) || !counted(o, "wall_ns", 0, MAX_I64) ||
                !counted(o, "flops", 0, MAX_I64)) {
                fprintf(stderr,
                        "%s:%ld: aggregate record without count, wall_ns or flops in "
                        "range\n",
                        name, no);
                st->malformed++;
            } else {
                st->aggregates++;
                if (h->aggregate)
                    h->aggregate(h->ctx, name, o);
            }
        } else if (strcmp(type, "mark") == 0) {
            if (h->mark)
                h->mark(h->ctx, name, o);
        } else if (strcmp(type, "summary") == 0) {
            if (h->summary)
                h->summary(h->ctx, name, o);
        } else {
            fprintf(stderr, "%s:%ld: unknown record type \"%s\"\n", name, no, type);
            st->malformed++;
        }
        json_decref(o);
    }
    free(buf);
    if (rc == 0 && st->lines == 0) {
        fprintf(stderr, "blasshim-report: %s: empty file\n", name);
        rc = 2;
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "blasshim-report: %s: read error: %s\n", name, strerror(errno));
        rc = 2;
    }
    return rc ? rc : st->malformed ? 1 : 0;
}

int bs_read_report(const char *path, const bs_reader_handler *h, bs_read_stats *st)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
    if (!f) {
        memset(st, 0, sizeof *st);
        fprintf(stderr, "blasshim-report: %s: %s\n", path, strerror(errno));
        return 2;
    }
    struct stat sb;
    if (f != stdin && fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
        memset(st, 0, sizeof *st);
        fprintf(stderr, "blasshim-report: %s: %s, not a report\n", path,
                S_ISDIR(sb.st_mode) ? "a directory" : "a device or special file");
        fclose(f);
        return 2;
    }
    int rc = bs_read_stream(f, path, h, st);
    if (f != stdin)
        fclose(f);
    return rc;
}
