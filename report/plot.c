/* report/plot.c — `plot`: a roofline in SVG, and the memory bandwidth it is drawn with. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

#define MAX_DECADES 24

/* ---- plot: a roofline in SVG --------------------------------------------------------------- */

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

static void svg_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", o);
        else if (*s == '>') fputs("&gt;", o);
        else if (*s == '&') fputs("&amp;", o);
        else if (*s == '"') fputs("&quot;", o);
        else fputc(*s, o);
    }
}

int plot_cmd(gather *g, const char *out, const peaks *pk, double bandwidth, int bw_measured)
{
    qsort(g->shapes, g->nshapes, sizeof *g->shapes, by_wall_desc);
    const double W = 960, H = 600, L = 90, R = 270, T = 50, B = 70;
    const double pw = W - L - R, ph = H - T - B;
    /* the roofs: the fastest threads any shape ran with, per core peak of each type */
    double threads = 1;
    for (size_t i = 0; i < g->nshapes; i++)
        if (g->shapes[i].count && (double)g->shapes[i].thread_sum / g->shapes[i].count > threads)
            threads = (double)g->shapes[i].thread_sum / g->shapes[i].count;
    double roof_s = pk->s * threads, roof_d = pk->d * threads;
    double xmin = 1e30, xmax = 0, ymin = 1e30, ymax = 0;
    for (size_t i = 0; i < g->nshapes; i++) {
        const shape *s = &g->shapes[i];
        if (!s->bytes || !s->wall || !s->flops)
            continue;
        double x = (double)s->flops / s->bytes, y = gflops(s->flops, s->wall);
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
    }
    if (xmax == 0) {
        fprintf(stderr, PROG ": no call with a size and a time to plot\n");
        return 2;
    }
    double top = roof_s > ymax ? roof_s : ymax;
    double lx0 = floor(log10(xmin / 2)), lx1 = ceil(log10(xmax * 2));
    double ly0 = floor(log10(ymin / 2)), ly1 = ceil(log10(top * 2));
    if (lx1 - lx0 < 2) lx1 = lx0 + 2;
    if (ly1 - ly0 < 2) ly0 = ly1 - 2;
    /* at most MAX_DECADES per axis, whatever the numbers: the grid loops and the file stay
     * bounded (an extreme time or peak used to make them endless) */
    if (!(lx1 - lx0 <= MAX_DECADES)) lx0 = (isfinite(lx1) ? lx1 : 0) - MAX_DECADES;
    if (!(ly1 - ly0 <= MAX_DECADES)) ly0 = (isfinite(ly1) ? ly1 : 0) - MAX_DECADES;
    if (!isfinite(lx1 = lx0 + fmax(2, lx1 - lx0)) || !isfinite(ly1 = ly0 + fmax(2, ly1 - ly0))) {
        fprintf(stderr, PROG ": nothing plottable (times or sizes out of range)\n");
        return 2;
    }
#define PX(x) (L + (log10(x) - lx0) / (lx1 - lx0) * pw)
#define PY(y) (T + ph - (log10(y) - ly0) / (ly1 - ly0) * ph)
    FILE *o = open_out(out);
    fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
            W, H, W, H);
    fprintf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(o, "<text x=\"%.0f\" y=\"28\" font-size=\"18\" text-anchor=\"middle\">Roofline: %lld BLAS "
               "calls, %zu shapes</text>\n", L + pw / 2, (long long)g->calls, g->nshapes);
    /* grid and decade ticks */
    for (double e = lx0; e <= lx1; e++) {
        double x = L + (e - lx0) / (lx1 - lx0) * pw;
        fprintf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>\n", x, T, x, T + ph);
        fprintf(o, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">%g</text>\n", x,
                T + ph + 18, pow(10, e));
    }
    for (double e = ly0; e <= ly1; e++) {
        double y = T + ph - (e - ly0) / (ly1 - ly0) * ph;
        fprintf(o, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, y, L + pw, y);
        fprintf(o, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%g</text>\n", L - 6,
                y + 4, pow(10, e));
    }
    fprintf(o, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"black\"/>\n",
            L, T, pw, ph);
    fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"14\" text-anchor=\"middle\">arithmetic intensity "
               "(flop per byte of A, B and C)</text>\n", L + pw / 2, H - 20);
    fprintf(o, "<text x=\"22\" y=\"%.0f\" font-size=\"14\" text-anchor=\"middle\" transform=\"rotate(-90 22 %.0f)\">"
               "achieved GFLOP/s</text>\n", T + ph / 2, T + ph / 2);
    fprintf(o, "<clipPath id=\"plot\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\"/></clipPath>\n",
            L, T, pw, ph);
    /* roofs: min(peak, bandwidth x intensity) */
    const char *colors[2] = {"#1f77b4", "#d62728"};
    double roofs[2] = {roof_s, roof_d};
    for (int t = 0; t < 2; t++) {
        if (roofs[t] <= 0)
            continue;
        double xr = bandwidth > 0 ? roofs[t] / bandwidth : pow(10, lx0);
        double x0 = pow(10, lx0), x1 = pow(10, lx1);
        if (bandwidth > 0 && xr > x0)
            fprintf(o, "<polyline clip-path=\"url(#plot)\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                       "stroke-dasharray=\"6 3\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n",
                    colors[t], PX(x0), PY(bandwidth * x0), PX(xr), PY(roofs[t]), PX(x1), PY(roofs[t]));
        else
            fprintf(o, "<line clip-path=\"url(#plot)\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n",
                    PX(x0), PY(roofs[t]), PX(x1), PY(roofs[t]), colors[t]);
    }
    /* points: area proportional to the share of BLAS time; the costliest labelled */
    double placed[12][2];
    int nplaced = 0;
    for (size_t i = g->nshapes; i-- > 0;) {
        const shape *s = &g->shapes[i];
        if (!s->bytes || !s->wall || !s->flops)
            continue;
        double x = (double)s->flops / s->bytes, y = gflops(s->flops, s->wall);
        double r = 3 + 25 * sqrt((double)s->wall / (g->wall ? g->wall : 1));
        const char *c = single(s->routine) ? colors[0] : colors[1];
        fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.45\" "
                   "stroke=\"%s\"><title>", PX(x), PY(y), r, c, c);
        fprintf(o, "%s %lldx%lldx%lld %s%s %s: %lld calls, %.3f ms, %.2f GFLOP/s", s->routine,
                (long long)s->m, (long long)s->n, (long long)s->k, s->ta, s->tb, s->kernel,
                (long long)s->count, s->wall / 1e6, y);
        fprintf(o, "</title></circle>\n");
        /* the costliest shapes get a label, unless it would overlap one already placed */
        double tx = PX(x) + r + 2, ty = PY(y) + 4;
        int clash = 0;
        for (int j = 0; j < nplaced; j++)
            clash |= fabs(placed[j][0] - tx) < 150 && fabs(placed[j][1] - ty) < 13;
        if (i < 12 && !clash && nplaced < 12) {
            placed[nplaced][0] = tx, placed[nplaced][1] = ty, nplaced++;
            fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", tx, ty);
            fprintf(o, "%s %lldx%lldx%lld %s", s->routine, (long long)s->m, (long long)s->n,
                    (long long)s->k, s->kernel);
            fprintf(o, "</text>\n");
        }
    }
    /* legend */
    double lx = L + pw + 20, ly = T + 10;
    fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\" font-weight=\"bold\">Legend</text>\n", lx, ly);
    char line[256];
    const char *items[6];
    char buf[6][200];
    snprintf(buf[0], sizeof buf[0], "sgemm shape (area: time share)");
    snprintf(buf[1], sizeof buf[1], "dgemm shape");
    snprintf(buf[2], sizeof buf[2], "fp32 roof %.0f GFLOP/s", roof_s);
    snprintf(buf[3], sizeof buf[3], "fp64 roof %.0f GFLOP/s", roof_d);
    snprintf(buf[4], sizeof buf[4], "(%.0f thread%s x %s peak)", threads, threads > 1 ? "s" : "",
             pk->measured ? "measured" : "given");
    snprintf(buf[5], sizeof buf[5], "memory roof %.1f GB/s (%s)", bandwidth,
             bw_measured ? "memcpy" : "given");
    for (int i = 0; i < 6; i++)
        items[i] = buf[i];
    for (int i = 0; i < 6; i++) {
        double y = ly + 24 + i * 22;
        if (i < 2)
            fprintf(o, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"6\" fill=\"%s\" fill-opacity=\"0.45\" stroke=\"%s\"/>\n",
                    lx + 6, y - 4, colors[i], colors[i]);
        else if (i < 4 || i == 5)
            fprintf(o, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
                       "stroke-dasharray=\"6 3\"/>\n", lx, y - 4, lx + 14, y - 4, i == 5 ? "#555" : colors[i - 2]);
        snprintf(line, sizeof line, "%s", items[i]);
        fprintf(o, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">", lx + 20, y);
        svg_text(o, line);
        fprintf(o, "</text>\n");
    }
    fprintf(o, "</svg>\n");
#undef PX
#undef PY
    int rc = close_out(o, out);
    if (rc == 0 && out && strcmp(out, "-") != 0)
        fprintf(stderr, PROG ": roofline of %zu shapes in %s\n", g->nshapes, out);
    return rc;
}

