/* report/plot.c — `plot`: a roofline in SVG (also inlined by `html`), and the memory bandwidth
 * it is drawn with. Plain SVG only: explicit fill/stroke attributes, no CSS, no clip paths,
 * no opacity, so that browsers, librsvg and ImageMagick draw the same picture. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

/* bytes moved per second by memcpy of a buffer well beyond the caches, GB/s (read + write) */
double measure_bandwidth(void)
{
    const size_t n = 128u << 20;
    char *a = malloc(n), *b = malloc(n);
    if (!a || !b) {
        free(a), free(b);
        return 0;
    }
    memset(a, 1, n);
    memset(b, 2, n);
    double best = 0;
    for (int r = 0; r < 3; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        memcpy(r % 2 ? a : b, r % 2 ? b : a, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
        if (s > 0 && 2.0 * n / s / 1e9 > best)
            best = 2.0 * n / s / 1e9;
    }
    volatile char sink = a[n / 2] + b[n / 3];
    (void)sink;
    free(a), free(b);
    return best;
}

/* ---- the picture's geometry ------------------------------------------------------------- */

enum { MAX_ROOFS = 8, MAX_LABELS = 70, MAX_POINTS = 400 }; /* the costliest shapes drawn */
#define MAX_DECADES 24   /* per axis, whatever the numbers: the grid and the file stay bounded */
#define LABEL_SHARE 0.02 /* shapes above this share of BLAS time are labelled */
#define FONT 11.0
#define CHAR_W 6.9 /* advance of an 11 px sans-serif character (DejaVu Sans), generous */

typedef struct frame {
    double W, H, L, R, T, B, pw, ph;
    double lx0, lx1, ly0, ly1; /* log10 of the axis ends */
} frame;

static double px(const frame *f, double x)
{
    return f->L + (log10(x) - f->lx0) / (f->lx1 - f->lx0) * f->pw;
}
static double py(const frame *f, double y)
{
    return f->T + f->ph - (log10(y) - f->ly0) / (f->ly1 - f->ly0) * f->ph;
}

typedef struct point {
    const shape *s;
    double x, y, cx, cy, r;
} point;

typedef struct roof {
    int fp64, threads;
    double gflops;
} roof;

typedef struct box {
    double x0, y0, x1, y1;
} box;

static int by_roof_desc(const void *a, const void *b)
{
    const double x = ((const roof *)a)->gflops, y = ((const roof *)b)->gflops;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int by_point_wall_desc(const void *a, const void *b)
{
    return by_wall_desc(((const point *)a)->s, ((const point *)b)->s);
}

static int plottable(const shape *s) { return s->bytes > 0 && s->wall > 0 && s->flops > 0; }

static int threads_of(const shape *s)
{
    int t = (int)lround(shape_threads(s));
    return t < 1 ? 1 : t;
}

/* the compute roofs the points ran under: one per (type, thread count) actually used */
static int roofs_used(const point *pts, int n, const peaks *pk, roof *out)
{
    int nr = 0;
    for (int i = 0; i < n; i++) {
        roof r = {!single(pts[i].s->routine), threads_of(pts[i].s), 0};
        r.gflops = (r.fp64 ? pk->d : pk->s) * r.threads;
        int j = 0;
        while (j < nr && (out[j].fp64 != r.fp64 || out[j].threads != r.threads))
            j++;
        if (j == nr && nr < MAX_ROOFS && r.gflops > 0)
            out[nr++] = r;
    }
    qsort(out, (size_t)nr, sizeof *out, by_roof_desc); /* top down, for the labels */
    return nr;
}

/* the axes: the points, every roof and its knee, with a margin; -1 when they are not finite */
static int fit_axes(frame *f, const point *pts, int n, const roof *roofs, int nr, double bw)
{
    double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
    for (int i = 0; i < n; i++) {
        xmin = fmin(xmin, pts[i].x), xmax = fmax(xmax, pts[i].x);
        ymin = fmin(ymin, pts[i].y), ymax = fmax(ymax, pts[i].y);
    }
    for (int i = 0; i < nr; i++) {
        ymax = fmax(ymax, roofs[i].gflops);
        if (bw > 0)
            xmin = fmin(xmin, roofs[i].gflops / bw), xmax = fmax(xmax, roofs[i].gflops / bw);
    }
    f->lx0 = log10(xmin) - 0.25, f->lx1 = log10(xmax) + 0.25;
    f->ly0 = log10(ymin) - 0.2, f->ly1 = log10(ymax) + 0.2;
    if (f->lx1 - f->lx0 < 1) /* at least a decade on each axis */
        f->lx0 -= (1 - (f->lx1 - f->lx0)) / 2, f->lx1 = f->lx0 + 1;
    if (f->ly1 - f->ly0 < 1)
        f->ly0 -= (1 - (f->ly1 - f->ly0)) / 2, f->ly1 = f->ly0 + 1;
    /* extreme times, sizes or peaks: the top of each axis kept, at most MAX_DECADES below it */
    if (!(f->lx1 - f->lx0 <= MAX_DECADES))
        f->lx0 = (isfinite(f->lx1) ? f->lx1 : 0) - MAX_DECADES;
    if (!(f->ly1 - f->ly0 <= MAX_DECADES))
        f->ly0 = (isfinite(f->ly1) ? f->ly1 : 0) - MAX_DECADES;
    return isfinite(f->lx0) && isfinite(f->lx1) && isfinite(f->ly0) && isfinite(f->ly1) ? 0 : -1;
}

/* ticks at 1, 2, 5 x 10^e over short ranges, decades over long ones */
static void axis_ticks(FILE *o, const frame *f, int vertical)
{
    const double lo = vertical ? f->ly0 : f->lx0, hi = vertical ? f->ly1 : f->lx1;
    static const double steps[3] = {1, 2, 5};
    const int nsteps = hi - lo > 3.5 ? 1 : 3;
    for (double e = floor(lo); e <= ceil(hi); e++)
        for (int i = 0; i < nsteps; i++) {
            const double v = steps[i] * pow(10, e), lv = log10(v);
            if (lv < lo || lv > hi)
                continue;
            if (vertical) {
                const double y = py(f, v);
                svg_line(o, f->L, y, f->L + f->pw, y, "#dddddd", 1, NULL);
                fprintf(o,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" "
                        "fill=\"#000000\">%g</text>\n",
                        f->L - 6, y + 4, v);
            } else {
                const double x = px(f, v);
                svg_line(o, x, f->T, x, f->T + f->ph, "#dddddd", 1, NULL);
                fprintf(o,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                        "fill=\"#000000\">%g</text>\n",
                        x, f->T + f->ph + 18, v);
            }
        }
}

/* min(peak, bandwidth x intensity): the memory diagonal up to the highest knee, each compute
 * roof from its knee to the right; every segment cut to the plot area by hand */
static void draw_roofs(FILE *o, const frame *f, const roof *roofs, int nr, double bw)
{
    const double x0 = pow(10, f->lx0), x1 = pow(10, f->lx1), y0 = pow(10, f->ly0),
                 y1 = pow(10, f->ly1);
    double top = 0;
    for (int i = 0; i < nr; i++)
        top = fmax(top, roofs[i].gflops);
    if (bw > 0) {
        const double a = fmax(x0, y0 / bw), b = fmin(fmin(x1, y1 / bw), top / bw);
        if (a < b)
            svg_line(o, px(f, a), py(f, bw * a), px(f, b), py(f, bw * b), ROOF_MEMORY, 2, "6 3");
    }
    for (int i = 0; i < nr; i++) {
        const roof *r = &roofs[i];
        const double a = bw > 0 ? fmax(x0, r->gflops / bw) : x0;
        if (r->gflops <= y1 && r->gflops >= y0 && a < x1)
            svg_line(o, px(f, a), py(f, r->gflops), px(f, x1), py(f, r->gflops),
                     r->fp64 ? ROOF_FP64 : ROOF_FP32, 2, "6 3");
    }
}

/* ---- labels that do not overlap ---------------------------------------------------------- */

static int boxes_meet(box a, box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static int box_meets_circle(box a, const point *p)
{
    const double nx = fmax(a.x0, fmin(p->cx, a.x1)), ny = fmax(a.y0, fmin(p->cy, a.y1));
    return (nx - p->cx) * (nx - p->cx) + (ny - p->cy) * (ny - p->cy) < (p->r + 1) * (p->r + 1);
}

typedef struct labeller {
    const frame *f;
    const point *pts;
    int npts;
    box placed[MAX_LABELS];
    int nplaced;
} labeller;

/* may a label go in b? strict: clear of every circle; else only of the labelled ones */
static int free_at(const labeller *lb, box b, int strict, double min_r)
{
    const frame *f = lb->f;
    if (b.x0 < f->L + 2 || b.x1 > f->L + f->pw - 2 || b.y0 < f->T + 2 || b.y1 > f->T + f->ph - 2)
        return 0;
    for (int i = 0; i < lb->nplaced; i++)
        if (boxes_meet(b, lb->placed[i]))
            return 0;
    for (int i = 0; i < lb->npts; i++)
        if ((strict || lb->pts[i].r >= min_r) && box_meets_circle(b, &lb->pts[i]))
            return 0;
    return 1;
}

/* each compute roof's name above (or under) its line: at the right end, the middle or the
 * knee, wherever no circle is; stacked under the one above when two roofs are close */
static void label_roofs(FILE *o, labeller *lb, const roof *roofs, int nr, double bw)
{
    const frame *f = lb->f;
    double last_y = -100;
    for (int i = 0; i < nr; i++) {
        const roof *r = &roofs[i];
        const double y = py(f, r->gflops);
        if (y < f->T || y > f->T + f->ph)
            continue;
        char text[96];
        snprintf(text, sizeof text, "%s x %d thread%s: %.0f GFLOP/s", r->fp64 ? "fp64" : "fp32",
                 r->threads, r->threads > 1 ? "s" : "", r->gflops);
        const double w = CHAR_W * (double)strlen(text), h = FONT + 3;
        double ty = y - 4 < last_y + h ? last_y + h : y - 4;
        const double knee = bw > 0 ? fmax(f->L, px(f, r->gflops / bw)) : f->L;
        const double starts[3] = {f->L + f->pw - 4 - w, (knee + f->L + f->pw - w) / 2, knee + 6};
        const double base = ty;
        box b = {starts[0], ty - FONT, starts[0] + w, ty + 3};
        for (int c = 0; c < 6; c++) { /* above the line, then below it */
            const double yy = c < 3 ? base : y + FONT + 3;
            const box t = {starts[c % 3], yy - FONT, starts[c % 3] + w, yy + 3};
            if (free_at(lb, t, 1, 0)) {
                b = t, ty = yy;
                break;
            }
        }
        last_y = ty;
        if (lb->nplaced < MAX_LABELS)
            lb->placed[lb->nplaced++] = b;
        svg_text_at(o, b.x0, ty, FONT, "start", r->fp64 ? ROOF_FP64 : ROOF_FP32, text);
    }
}

static void label_text(char *buf, size_t cap, const shape *s)
{
    char dims[64];
    fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
    snprintf(buf, cap, "%s %s %s", s->routine, dims, s->kernel);
}

/* Place p's label near it, or farther out on a leader line, or (crowded) in the column at the
 * right of the plot with a leader line. */
static void place_label(FILE *o, labeller *lb, const point *p, double min_r, double *column_y)
{
    char text[128];
    label_text(text, sizeof text, p->s);
    const double w = CHAR_W * (double)strlen(text), h = FONT + 2;
    static const double dirs[8][2] = {{1, 0},  {-1, 0},  {0, -1}, {0, 1},
                                      {1, -1}, {-1, -1}, {1, 1},  {-1, 1}};
    static const double reach[5] = {3, 16, 32, 56, 90};
    for (int pass = 0; pass < 2; pass++)
        for (int d = 0; d < 5; d++)
            for (int k = 0; k < 8; k++) {
                const double dx = dirs[k][0], dy = dirs[k][1], dist = p->r + reach[d];
                const double ax = p->cx + dx * dist, ay = p->cy + dy * dist;
                /* the label's box hangs off the anchor away from the circle */
                box b = {dx > 0   ? ax
                         : dx < 0 ? ax - w
                                  : ax - w / 2,
                         dy > 0   ? ay
                         : dy < 0 ? ay - h
                                  : ay - h / 2,
                         0, 0};
                b.x1 = b.x0 + w, b.y1 = b.y0 + h;
                if (!free_at(lb, b, pass == 0, min_r))
                    continue;
                lb->placed[lb->nplaced++] = b;
                if (d > 0) /* a leader from the circle's edge to the label */
                    svg_line(o, p->cx + dx * p->r * 0.7, p->cy + dy * p->r * 0.7,
                             dx > 0   ? b.x0
                             : dx < 0 ? b.x1
                                      : ax,
                             dy > 0   ? b.y0
                             : dy < 0 ? b.y1
                                      : ay,
                             "#666666", 0.8, NULL);
                /* anchored on the side of the circle: a wider text grows away from it */
                svg_text_at(o,
                            dx > 0   ? b.x0
                            : dx < 0 ? b.x1
                                     : (b.x0 + b.x1) / 2,
                            b.y1 - 3, FONT,
                            dx > 0   ? "start"
                            : dx < 0 ? "end"
                                     : "middle",
                            "#000000", text);
                return;
            }
    const frame *f = lb->f;
    const double x = f->L + f->pw + 14, y = *column_y;
    *column_y += h + 2;
    svg_line(o, p->cx + p->r, p->cy, x - 2, y - 4, "#666666", 0.8, NULL);
    svg_text_at(o, x, y, FONT, "start", "#000000", text);
}

/* ---- the roofline --------------------------------------------------------------------------- */

static const char *kernel_names[] = {"system",   "naive", "blocked", "vectorized",
                                     "parallel", "auto",  "mixed"};
static const char *kernel_colors[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                      "#66a61e", "#e6ab02", "#a6761d"};
#define NKERNELS (int)(sizeof kernel_names / sizeof kernel_names[0])

const char *kernel_color(const char *kernel)
{
    for (int i = 0; i < NKERNELS; i++)
        if (!strcmp(kernel, kernel_names[i]))
            return kernel_colors[i];
    return "#666666";
}

static void draw_legend(FILE *o, const frame *f, const point *pts, int n, const roof *roofs, int nr,
                        const peaks *pk, double bw, int bw_measured, double *y_end)
{
    const double x = f->L + f->pw + 14;
    double y = f->T + 8;
    fprintf(o,
            "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\" font-weight=\"bold\" fill=\"#000000\">"
            "Legend</text>\n",
            x, y);
    y += 20;
    int seen[NKERNELS + 1] = {0};
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < NKERNELS && strcmp(pts[i].s->kernel, kernel_names[k]))
            k++;
        if (seen[k]++)
            continue;
        fprintf(o, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"6\" fill=\"%s\" stroke=\"#ffffff\"/>\n",
                x + 6, y - 4, kernel_color(pts[i].s->kernel));
        char text[64];
        snprintf(text, sizeof text, "kernel %s", pts[i].s->kernel);
        svg_text_at(o, x + 18, y, FONT, "start", "#000000", text);
        y += 18;
    }
    svg_text_at(o, x, y, FONT, "start", "#000000", "area: share of BLAS time;");
    svg_text_at(o, x, y + 14, FONT, "start", "#000000", "black ring: fp64, white: fp32");
    y += 34;
    char text[160];
    for (int t = 0; t < 2; t++) {
        int any = 0;
        for (int i = 0; i < nr; i++)
            any |= roofs[i].fp64 == t;
        if (!any)
            continue;
        svg_line(o, x, y - 4, x + 14, y - 4, t ? ROOF_FP64 : ROOF_FP32, 2, "6 3");
        snprintf(text, sizeof text, "%s roof: threads x %.1f GFLOP/s (%s)", t ? "fp64" : "fp32",
                 t ? pk->d : pk->s, pk->measured ? "measured" : "given");
        svg_text_at(o, x + 20, y, FONT, "start", "#000000", text);
        y += 18;
    }
    if (bw > 0) {
        svg_line(o, x, y - 4, x + 14, y - 4, ROOF_MEMORY, 2, "6 3");
        snprintf(text, sizeof text, "memory roof %.1f GB/s (%s)", bw,
                 bw_measured ? "memcpy" : "given");
        svg_text_at(o, x + 20, y, FONT, "start", "#000000", text);
        y += 18;
    }
    *y_end = y + 10;
}

int roofline_svg(FILE *o, const gather *g, const peaks *pk, double bw, int bw_measured,
                 int standalone)
{
    point *pts = calloc(g->nshapes + 1, sizeof *pts);
    if (!pts)
        return -1;
    int n = 0;
    int64_t calls = 0, undrawn_wall = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        if (!plottable(s)) {
            undrawn_wall += s->wall;
            continue;
        }
        pts[n++] =
            (point){s, (double)s->flops / (double)s->bytes, gflops(s->flops, s->wall), 0, 0, 0};
        calls += s->count;
    }
    if (n == 0) {
        free(pts);
        return 0;
    }
    qsort(pts, (size_t)n, sizeof *pts, by_point_wall_desc);
    /* past MAX_POINTS shapes the cheapest are left out (said under the title): the picture's
     * size stays bounded */
    const int plottable_n = n;
    int64_t cheap_wall = 0;
    for (int i = MAX_POINTS; i < n; i++)
        cheap_wall += pts[i].s->wall, calls -= pts[i].s->count;
    if (n > MAX_POINTS)
        n = MAX_POINTS;
    roof roofs[MAX_ROOFS];
    const int nr = roofs_used(pts, n, pk, roofs);
    int nlabels = 0;
    for (int i = 0; i < n && nlabels < MAX_LABELS; i++)
        nlabels += g->wall > 0 && (double)pts[i].s->wall / (double)g->wall > LABEL_SHARE;
    frame f = {.W = 1040, .L = 80, .R = 320, .T = 62, .B = 62};
    f.ph = 480;
    f.H = f.T + f.ph + f.B;
    f.pw = f.W - f.L - f.R;
    if (fit_axes(&f, pts, n, roofs, nr, bw) != 0) {
        free(pts);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        pts[i].cx = px(&f, pts[i].x), pts[i].cy = py(&f, pts[i].y);
        pts[i].r = 3 + 25 * sqrt(g->wall > 0 ? (double)pts[i].s->wall / (double)g->wall : 0);
    }
    /* a column for labels that find no room, under the legend: the picture grows to hold it */
    const double column_need = 220 + nlabels * (FONT + 4);
    if (f.T + column_need > f.H)
        f.H = f.T + column_need;

    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", o);
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
            f.W, f.H, f.W, f.H);
    fprintf(o, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", f.W,
            f.H);
    char title[400];
    snprintf(title, sizeof title, "Roofline: %d shape%s, %lld BLAS call%s, %.1f ms", n,
             n == 1 ? "" : "s", (long long)calls, calls == 1 ? "" : "s",
             (double)(g->wall - undrawn_wall - cheap_wall) / 1e6);
    svg_text_at(o, f.L + f.pw / 2, 26, 18, "middle", "#000000", title);
    char note[2][160] = {"", ""};
    const size_t unsized = g->nshapes - (size_t)plottable_n;
    if (unsized)
        snprintf(note[0], sizeof note[0],
                 "%zu shape%s without operand sizes (level 1/2 routines, "
                 "%.1f%% of BLAS time)",
                 unsized, unsized == 1 ? "" : "s",
                 g->wall > 0 ? 100.0 * (double)undrawn_wall / (double)g->wall : 0);
    if (plottable_n > n)
        snprintf(note[1], sizeof note[1], "%s%d cheapest shapes (%.1f%% of BLAS time)",
                 unsized ? " and the " : "the ", plottable_n - n,
                 g->wall > 0 ? 100.0 * (double)cheap_wall / (double)g->wall : 0);
    if (note[0][0] || note[1][0]) {
        snprintf(title, sizeof title, "not drawn: %s%s", note[0], note[1]);
        svg_text_at(o, f.L + f.pw / 2, 46, FONT, "middle", "#555555", title);
    }
    axis_ticks(o, &f, 0);
    axis_ticks(o, &f, 1);
    fprintf(o,
            "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
            "stroke=\"#000000\"/>\n",
            f.L, f.T, f.pw, f.ph);
    svg_text_at(o, f.L + f.pw / 2, f.T + f.ph + 42, 14, "middle", "#000000",
                "arithmetic intensity (flop per byte of A, B and C)");
    fprintf(o,
            "<text x=\"22\" y=\"%.0f\" font-size=\"14\" text-anchor=\"middle\" fill=\"#000000\" "
            "transform=\"rotate(-90 22 %.0f)\">achieved GFLOP/s</text>\n",
            f.T + f.ph / 2, f.T + f.ph / 2);
    draw_roofs(o, &f, roofs, nr, bw);

    /* the points, costliest (largest) first so that the small ones stay visible on top */
    fputs("<g id=\"points\">\n", o);
    for (int i = 0; i < n; i++) {
        const point *p = &pts[i];
        const shape *s = p->s;
        char dims[64];
        fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
        fprintf(o,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" "
                "stroke-width=\"1.5\"><title>",
                p->cx, p->cy, p->r, kernel_color(s->kernel),
                single(s->routine) ? "#ffffff" : "#000000");
        char tip[256];
        snprintf(tip, sizeof tip,
                 "%s %s %s%s %s: %lld calls, %.3f ms (%.1f%%), %.2f GFLOP/s, %.2f flop/B, %d "
                 "thread%s",
                 s->routine, dims, s->ta, s->tb, s->kernel, (long long)s->count, s->wall / 1e6,
                 g->wall > 0 ? 100.0 * s->wall / g->wall : 0, p->y, p->x, threads_of(s),
                 threads_of(s) > 1 ? "s" : "");
        xml_text(o, tip); /* the names come from the report: escaped */
        fputs("</title></circle>\n", o);
    }
    fputs("</g>\n", o);
    double column_y;
    draw_legend(o, &f, pts, n, roofs, nr, pk, bw, bw_measured, &column_y);
    /* labels: every shape above LABEL_SHARE of the time, costliest first */
    labeller lb = {.f = &f, .pts = pts, .npts = n};
    label_roofs(o, &lb, roofs, nr, bw);
    double min_r = 3 + 25 * sqrt(LABEL_SHARE);
    for (int i = 0; i < n && lb.nplaced < MAX_LABELS; i++) {
        if (!(g->wall > 0 && (double)pts[i].s->wall / (double)g->wall > LABEL_SHARE))
            break;
        place_label(o, &lb, &pts[i], min_r, &column_y);
    }
    fputs("</svg>\n", o);
    free(pts);
    return n;
}

int plot_cmd(gather *g, const char *out, const peaks *pk, double bandwidth, int bw_measured)
{
    FILE *o = open_out(out);
    int n = roofline_svg(o, g, pk, bandwidth, bw_measured, 1);
    int rc = close_out(o, out);
    if (n <= 0) {
        fprintf(stderr, PROG ": %s\n",
                n < 0 ? "nothing plottable (times or sizes out of range)"
                      : "no gemm call with sizes and a time to plot");
        if (out && strcmp(out, "-") != 0)
            remove(out);
        return 2;
    }
    if (rc == 0 && out && strcmp(out, "-") != 0)
        fprintf(stderr, PROG ": roofline of %d shape%s in %s\n", n, n == 1 ? "" : "s", out);
    return rc;
}
