/* report/timeline.c — when the calls ran: one lane per process and thread, a bar per call
 * (up to TL_EXACT calls), else per lane a bounded row of bins that double in width as the
 * run goes on (one bar per bin: its calls merged); marks as lines, each naming the phase it
 * opens. Memory and output are bounded whatever the number of calls. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static int lane_of(timeline *t, int64_t pid, int64_t tid)
{
    for (int i = 0; i < t->nlanes; i++)
        if (t->lanes[i].pid == pid && t->lanes[i].tid == tid)
            return i;
    if (t->nlanes == TL_LANES) {
        t->lanes_dropped++;
        return -1;
    }
    tl_lane *l = &t->lanes[t->nlanes];
    memset(l, 0, sizeof *l);
    l->pid = pid, l->tid = tid, l->width = 1000;
    return t->nlanes++;
}

/* ts - t0, ns, as an unsigned distance: 0 before t0; never overflows, whatever the input */
static uint64_t offset(const tl_lane *l, int64_t ts)
{
    return ts > l->t0 ? (uint64_t)ts - (uint64_t)l->t0 : 0;
}

/* the lane's bins doubled in width until ts fits (or the width cannot double any more) */
static void widen(tl_lane *l, int64_t ts)
{
    while (offset(l, ts) / TL_BINS >= (uint64_t)l->width && l->width <= INT64_MAX / 2) {
        for (int i = 0; i < TL_BINS / 2; i++) {
            tl_bin *a = &l->bins[2 * i], *b = &l->bins[2 * i + 1], m = *a;
            if (b->calls) {
                if (!m.calls)
                    m.start = b->start;
                m.calls += b->calls, m.end = b->end > m.end ? b->end : m.end;
                add_sat(&m.busy, b->busy);
            }
            l->bins[i] = m;
        }
        memset(&l->bins[TL_BINS / 2], 0, sizeof l->bins[0] * (TL_BINS / 2));
        l->width *= 2;
    }
}

static void span(timeline *t, int64_t from, int64_t to)
{
    if (t->t_min == 0 || from < t->t_min)
        t->t_min = from;
    if (to > t->t_max)
        t->t_max = to;
}

static void on_call(void *ctx, const char *file, const bs_call_view *c)
{
    (void)file;
    timeline *t = ctx;
    const bs_record *r = &c->r;
    int64_t end = r->ts_ns; /* saturating: extreme times must not overflow */
    add_sat(&end, r->wall_ns);
    span(t, r->ts_ns, end);
    t->calls++;
    const int li = lane_of(t, r->pid, r->tid);
    if (li < 0)
        return;
    tl_lane *l = &t->lanes[li];
    l->calls++;
    add_sat(&l->wall, r->wall_ns);
    if (l->calls == 1)
        l->t0 = r->ts_ns;
    widen(l, r->ts_ns);
    const uint64_t ix = offset(l, r->ts_ns) / (uint64_t)l->width;
    tl_bin *b = &l->bins[ix < TL_BINS ? ix : TL_BINS - 1];
    if (!b->calls || r->ts_ns < b->start)
        b->start = r->ts_ns;
    if (end > b->end)
        b->end = end;
    b->calls++;
    add_sat(&b->busy, r->wall_ns);
    if (t->nexact < TL_EXACT) {
        tl_call *e = &t->exact[t->nexact++];
        e->lane = li, e->ts = r->ts_ns, e->wall = r->wall_ns;
        e->m = r->m, e->n = r->n, e->k = r->k;
        copy_text(e->routine, sizeof e->routine, r->routine);
        copy_text(e->kernel, sizeof e->kernel, r->kernel);
    }
}

static void on_mark(void *ctx, const char *file, json_t *m)
{
    (void)file;
    timeline *t = ctx;
    const int64_t ts = int_of(m, "ts_ns");
    span(t, ts, ts);
    if (t->nmarks == TL_MARKS) {
        t->marks_dropped++;
        return;
    }
    tl_mark *k = &t->marks[t->nmarks++];
    memset(k, 0, sizeof *k);
    k->pid = int_of(m, "pid"), k->ts = ts;
    copy_text(k->name, sizeof k->name, str_of(m, "name", ""));
}

