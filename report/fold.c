/* report/fold.c — BLAS time folded by Python stack: "outermost;...;innermost" -> ns, the
 * input of a flame graph (html.c draws one). A call's stack is its py_stack (outermost
 * first once folded), else its py_caller alone, else "[native] caller". Bounded: past
 * FOLD_MAX distinct stacks the rest is counted under one "(other stacks)" entry. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define FOLD_MAX 10000

static void fold_add(fold *f, const char *key, int64_t ns)
{
    int ix = map_get(&f->ix, key, 0, 0);
    if (ix < 0 && f->n >= FOLD_MAX)
        ix = map_get(&f->ix, "(other stacks)", 0, 0);
    if (ix < 0) {
        ix = map_get(&f->ix, key, 1, (int)f->n);
        f->keys = grow(f->keys, &f->capkeys, f->n + 1, sizeof *f->keys);
        f->ns = grow(f->ns, &f->capns, f->n + 1, sizeof *f->ns);
        f->keys[f->n++] = strdup(key);
    }
    f->ns[ix] += ns;
    f->total += ns;
}

/* frame appended to buf at *used with its separator; ';' inside a frame would split it */
static void append_frame(char *buf, size_t cap, size_t *used, const char *frame)
{
    if (*used && *used + 1 < cap)
        buf[(*used)++] = ';';
    for (; *frame && *used + 1 < cap; frame++)
        buf[(*used)++] = *frame == ';' ? ',' : *frame;
    buf[*used] = '\0';
}

void fold_key(char *buf, size_t cap, const char *py_caller, json_t *py_stack, const char *caller)
{
    size_t used = 0;
    buf[0] = '\0';
    if (json_array_size(py_stack) > 0) {
        for (size_t i = json_array_size(py_stack); i-- > 0;) {
            const char *s = json_string_value(json_array_get(py_stack, i));
            append_frame(buf, cap, &used, s ? s : "?");
        }
    } else if (py_caller) {
        append_frame(buf, cap, &used, py_caller);
    } else {
        append_frame(buf, cap, &used, "[native]");
        append_frame(buf, cap, &used, caller ? caller : "(no call site recorded)");
    }
}

static void on_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    char key[4096];
    fold_key(key, sizeof key, c->r.py_caller, c->py_stack, c->r.caller);
    fold_add(ctx, key, c->r.wall_ns);
}

static void on_aggregate(void *ctx, const char *file, json_t *a)
{
    (void)file;
    fold *f = ctx;
    char key[4096];
    fold_key(key, sizeof key, json_string_value(json_object_get(a, "py_caller")), NULL,
             json_string_value(json_object_get(a, "caller")));
    fold_add(f, key, int_of(a, "wall_ns"));
}

bs_reader_handler fold_handler(fold *f)
{
    return (bs_reader_handler){f, NULL, on_call, on_aggregate, NULL, NULL};
}

void fold_free(fold *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->keys[i]);
    for (size_t i = 0; i < f->ix.cap; i++)
        free(f->ix.keys[i]);
    free(f->keys), free(f->ns), free(f->ix.keys), free(f->ix.vals);
    memset(f, 0, sizeof *f);
}
