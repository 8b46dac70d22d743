/* report/stacks.c — Python stacks: the key calls are folded on (summary/compare --by stack),
 * and `folded`, the collapsed-stack export that flamegraph.pl, speedscope and inferno read:
 * one line per distinct stack, frames outermost first separated by ';', then a space and the
 * weight, here the BLAS wall time in ns. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define STACK_SEP '\n'

/* A copy cut at buf[used], with rest the first byte not copied: when the cut fell inside a
 * character, back off to its start (bytes from start on are this copy's), so the text stays
 * valid UTF-8. Returns the new end. */
static size_t whole_chars(const char *buf, size_t used, size_t start, const char *rest)
{
    if (((unsigned char)*rest & 0xC0) != 0x80)
        return used; /* the cut fell between characters */
    while (used > start && ((unsigned char)buf[used - 1] & 0xC0) == 0x80)
        used--;
    return used > start ? used - 1 : start; /* and the character's lead byte */
}

/* frame i (innermost first) of a call: py_stack's, else py_caller for the only one */
static const char *frame_at(const char *py_caller, json_t *py_stack, size_t i)
{
    if (json_array_size(py_stack) == 0)
        return i == 0 ? py_caller : NULL;
    return json_string_value(json_array_get(py_stack, i));
}

void stack_key(char *buf, size_t cap, const char *py_caller, json_t *py_stack)
{
    buf[0] = '\0';
    if (!py_caller && json_array_size(py_stack) == 0)
        return;
    const size_t n = json_array_size(py_stack) ? json_array_size(py_stack) : 1;
    /* the innermost frames that fit: a stack too long for cap loses its outermost frames */
    size_t keep = 0, need = 0;
    while (keep < n) {
        const char *f = frame_at(py_caller, py_stack, keep);
        size_t len = strlen(f ? f : "?") + 1;
        if (need + len > cap && keep > 0) /* the innermost is kept, cut if need be */
            break;
        need += len;
        keep++;
    }
    size_t used = 0;
    for (size_t i = keep; i-- > 0;) {
        const char *f = frame_at(py_caller, py_stack, i);
        f = f ? f : "?";
        const size_t start = used;
        for (; *f && used + 1 < cap; f++) /* a frame never holds the separator */
            buf[used++] = *f == STACK_SEP ? '?' : *f;
        if (*f) /* only a single frame longer than cap is cut */
            used = whole_chars(buf, used, start, f);
        if (i > 0 && used + 1 < cap)
            buf[used++] = STACK_SEP;
    }
    buf[used] = '\0';
}

json_t *stack_json(const char *key)
{
    json_t *a = json_array();
    for (const char *p = key; *p;) {
        size_t len = strcspn(p, "\n");
        json_array_append_new(a, json_stringn(p, len));
        p += len + (p[len] == STACK_SEP);
    }
    return a;
}

void print_stack(const char *key, const char *indent)
{
    for (const char *p = key; *p;) {
        size_t len = strcspn(p, "\n");
        printf("%s%.*s\n", indent, (int)len, p);
        p += len + (p[len] == STACK_SEP);
    }
}

/* ---- folded (streaming: memory grows with the distinct stacks) ---------------------------- */

/* s onto buf at *used as one folded frame: ';' would split it, so it becomes ':' */
static void put_frame(char *buf, size_t cap, size_t *used, const char *s)
{
    if (*used > 0 && *used + 1 < cap)
        buf[(*used)++] = ';';
    const size_t start = *used;
    for (; *s && *used + 1 < cap; s++)
        buf[(*used)++] = *s == ';' ? ':' : *s == '\n' ? ';' : *s;
    if (*s)
        *used = whole_chars(buf, *used, start, s);
    buf[*used] = '\0';
}

static void fold(folder *f, const char *py_caller, json_t *py_stack, const char *caller,
                 json_t *frames, const char *routine, int64_t m, int64_t n, int64_t k, int64_t wall)
{
    char line[16384], stack[8192], dims[64], leaf[96];
    size_t used = 0;
    line[0] = '\0';
    stack_key(stack, sizeof stack, py_caller, py_stack); /* frames separated by '\n' */
    if (stack[0])
        put_frame(line, sizeof line, &used, stack);
    if (f->native) { /* the native frames, outermost first */
        for (size_t i = json_array_size(frames); i-- > 0;) {
            const char *s = json_string_value(json_array_get(frames, i));
            put_frame(line, sizeof line, &used, s ? s : "?");
        }
        if (json_array_size(frames) == 0)
            put_frame(line, sizeof line, &used, caller ? caller : "(no call site recorded)");
    }
    fmt_dims(dims, sizeof dims, m, n, k);
    snprintf(leaf, sizeof leaf, "%s %s", routine, dims);
    put_frame(line, sizeof line, &used, leaf);
    int ix = map_get(&f->ix, line, 1, (int)f->n);
    if (ix == (int)f->n) {
        f->keys = grow(f->keys, &f->capk, f->n + 1, sizeof *f->keys);
        f->weight = grow(f->weight, &f->capw, f->n + 1, sizeof *f->weight);
        f->keys[f->n++] = strdup(line);
    }
    add_sat(&f->weight[ix], wall > 0 ? wall : 0);
}

static void on_folded_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    const bs_record *r = &c->r;
    if (r->depth > 0)
        return; /* made inside a LAPACK call: its time is in the parent's frame already */
    fold(ctx, r->py_caller, c->py_stack, r->caller, c->frames, r->routine, r->m, r->n, r->k,
         r->wall_ns);
}

static int64_t dim_of(json_t *a, const char *key)
{
    json_t *v = json_object_get(a, key);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static void on_folded_aggregate(void *ctx, const char *file, json_t *a)
{
    (void)file;
    if (json_is_true(json_object_get(a, "nested")))
        return; /* made inside LAPACK calls: in their parents' frames already */
    fold(ctx, json_string_value(json_object_get(a, "py_caller")), NULL,
         json_string_value(json_object_get(a, "caller")), NULL, str_of(a, "routine", "other"),
         dim_of(a, "m"), dim_of(a, "n"), dim_of(a, "k"), int_of(a, "wall_ns"));
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bs_reader_handler folder_handler(folder *f)
{
    return (bs_reader_handler){f, NULL, on_folded_call, on_folded_aggregate, NULL, NULL};
}

void folder_free(folder *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->keys[i]);
    for (size_t i = 0; i < f->ix.cap; i++)
        free(f->ix.keys[i]);
    free(f->keys), free(f->weight), free(f->ix.keys), free(f->ix.vals);
    memset(f, 0, sizeof *f);
}

int folded_cmd(char **files, int nfiles, const char *out, int native)
{
    folder f = {.native = native};
    bs_reader_handler h = folder_handler(&f);
    int rc = read_all(files, nfiles, &h, 1);
    if (rc >= 2) {
        folder_free(&f);
        return rc;
    }
    /* sorted, so that the same reports give the same file; weights found by their key */
    char **sorted = malloc((f.n ? f.n : 1) * sizeof *sorted);
    if (!sorted) {
        fprintf(stderr, PROG ": out of memory\n");
        return 2;
    }
    memcpy(sorted, f.keys, f.n * sizeof *sorted);
    sort_n(sorted, f.n, sizeof *sorted, by_text);
    FILE *o = open_out(out);
    for (size_t i = 0; i < f.n; i++)
        fprintf(o, "%s %lld\n", sorted[i], (long long)f.weight[map_get(&f.ix, sorted[i], 0, 0)]);
    int wrc = close_out(o, out);
    free(sorted);
    folder_free(&f);
    return rc > wrc ? rc : wrc;
}