bs_reader_handler timeline_handler(timeline *t)
{
    return (bs_reader_handler){t, NULL, on_call, NULL, on_mark, NULL};
}

static const tl_proc *proc_in(const timeline *t, int64_t pid)
{
    for (int i = 0; i < t->nprocs; i++)
        if (t->procs[i].pid == pid)
            return &t->procs[i];
    return NULL;
}

void timeline_process(timeline *t, int64_t pid, int64_t start, int64_t end)
{
    if (start <= 0)
        return;
    if (end < start)
        end = start;
    span(t, start, end);
    if (t->nprocs < TL_LANES)
        t->procs[t->nprocs++] = (tl_proc){pid, start, end};
    /* processes that ran one after the other (two runs to compare) are each drawn from their
     * own start, one above the other; processes that overlap (ranks, forks) on one clock */
    int overlap = 0;
    for (int i = 0; i < t->nprocs; i++)
        for (int j = 0; j < i; j++)
            overlap |= t->procs[i].start < t->procs[j].end && t->procs[j].start < t->procs[i].end;
    t->relative = t->nprocs > 1 && !overlap;
}

/* where a process's times start on the picture's clock */
static int64_t origin(const timeline *t, int64_t pid)
{
    const tl_proc *p = t->relative ? proc_in(t, pid) : NULL;
    return p ? p->start : t->t_min;
}

/* the end of mark i's phase: the next mark of its process, else the process's end */
int64_t timeline_phase_end(const timeline *t, int i)
{
    for (int j = i + 1; j < t->nmarks; j++)
        if (t->marks[j].pid == t->marks[i].pid)
            return t->marks[j].ts;
    const tl_proc *p = proc_in(t, t->marks[i].pid);
    return p && p->end >= t->marks[i].ts ? p->end : t->t_max;
}

/* b - a in double: times from a damaged report must not overflow */
static double ns_between(int64_t a, int64_t b) { return (double)b - (double)a; }

/* the span of the picture, ns: the longest process when relative, else the whole run */
static double length(const timeline *t)
{
    if (!t->relative)
        return ns_between(t->t_min, t->t_max);
    double len = 0;
    for (int i = 0; i < t->nprocs; i++)
        len = fmax(len, ns_between(t->procs[i].start, t->procs[i].end));
    return len;
}

enum { TL_W = 1100, TL_LEFT = 190, TL_LANE = 22, TL_TOP = 34 };

/* x of a moment of process pid */
static double tx(const timeline *t, int64_t pid, int64_t ts)
{
    const double span_ns = length(t), at = ns_between(origin(t, pid), ts);
    return TL_LEFT + (span_ns > 0 ? at / span_ns : 0) * (TL_W - TL_LEFT - 10);
}

static void bar(FILE *o, const timeline *t, int lane, int64_t from, double ns, const char *color,
                const char *tip)
{
    const double span_ns = length(t);
    const double x = tx(t, t->lanes[lane].pid, from);
    const double w = span_ns > 0 ? ns / span_ns * (TL_W - TL_LEFT - 10) : 0;
    fprintf(o, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>", x,
            TL_TOP + lane * TL_LANE + 3, w < 0.6 ? 0.6 : w, TL_LANE - 6, color);
    xml_text(o, tip);
    fputs("</title></rect>\n", o);
}

static int lane_first(const timeline *t, int64_t pid)
{
    for (int i = 0; i < t->nlanes; i++)
        if (t->lanes[i].pid == pid)
            return i;
    return 0;
}

static int lane_last(const timeline *t, int64_t pid)
{
    int last = 0;
    for (int i = 0; i < t->nlanes; i++)
        if (t->lanes[i].pid == pid)
            last = i;
    return last;
}

