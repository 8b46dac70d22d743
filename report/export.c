/* report/export.c — the streaming exports: `csv` (one row per call, every field of
 * profiler/fields.def) and `trace` (Chrome trace events for Perfetto; `folded` is in
 * stacks.c). */
#include <string.h>

#include "tool.h"

/* ---- csv (streaming) -------------------------------------------------------------------- */

static void csv_str(FILE *o, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, o);
        return;
    }
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', o);
        fputc(*s, o);
    }
    fputc('"', o);
}

#define CSV_STR(v) csv_str(o, v)
#define CSV_STRN(v) csv_str(o, v)
#define CSV_STRO(v) csv_str(o, v)
#define CSV_I64(v) fprintf(o, "%lld", (long long)(v))
#define CSV_I64N(v) ((v) < 0 ? 0 : fprintf(o, "%lld", (long long)(v)))
#define CSV_I64S(v) ((v) == BS_NULL_I64 ? 0 : fprintf(o, "%lld", (long long)(v)))
#define CSV_F64(v) fprintf(o, "%.17g", v)
#define CSV_F64X(v) ((v) != (v) ? 0 : fprintf(o, "%.17g", v))
#define CSV_F64N(v) ((v) < 0 ? 0 : fprintf(o, "%.9g", v))
#define CSV_BOOLN(v) ((v) < 0 ? 0 : fputs((v) ? "true" : "false", o))
#define CSV_FRAMES(v) csv_frames(o, (&(v) == &r->frames) ? c->frames : c->py_stack)

static void csv_frames(FILE *o, json_t *frames)
{
    if (!frames)
        return;
    char buf[8192];
    size_t used = 0, i;
    json_t *f;
    buf[0] = '\0';
    json_array_foreach(frames, i, f)
    {
        const char *s = json_string_value(f);
        int n = snprintf(buf + used, sizeof buf - used, "%s%s", i ? " | " : "", s ? s : "?");
        if (n < 0 || (size_t)n >= sizeof buf - used)
            break;
        used += (size_t)n;
    }
    csv_str(o, buf);
}

static void on_csv_call(void *ctx, const char *file, const bs_call_view *c)
{
    FILE *o = ctx;
    const bs_record *r = &c->r;
    csv_str(o, file);
#define BS_FIELD(name, kind, unit, doc) fputc(',', o), CSV_##kind(r->name);
#include "profiler/fields.def"
#undef BS_FIELD
    fputc('\n', o);
}

int csv_cmd(char **files, int nfiles, const char *out)
{
    FILE *o = open_out(out);
    fputs("file", o);
#define BS_FIELD(name, kind, unit, doc) fputs("," #name, o);
#include "profiler/fields.def"
#undef BS_FIELD
    fputc('\n', o);
    bs_reader_handler h = {o, NULL, on_csv_call, NULL, NULL, NULL};
    int rc = read_all(files, nfiles, &h, 0);
    int wrc = close_out(o, out);
    return rc > wrc ? rc : wrc;
}

/* ---- trace (streaming) ------------------------------------------------------------------ */

typedef struct tracer {
    FILE *o;
    long events;
    map threads; /* "pid/tid" of the threads named so far */
} tracer;

static void trace_event(tracer *t, json_t *e)
{
    if (!e) /* not representable (cannot happen with a report the reader accepted) */
        return;
    fputs(t->events++ ? ",\n" : "\n", t->o);
    json_dumpf(e, t->o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(e);
}

static void on_trace_header(void *ctx, const char *file, json_t *h)
{
    (void)file;
    const char *prog = json_string_value(json_array_get(json_object_get(h, "argv"), 0));
    char name[256], pid[32];
    snprintf(pid, sizeof pid, " (pid %lld)", (long long)int_of(h, "pid"));
    copy_text(name, sizeof name - strlen(pid), prog ? prog : "?"); /* whole characters */
    strcat(name, pid);
    trace_event(ctx, json_pack("{s:s,s:s,s:I,s:I,s:{s:s}}", "name", "process_name", "ph", "M",
                               "pid", (json_int_t)int_of(h, "pid"), "tid", (json_int_t)0, "args",
                               "name", name));
}

/* the first event of a thread's track: a thread_name metadata event naming it */
static void name_thread(tracer *t, int64_t pid, int64_t tid)
{
    char key[48], name[64];
    snprintf(key, sizeof key, "%lld/%lld", (long long)pid, (long long)tid);
    if (map_get(&t->threads, key, 0, 0) >= 0)
        return;
    map_get(&t->threads, key, 1, 1);
    if (tid == pid)
        snprintf(name, sizeof name, "main thread (tid %lld)", (long long)tid);
    else
        snprintf(name, sizeof name, "thread %lld", (long long)tid);
    trace_event(t, json_pack("{s:s,s:s,s:I,s:I,s:{s:s}}", "name", "thread_name", "ph", "M", "pid",
                             (json_int_t)pid, "tid", (json_int_t)tid, "args", "name", name));
}

static void on_trace_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    const bs_record *r = &c->r;
    name_thread(ctx, r->pid, r->tid);
    char name[96], dims[64];
    fmt_dims(dims, sizeof dims, r->m, r->n, r->k);
    if (r->info != BS_NULL_I64 && r->info != 0) /* a LAPACK call that failed, shown as such */
        snprintf(name, sizeof name, "%s %s info=%lld", r->routine, dims, (long long)r->info);
    else
        snprintf(name, sizeof name, "%s %s", r->routine, dims);
    json_t *args =
        json_pack("{s:s,s:s,s:s,s:s,s:I}", "kernel", r->kernel, "api", r->api, "transa",
                  or_dash(r->transa), "transb", or_dash(r->transb), "seq", (json_int_t)r->seq);
    json_object_set_new(args, "m", r->m >= 0 ? json_integer(r->m) : json_null());
    json_object_set_new(args, "n", r->n >= 0 ? json_integer(r->n) : json_null());
    json_object_set_new(args, "k", r->k >= 0 ? json_integer(r->k) : json_null());
    json_object_set_new(args, "gflops", r->gflops >= 0 ? json_real(r->gflops) : json_null());
    json_object_set_new(args, "threads", r->threads >= 0 ? json_integer(r->threads) : json_null());
    if (r->caller)
        json_object_set_new(args, "caller", json_string(r->caller));
    if (r->parent >= 0) /* a call made inside a LAPACK call: its event lies inside the parent's */
        json_object_set_new(args, "parent", json_integer(r->parent));
    if (r->nrhs >= 0)
        json_object_set_new(args, "nrhs", json_integer(r->nrhs));
    if (r->info != BS_NULL_I64)
        json_object_set_new(args, "info", json_integer(r->info));
    if (r->py_caller)
        json_object_set_new(args, "py_caller", json_string(r->py_caller));
    if (r->py_frame)
        json_object_set_new(args, "py_frame", json_string(r->py_frame));
    if (c->py_stack)
        json_object_set_new(args, "py_stack", json_deep_copy(c->py_stack));
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:f}", "name", name, "cat", r->routine, "ph",
                          "X", "pid", (json_int_t)r->pid, "tid", (json_int_t)r->tid, "ts",
                          r->ts_ns / 1e3, "dur", r->wall_ns / 1e3);
    json_object_set_new(e, "args", args);
    trace_event(ctx, e);
}

static void on_trace_mark(void *ctx, const char *file, json_t *m)
{
    (void)file;
    name_thread(ctx, int_of(m, "pid"), int_of(m, "tid"));
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:I,s:f}", "name", str_of(m, "name", ""), "ph", "i",
                          "s", "p", "pid", (json_int_t)int_of(m, "pid"), "tid",
                          (json_int_t)int_of(m, "tid"), "ts", int_of(m, "ts_ns") / 1e3);
    trace_event(ctx, e);
}

int trace_cmd(char **files, int nfiles, const char *out)
{
    tracer t = {.o = open_out(out)};
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", t.o);
    bs_reader_handler h = {&t, on_trace_header, on_trace_call, NULL, on_trace_mark, NULL};
    int rc = read_all(files, nfiles, &h, 0);
    fputs("\n]}\n", t.o);
    int wrc = close_out(t.o, out);
    if (rc < 2 && out && strcmp(out, "-") != 0)
        fprintf(stderr,
                PROG ": %ld events in %s: open it in https://ui.perfetto.dev or "
                     "chrome://tracing\n",
                t.events, out);
    return rc > wrc ? rc : wrc;
}