void timeline_svg(FILE *o, const timeline *t, const gather *g)
{
    const int exact = t->calls <= TL_EXACT && t->lanes_dropped == 0;
    const int height = TL_TOP + t->nlanes * TL_LANE + 30;
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
            "%d\" font-family=\"sans-serif\" id=\"timeline\" data-exact=\"%d\">\n",
            TL_W, height, TL_W, height, exact);
    fprintf(o, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", TL_W,
            height);
    for (int i = 0; i < t->nlanes; i++) {
        const tl_lane *l = &t->lanes[i];
        const char *prog = "?";
        for (size_t p = 0; p < g->nprocs; p++)
            if (g->procs[p].pid == l->pid)
                prog = g->procs[p].prog;
        char name[200], short_prog[41];
        copy_text(short_prog, sizeof short_prog, prog);
        snprintf(name, sizeof name, "%s %lld%s%lld", short_prog, (long long)l->pid,
                 l->tid == l->pid ? " main " : " thread ", (long long)l->tid);
        const int y = TL_TOP + i * TL_LANE;
        fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", TL_LEFT,
                y + 1, TL_W - TL_LEFT - 10, TL_LANE - 2, i % 2 ? "#f4f4f4" : "#eaeaea");
        svg_text_at(o, TL_LEFT - 6, y + TL_LANE - 7, 11, "end", "#000000", name);
    }
    char tip[200], dims[64];
    if (exact) {
        for (int i = 0; i < t->nexact; i++) {
            const tl_call *e = &t->exact[i];
            fmt_dims(dims, sizeof dims, e->m, e->n, e->k);
            snprintf(tip, sizeof tip, "%s %s %s: %.1f us", e->routine, dims, e->kernel,
                     e->wall / 1e3);
            bar(o, t, e->lane, e->ts, e->wall, kernel_color(e->kernel), tip);
        }
    } else {
        for (int i = 0; i < t->nlanes; i++)
            for (int b = 0; b < TL_BINS; b++) {
                const tl_bin *x = &t->lanes[i].bins[b];
                if (!x->calls)
                    continue;
                snprintf(tip, sizeof tip, "%lld call%s merged: %.3f ms in BLAS over %.3f ms",
                         (long long)x->calls, x->calls == 1 ? "" : "s", x->busy / 1e6,
                         ns_between(x->start, x->end) / 1e6);
                /* threads of one lane do not overlap: a bin's BLAS time fits its span */
                bar(o, t, i, x->start, fmin((double)x->busy, ns_between(x->start, x->end)),
                    "#4a7ab5", tip);
            }
    }
    const int bottom = TL_TOP + t->nlanes * TL_LANE;
    for (int i = 0; i < t->nmarks; i++) {
        const tl_mark *k = &t->marks[i];
        const double x = tx(t, k->pid, k->ts), x2 = tx(t, k->pid, timeline_phase_end(t, i));
        const double y0 = t->relative ? TL_TOP + lane_first(t, k->pid) * TL_LANE : TL_TOP - 14;
        const double y1 = t->relative ? TL_TOP + (lane_last(t, k->pid) + 1) * TL_LANE : bottom;
        svg_line(o, x, y0, x, y1, "#000000", 1, "3 2");
        /* the phase's name, as much as fits before the next mark */
        const double room = (x2 - x - 4) / 6.5;
        char label[80];
        copy_text(label, room > 70 ? 71 : room > 0 ? (size_t)room + 1 : 1, k->name);
        if (label[0])
            svg_text_at(o, x + 3, t->relative ? y0 + 10 : TL_TOP - 4, t->relative ? 9 : 11, "start",
                        "#000000", label);
    }
    /* the time axis: ms since the earliest moment shown (relative: since each process's start) */
    const double total_ms = length(t) / 1e6;
    for (int i = 0; i <= 5; i++) {
        const double x = TL_LEFT + i * (TL_W - TL_LEFT - 10) / 5.0;
        char v[32];
        snprintf(v, sizeof v, "%.*f ms", total_ms < 10 ? 2 : 0, total_ms * i / 5);
        svg_line(o, x, bottom, x, bottom + 5, "#000000", 1, NULL);
        svg_text_at(o, x, bottom + 18, 11,
                    i == 0   ? "start"
                    : i == 5 ? "end"
                             : "middle",
                    "#000000", v);
    }
    fputs("</svg>\n", o);
}
