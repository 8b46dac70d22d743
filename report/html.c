/* report/html.c — `html`: the run as one self-contained page (inline CSS and SVG, a few lines
 * of script to sort a table; nothing fetched). One streaming pass over the reports feeds the
 * gathered view, the flame graph's folding, the timeline and, when two runs are compared,
 * each run's own view; the page's size is bounded by the number of rows shown, never by the
 * number of calls. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "peak.h"
#include "tool.h"

/* ---- one pass over the reports ------------------------------------------------------------- */

/* several handlers fed by one reading: the gathered view, the run's own view (or none), the
 * folding, the timeline */
enum { TEE_MAX = 4 };
typedef struct tee {
    bs_reader_handler h[TEE_MAX];
} tee;

typedef enum { ON_HEADER, ON_AGGREGATE, ON_MARK, ON_SUMMARY } record_kind;

static void tee_record(tee *t, record_kind kind, const char *file, json_t *rec)
{
    for (int i = 0; i < TEE_MAX; i++) {
        const bs_reader_handler *h = &t->h[i];
        void (*f)(void *, const char *, json_t *) = kind == ON_HEADER      ? h->header
                                                    : kind == ON_AGGREGATE ? h->aggregate
                                                    : kind == ON_MARK      ? h->mark
                                                                           : h->summary;
        if (f)
            f(h->ctx, file, rec);
    }
}

static void tee_call(void *ctx, const char *file, const bs_call_view *c)
{
    tee *t = ctx;
    for (int i = 0; i < TEE_MAX; i++)
        if (t->h[i].call)
            t->h[i].call(t->h[i].ctx, file, c);
}

static void tee_header(void *t, const char *file, json_t *r) { tee_record(t, ON_HEADER, file, r); }
static void tee_aggregate(void *t, const char *file, json_t *r)
{
    tee_record(t, ON_AGGREGATE, file, r);
}
static void tee_mark(void *t, const char *file, json_t *r) { tee_record(t, ON_MARK, file, r); }
static void tee_summary(void *t, const char *file, json_t *r)
{
    tee_record(t, ON_SUMMARY, file, r);
}

/* the kernels a report's first header configured, as sorted compact JSON ("" when unreadable) */
static void kernels_of(const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    json_t *h = json_loadf(f, JSON_DISABLE_EOF_CHECK, NULL);
    fclose(f);
    char *s = h ? json_dumps(json_object_get(h, "kernels"), JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (s)
        copy_text(buf, cap, s);
    free(s);
    json_decref(h);
}

/* which run each file belongs to: 0 base, 1 new, -1 neither. --base/--new say it; else the
 * files of the first kernel configuration are the base and those of the second the new run */
static int assign_runs(const html_opts *op, char **files, int nfiles, int *run, char (*cfg)[2][200])
{
    if (op->nbase || op->nnew) {
        for (int i = 0; i < nfiles; i++)
            run[i] = i < op->nbase ? 0 : 1;
        return 1;
    }
    int seen = 0;
    for (int i = 0; i < nfiles; i++) {
        char k[200];
        kernels_of(files[i], k, sizeof k);
        run[i] = -1;
        for (int r = 0; r < seen && run[i] < 0; r++)
            if (!strcmp((*cfg)[r], k))
                run[i] = r;
        if (run[i] < 0 && seen < 2 && k[0]) {
            copy_text((*cfg)[seen], sizeof(*cfg)[seen], k);
            run[i] = seen++;
        }
    }
    return seen == 2;
}

/* rows at most, whatever the reports hold: the page's size stays bounded */
enum { MAX_PROC_ROWS = 100, MAX_PHASE_ROWS = 300, MAX_COMPARE_ROWS = 200 };

/* "(N more ... not shown)" under a table cut at shown rows */
static void more_rows(FILE *o, size_t all, size_t shown, const char *what)
{
    if (all > shown)
        fprintf(o, "<p class=\"note\">%zu more %s not shown.</p>\n", all - shown, what);
}

/* the numbers the page holds the calls against, and its length */
typedef struct page_numbers {
    const peaks *pk;
    double bw;       /* GB/s */
    int bw_measured; /* this machine's (cached or measured), not given */
    int top;         /* rows per table */
} page_numbers;

/* ---- page pieces ---------------------------------------------------------------------------- */

static const char *const css =
    "body{font-family:sans-serif;margin:0 auto;max-width:1160px;padding:0 16px 40px;color:#222}"
    "h1{font-size:1.5em;margin:18px 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px "
    "solid #ccc;padding-bottom:3px}p.note{color:#555;font-size:.9em;margin:4px 0}"
    "table{border-collapse:collapse;font-size:.86em;margin:6px 0}th,td{padding:3px 8px;"
    "border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums}th{background:#f2f2f2}table.sortable th{cursor:pointer}"
    "code{font-size:.95em;background:#f6f6f6;padding:1px 3px}details{margin:2px 0}"
    "ol.stack{margin:2px 0 6px;padding-left:22px;font-size:.9em}.grid{display:flex;flex-wrap:wrap;"
    "gap:10px}.kv td:first-child{color:#555}svg{max-width:100%;height:auto}nav "
    "a{margin-right:10px}";

/* sorts a table.sortable by the clicked column: data-v (a number) where a cell has one */
static const char *const script =
    "document.querySelectorAll('table.sortable th').forEach(function(th,col){"
    "th.addEventListener('click',function(){var tb=th.closest('table').tBodies[0];"
    "var rows=Array.prototype.slice.call(tb.rows);var "
    "asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';"
    "function key(r){var c=r.cells[col];var v=c.getAttribute('data-v');"
    "return v===null?c.textContent:parseFloat(v);}"
    "rows.sort(function(a,b){var x=key(a),y=key(b);var d=(typeof x==='number'&&typeof "
    "y==='number')?x-y:"
    "String(x).localeCompare(String(y));return "
    "asc?d:-d;});rows.forEach(function(r){tb.appendChild(r);});"
    "});});";

static void text(FILE *o, const char *s) { xml_text(o, s); }

static void td_num(FILE *o, double raw, const char *fmt, double shown)
{
    fprintf(o, "<td class=\"n\" data-v=\"%.17g\">", raw);
    fprintf(o, fmt, shown);
    fputs("</td>", o);
}

static void td_text(FILE *o, const char *s)
{
    fputs("<td>", o);
    text(o, s);
    fputs("</td>", o);
}

static void th_row(FILE *o, const char *const *cols, const char *numeric)
{
    fputs("<thead><tr>", o);
    for (int i = 0; cols[i]; i++) {
        fprintf(o, "<th%s>", numeric[i] == 'n' ? " class=\"n\"" : "");
        text(o, cols[i]);
        fputs("</th>", o);
    }
    fputs("</tr></thead><tbody>\n", o);
}

static double share(int64_t part, int64_t whole) { return whole > 0 ? 100.0 * part / whole : 0; }

/* ---- the sections -------------------------------------------------------------------------- */

static void sec_glance(FILE *o, const gather *g, const page_numbers *op)
{
    const int64_t ptime = process_time(g);
    fputs("<h2 id=\"glance\">The run at a glance</h2>\n<table class=\"kv\" "
          "id=\"glance-table\"><tbody>\n",
          o);
    fprintf(o, "<tr><td>processes</td><td class=\"n\" data-v=\"%zu\">%zu</td></tr>\n", g->nprocs,
            g->nprocs);
    fprintf(o, "<tr><td>BLAS calls</td><td class=\"n\" data-v=\"%lld\">%lld</td></tr>\n",
            (long long)g->calls, (long long)g->calls);
    fprintf(o, "<tr><td>BLAS time</td><td class=\"n\" data-v=\"%lld\">%.3f ms</td></tr>\n",
            (long long)g->wall, g->wall / 1e6);
    fprintf(o, "<tr><td>process time</td><td class=\"n\" data-v=\"%lld\">%.3f s</td></tr>\n",
            (long long)ptime, ptime / 1e9);
    fprintf(o,
            "<tr><td>BLAS share of the process time</td><td class=\"n\" data-v=\"%.17g\">%.1f "
            "%%</td></tr>\n",
            share(g->wall, ptime), share(g->wall, ptime));
    fprintf(
        o,
        "<tr><td>GFLOP/s over the BLAS time</td><td class=\"n\" data-v=\"%.17g\">%.2f</td></tr>\n",
        gflops(g->flops, g->wall), gflops(g->flops, g->wall));
    fprintf(o, "<tr><td>marks</td><td class=\"n\" data-v=\"%lld\">%lld</td></tr>\n",
            (long long)g->marks, (long long)g->marks);
    fputs("<tr><td>peak per core</td><td class=\"n\">", o);
    fprintf(o, "%.1f GFLOP/s fp32, %.1f fp64 (", op->pk->s, op->pk->d);
    text(o, op->pk->source);
    fputs(")</td></tr>\n", o);
    fprintf(o, "<tr><td>memory bandwidth</td><td class=\"n\">%.1f GB/s (%s)</td></tr>\n", op->bw,
            op->bw_measured ? "memcpy on this machine" : "given with --bandwidth");
    fputs("</tbody></table>\n", o);

    static const char *const cols[] = {"pid",     "program",    "host",    "machine", "CPUs",
                                       "kernels", "real BLAS",  "log",     "calls",   "BLAS ms",
                                       "life s",  "BLAS share", "GFLOP/s", NULL};
    fputs("<table id=\"procs\" class=\"sortable\">", o);
    th_row(o, cols, "ntttnttttnnnnn");
    for (size_t i = 0; i < g->nprocs && i < MAX_PROC_ROWS; i++) {
        const proc *p = &g->procs[i];
        const int64_t life = p->has_summary                ? p->elapsed
                             : p->last_end > p->start_mono ? p->last_end - p->start_mono
                                                           : 0;
        fputs("<tr>", o);
        td_num(o, (double)p->pid, "%.0f", (double)p->pid);
        td_text(o, p->prog);
        td_text(o, p->host);
        td_text(o, p->cpu_model);
        td_num(o, (double)p->ncpus, "%.0f", (double)p->ncpus);
        td_text(o, p->kernels);
        td_text(o, p->real_blas);
        td_text(o, p->log);
        td_num(o, (double)p->calls, "%.0f", (double)p->calls);
        td_num(o, (double)p->wall, "%.3f", p->wall / 1e6);
        td_num(o, (double)life, "%.3f", life / 1e9);
        td_num(o, share(p->wall, life), "%.1f %%", share(p->wall, life));
        td_num(o, gflops(p->flops, p->wall), "%.2f", gflops(p->flops, p->wall));
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
    more_rows(o, g->nprocs, MAX_PROC_ROWS, "processes");
}

static void sec_kernels(FILE *o, const gather *g)
{
    rk by[128];
    const int nby = by_routine_kernel(g, by, 128);
    static const char *const cols[] = {"routine", "kernel",  "calls", "total ms",
                                       "share",   "GFLOP/s", NULL};
    fputs("<h2 id=\"kernels\">Per routine and kernel</h2>\n<table id=\"by-kernel\" "
          "class=\"sortable\">",
          o);
    th_row(o, cols, "ttnnnn");
    for (int j = 0; j < nby; j++) {
        fputs("<tr>", o);
        td_text(o, by[j].routine);
        fprintf(o, "<td><span style=\"color:%s\">&#9679;</span> ", kernel_color(by[j].kernel));
        text(o, by[j].kernel);
        fputs("</td>", o);
        td_num(o, (double)by[j].count, "%.0f", (double)by[j].count);
        td_num(o, (double)by[j].wall, "%.3f", by[j].wall / 1e6);
        td_num(o, share(by[j].wall, g->wall), "%.1f %%", share(by[j].wall, g->wall));
        td_num(o, gflops(by[j].flops, by[j].wall), "%.2f", gflops(by[j].flops, by[j].wall));
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

static void td_us(FILE *o, double us)
{
    if (isnan(us))
        fputs("<td class=\"n\">-</td>", o);
    else
        td_num(o, us * 1e3, "%.1f", us);
}

static void sec_shapes(FILE *o, const gather *g, const page_numbers *op)
{
    static const char *const cols[] = {"routine",  "m x n x k", "op",      "kernel",  "calls",
                                       "total ms", "share",     "mean us", "p50 us",  "p95 us",
                                       "max us",   "GFLOP/s",   "% peak",  "threads", NULL};
    fprintf(o,
            "<h2 id=\"shapes\">Top shapes</h2>\n<p class=\"note\">The %d costliest of %zu shapes "
            "(routine, sizes, transposes, kernel); click a column to sort. Percentiles from "
            "19 %%-wide buckets (&plusmn;10 %%); summary-mode aggregates carry none.</p>\n",
            op->top < (int)g->nshapes ? op->top : (int)g->nshapes, g->nshapes);
    fputs("<table id=\"shapes-table\" class=\"sortable\">", o);
    th_row(o, cols, "ttttnnnnnnnnnn");
    for (size_t i = 0; i < g->nshapes && (int)i < op->top; i++) {
        const shape *s = &g->shapes[i];
        char dims[64], opx[8];
        fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
        snprintf(opx, sizeof opx, "%s%s", s->ta, s->tb);
        const double gf = gflops(s->flops, s->wall), peak = peak_for(op->pk, s);
        fputs("<tr>", o);
        td_text(o, s->routine);
        td_text(o, dims);
        td_text(o, opx);
        td_text(o, s->kernel);
        td_num(o, (double)s->count, "%.0f", (double)s->count);
        td_num(o, (double)s->wall, "%.3f", s->wall / 1e6);
        td_num(o, share(s->wall, g->wall), "%.1f %%", share(s->wall, g->wall));
        td_num(o, (double)s->wall / (double)s->count, "%.1f", s->wall / 1e3 / (double)s->count);
        td_us(o, quantile_us(s, 0.5));
        td_us(o, quantile_us(s, 0.95));
        td_num(o, (double)s->max, "%.1f", s->max / 1e3);
        td_num(o, gf, "%.2f", gf);
        td_num(o, peak > 0 ? 100 * gf / peak : 0, "%.0f", peak > 0 ? 100 * gf / peak : 0);
        td_num(o, shape_threads(s), "%.1f", shape_threads(s));
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

/* the lower edge of histogram bucket b, ns (common/histogram.h) */
static double bucket_edge(int b) { return (double)(1ull << (b / 4)) * (1.0 + (b % 4) / 4.0); }

/* call durations of one shape: its histogram's buckets from the fastest to the slowest call */
static void histogram_svg(FILE *o, const shape *s)
{
    int lo = BS_HIST_BUCKETS, hi = -1;
    uint32_t most = 0;
    for (int b = 0; b < BS_HIST_BUCKETS; b++)
        if (s->hist[b]) {
            lo = b < lo ? b : lo, hi = b;
            most = s->hist[b] > most ? s->hist[b] : most;
        }
    if (hi < 0)
        return;
    for (int pad = 0; hi - lo + 1 < 16 && pad < 16; pad++) /* at least 16 buckets wide */
        lo = lo > 0 && pad % 2 ? lo - 1 : lo,
        hi = hi < BS_HIST_BUCKETS - 1 && !(pad % 2) ? hi + 1 : hi;
    const int W = 360, H = 150, L = 10, B = 34, T = 30, nb = hi - lo + 1;
    const double bw = (double)(W - 2 * L) / nb;
    char dims[64], title[160];
    fmt_dims(dims, sizeof dims, s->m, s->n, s->k);
    snprintf(title, sizeof title, "%s %s %s: %lld calls, %.1f to %.1f us", s->routine, dims,
             s->kernel, (long long)s->hist_count, s->min / 1e3, s->max / 1e3);
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
            "%d\" "
            "font-family=\"sans-serif\">\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
            "fill=\"#ffffff\" "
            "stroke=\"#dddddd\"/>\n",
            W, H, W, H, W, H);
    svg_text_at(o, W / 2.0, 18, 12, "middle", "#000000", title);
    for (int b = lo; b <= hi; b++) {
        if (!s->hist[b])
            continue;
        const double h = (double)(H - T - B) * s->hist[b] / most;
        fprintf(o,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>"
                "~%.1f us: %u calls</title></rect>\n",
                L + (b - lo) * bw, H - B - h, bw > 2 ? bw - 1 : bw, h, kernel_color(s->kernel),
                bs_hist_ns(b) / 1e3, s->hist[b]);
    }
    char v[48]; /* the axis ends: the lower edge of the first bucket, the upper of the last */
    snprintf(v, sizeof v, "%.1f us", bucket_edge(lo) / 1e3);
    svg_text_at(o, L, H - B + 16, 11, "start", "#000000", v);
    snprintf(v, sizeof v, "%.1f us", bucket_edge(hi + 1) / 1e3);
    svg_text_at(o, W - L, H - B + 16, 11, "end", "#000000", v);
    svg_text_at(o, W / 2.0, H - 6, 11, "middle", "#555555", "call duration (log scale)");
    fputs("</svg>\n", o);
}

static void sec_histograms(FILE *o, const gather *g)
{
    fputs("<h2 id=\"durations\">Call durations of the top shapes</h2>\n<div class=\"grid\">\n", o);
    int shown = 0;
    for (size_t i = 0; i < g->nshapes && shown < 6; i++)
        if (g->shapes[i].hist_count > 0) {
            histogram_svg(o, &g->shapes[i]);
            shown++;
        }
    fputs("</div>\n", o);
    if (!shown)
        fputs("<p class=\"note\">No call lines: summary-mode reports keep no per-call times.</p>\n",
              o);
}

/* the text of line LINE of the file a py_caller "path:LINE in function" names, when readable */
static int source_line(const char *py_caller, char *buf, size_t cap)
{
    const char *in = strstr(py_caller, " in ");
    const char *colon = NULL;
    for (const char *c = py_caller; in && c < in; c++)
        if (*c == ':')
            colon = c;
    if (!colon || colon == py_caller)
        return 0;
    char path[512];
    snprintf(path, sizeof path, "%.*s", (int)(colon - py_caller), py_caller);
    const long want = strtol(colon + 1, NULL, 10);
    FILE *f = want > 0 && path[0] != '<' ? fopen(path, "re") : NULL;
    if (!f)
        return 0;
    long no = 1;
    int ch, found = 0;
    size_t n = 0;
    while ((ch = getc(f)) != EOF && no <= want && no < 1000000) {
        if (ch == '\n') {
            no++;
            continue;
        }
        if (no == want && n + 1 < cap)
            buf[n++] = (char)ch, found = 1;
    }
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    size_t skip = 0;
    while (buf[skip] == ' ' || buf[skip] == '\t')
        skip++;
    memmove(buf, buf + skip, n - skip + 1);
    return found || no > want;
}

/* the stacks through one Python line, costliest first (up to five), innermost frame first */
static void line_stacks(FILE *o, const folder *f, const char *line)
{
    size_t idx[5];
    int n = 0;
    const size_t len = strlen(line);
    for (size_t i = 0; i < f->n; i++) {
        const char *k = f->keys[i], *at = strstr(k, line);
        if (!at || (at != k && at[-1] != ';') || (at[len] != '\0' && at[len] != ';'))
            continue;
        int j = n < 5 ? n++ : 4;
        if (j == 4 && n == 5 && f->weight[idx[4]] >= f->weight[i])
            continue;
        while (j > 0 && f->weight[idx[j - 1]] < f->weight[i])
            idx[j] = idx[j - 1], j--;
        idx[j] = i;
    }
    if (!n)
        return;
    fprintf(o, "<details><summary>%d stack%s through this line</summary>\n", n, n == 1 ? "" : "s");
    for (int s = 0; s < n; s++) {
        const char *k = f->keys[idx[s]];
        fprintf(o, "<p class=\"note\">%.3f ms:</p><ol class=\"stack\">", f->weight[idx[s]] / 1e6);
        /* the key is outermost first: list it from the end */
        const char *end = k + strlen(k);
        while (end > k) {
            const char *start = end;
            while (start > k && start[-1] != ';')
                start--;
            char frame[600];
            copy_text(frame,
                      (size_t)(end - start) + 1 < sizeof frame ? (size_t)(end - start) + 1
                                                               : sizeof frame,
                      start);
            fputs("<li><code>", o);
            text(o, frame);
            fputs("</code></li>", o);
            end = start > k ? start - 1 : k;
        }
        fputs("</ol>\n", o);
    }
    fputs("</details>\n", o);
}

/* a row's opening and the numbers of a Python line or a call site */
static void site_cells(FILE *o, const site *s, int64_t total)
{
    fputs("<tr>", o);
    td_num(o, (double)s->count, "%.0f", (double)s->count);
    td_num(o, (double)s->wall, "%.3f", s->wall / 1e6);
    td_num(o, share(s->wall, total), "%.1f %%", share(s->wall, total));
    td_num(o, gflops(s->flops, s->wall), "%.2f", gflops(s->flops, s->wall));
}

static void sec_lines(FILE *o, const gather *g, const folder *f, int top)
{
    fputs("<h2 id=\"lines\">Hot Python lines</h2>\n", o);
    if (!g->lines.n) {
        fputs("<p class=\"note\">No Python lines in these reports (py_caller is recorded for calls "
              "from CPython).</p>\n",
              o);
        return;
    }
    static const char *const cols[] = {"calls", "total ms", "share", "GFLOP/s", "line", NULL};
    fputs("<table id=\"lines-table\">", o);
    th_row(o, cols, "nnnnt");
    for (size_t i = 0; i < g->lines.n && (int)i < top; i++) {
        const site *l = &g->lines.v[i];
        site_cells(o, l, g->wall);
        fputs("<td><code class=\"loc\">", o);
        text(o, l->caller);
        fputs("</code>", o);
        char src[400];
        if (source_line(l->caller, src, sizeof src)) {
            fputs("<br><code class=\"src\">", o);
            text(o, src);
            fputs("</code>", o);
        }
        line_stacks(o, f, l->caller);
        fputs("</td></tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

static void sec_sites(FILE *o, const gather *g, int top)
{
    static const char *const cols[] = {"calls",   "total ms",         "share",
                                       "GFLOP/s", "native call site", NULL};
    fputs("<h2 id=\"sites\">Native call sites</h2>\n<table id=\"sites-table\" class=\"sortable\">",
          o);
    th_row(o, cols, "nnnnt");
    for (size_t i = 0; i < g->sites.n && (int)i < top; i++) {
        site_cells(o, &g->sites.v[i], g->wall);
        fputs("<td><code>", o);
        text(o, g->sites.v[i].caller);
        fputs("</code></td></tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

static void sec_timeline(FILE *o, const timeline *t, const gather *g)
{
    fputs("<h2 id=\"timeline\">Timeline</h2>\n", o);
    if (t->calls == 0) {
        fputs("<p class=\"note\">No call lines: summary-mode reports keep no times of calls.</p>\n",
              o);
        return;
    }
    if (t->relative)
        fputs("<p class=\"note\">The processes ran one after the other: each is drawn from its "
              "own start.</p>\n",
              o);
    if (t->calls <= TL_EXACT && !t->lanes_dropped)
        fprintf(o,
                "<p class=\"note\">A bar per call (%lld calls), coloured by kernel; marks as "
                "dashed lines, each naming the phase it starts.</p>\n",
                (long long)t->calls);
    else
        fprintf(o,
                "<p class=\"note\">%lld calls: too many to draw one by one, so the calls of "
                "each lane are merged into at most %d bars, each as wide as the BLAS time of "
                "the calls it merges (hover for their count). Marks as dashed lines, each "
                "naming the phase it starts.</p>\n",
                (long long)t->calls, TL_BINS);
    if (t->lanes_dropped)
        fprintf(o,
                "<p class=\"note\">Only the first %d threads have a lane; %lld calls of other "
                "threads are not drawn.</p>\n",
                TL_LANES, (long long)t->lanes_dropped);
    timeline_svg(o, t, g);
    if (t->marks_dropped)
        fprintf(o, "<p class=\"note\">%lld more marks are not drawn.</p>\n",
                (long long)t->marks_dropped);
}

/* the calls of each thread between its marks (gather.c's phases, as summary shows them) */
static void sec_phases(FILE *o, gather *g)
{
    if (!g->marks)
        return;
    static const char *const cols[] = {"pid",     "tid",     "from mark", "calls",
                                       "BLAS ms", "GFLOP/s", "span ms",   NULL};
    fputs("<h3>Phases</h3>\n<p class=\"note\">The BLAS calls of each thread between its marks "
          "(span: from the mark to the thread's next one).</p>\n<table id=\"phases\">",
          o);
    th_row(o, cols, "nntnnnn");
    sort_n(g->phases, g->nphases, sizeof *g->phases, phase_by_thread);
    for (size_t i = 0; i < g->nphases && i < MAX_PHASE_ROWS; i++) {
        const phase *p = &g->phases[i];
        const int64_t span = phase_span(p);
        fputs("<tr>", o);
        td_num(o, (double)p->pid, "%.0f", (double)p->pid);
        td_num(o, (double)p->tid, "%.0f", (double)p->tid);
        td_text(o, p->name);
        td_num(o, (double)p->calls, "%.0f", (double)p->calls);
        td_num(o, (double)p->wall, "%.3f", p->wall / 1e6);
        td_num(o, gflops(p->flops, p->wall), "%.2f", gflops(p->flops, p->wall));
        if (span >= 0)
            td_num(o, (double)span, "%.3f", span / 1e6);
        else
            fputs("<td class=\"n\">-</td>", o);
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
    more_rows(o, g->nphases, MAX_PHASE_ROWS, "phases");
    if (g->phases_cut)
        fprintf(o,
                "<p class=\"note\">More than %d phases: the calls after the last one shown "
                "are in it.</p>\n",
                MAX_PHASES);
}

static void td_side(FILE *o, const side_stats *st)
{
    td_text(o, st->kernel ? st->kernel : "?");
    td_num(o, (double)st->calls, "%.0f", (double)st->calls);
    const double v[4] = {st->cold_ns, st->median_ns, st->min_ns, st->p95_ns};
    for (int i = 0; i < 4; i++) {
        if (isnan(v[i]))
            fputs("<td class=\"n\">-</td>", o);
        else
            fprintf(o, "<td class=\"n\" data-v=\"%.17g\">%.1f%s</td>", v[i], v[i] / 1e3,
                    i > 0 && st->used && !st->exact ? "*" : "");
    }
}

/* "base: <b>label</b> (N processes, kernels <code>...</code>)" */
static void side_intro(FILE *o, const char *side, const char *label, size_t nprocs,
                       const char *kernels)
{
    fprintf(o, "%s: <b>", side);
    text(o, label);
    fprintf(o, "</b> (%zu process%s", nprocs, nprocs == 1 ? "" : "es");
    if (kernels) {
        fputs(", kernels <code>", o);
        text(o, kernels);
        fputs("</code>", o);
    }
    fputs(")", o);
}

/* compare's numbers (compare.c's compare_rows): medians after the cold first call, spreads,
 * significance, the baselines' differences */
static void sec_compare(FILE *o, gather *base, gather *next, const char (*cfg)[200])
{
    compare_result r;
    compare_rows(base, next, 0, &r);
    fputs("<h2 id=\"compare\">Comparison</h2>\n<p class=\"note\">", o);
    side_intro(o, "base", r.base_label, base->nprocs, cfg ? cfg[0] : NULL);
    fputs("; ", o);
    side_intro(o, "new", r.new_label, next->nprocs, cfg ? cfg[1] : NULL);
    fputs(".</p>\n", o);
    if (r.ndiffs) {
        fputs("<p>The two sides ran on different baselines:</p>\n<ul id=\"baseline-diffs\">", o);
        for (size_t i = 0; i < r.ndiffs; i++) {
            fputs("<li>", o);
            text(o, r.diffs[i].text);
            fputs("</li>", o);
        }
        fputs("</ul>\n", o);
    }
    static const char *const cols[] = {
        "routine",        "m x n x k",   "op",          "base kernel", "base calls", "base cold us",
        "base median us", "base min us", "base p95 us", "new kernel",  "new calls",  "new cold us",
        "new median us",  "new min us",  "new p95 us",  "speedup",     NULL};
    fputs("<table id=\"compare-table\" class=\"sortable\">", o);
    th_row(o, cols, "tttnnnnnntnnnnnn");
    for (size_t i = 0; i < r.nrows && i < MAX_COMPARE_ROWS; i++) {
        const compare_row *w = &r.rows[i];
        char dims[64], opx[8];
        fmt_dims(dims, sizeof dims, w->base->m, w->base->n, w->base->k);
        snprintf(opx, sizeof opx, "%s%s", w->base->ta, w->base->tb);
        fputs("<tr>", o);
        td_text(o, w->base->routine);
        td_text(o, dims);
        td_text(o, opx);
        td_side(o, &w->b);
        td_side(o, &w->n);
        fprintf(o, "<td class=\"n\" data-v=\"%.17g\" data-significant=\"%d\"", w->speedup,
                w->significant);
        if (!w->significant && w->why) {
            fputs(" title=\"not significant: ", o);
            text(o, w->why);
            fputc('"', o);
        }
        fprintf(o, ">%.2fx%s</td></tr>\n", w->speedup, w->significant ? "" : " ~");
    }
    fputs("</tbody></table>\n", o);
    more_rows(o, r.nrows, MAX_COMPARE_ROWS, "matched shapes (the cheapest) are");
    fprintf(o,
            "<p class=\"note\">Median of the calls after each process's first call of the "
            "shape (cold: that first call, mean); min and p95 likewise. ~ not significant: "
            "fewer than %d calls on a side, or the min..p95 spreads overlap (hover for why). "
            "* from the histogram (&plusmn;10 %%): more than %d calls of the shape.</p>\n",
            SIGNIFICANT_MIN_CALLS, SAMPLE_CAP);
    fprintf(o,
            "<p id=\"compare-total\" data-base-ns=\"%.17g\" data-new-ns=\"%.17g\">Matched "
            "shapes, each at its median times its calls in base: base %.3f ms, new %.3f ms, "
            "speedup %.2fx",
            r.base_ns, r.new_ns, r.base_ns / 1e6, r.new_ns / 1e6,
            r.new_ns > 0 ? r.base_ns / r.new_ns : 0);
    if (r.sig_new_ns > 0)
        fprintf(o,
                "; %.1f%% of that base time is in significant rows, which alone give a "
                "speedup of %.2fx",
                r.base_ns > 0 ? 100 * r.sig_base_ns / r.base_ns : 0, r.sig_base_ns / r.sig_new_ns);
    else
        fputs("; no row is significant: the speedup is within the noise", o);
    fprintf(o, ". All calls as measured: base %.3f ms, new %.3f ms.</p>\n", base->wall / 1e6,
            next->wall / 1e6);
    const char *titles[2] = {"Only in base", "Only in new"};
    const shape **lists[2] = {r.only_base, r.only_new};
    const size_t counts[2] = {r.nonly_base, r.nonly_new};
    for (int l = 0; l < 2; l++) {
        if (!counts[l])
            continue;
        fprintf(o, "<p>%s:</p><ul>", titles[l]);
        for (size_t i = 0; i < counts[l] && i < 50; i++) {
            const shape *sh = lists[l][i];
            char dims[64], item[160];
            fmt_dims(dims, sizeof dims, sh->m, sh->n, sh->k);
            snprintf(item, sizeof item, "%s %s %s%s (%lld calls)", sh->routine, dims, sh->ta,
                     sh->tb, (long long)sh->count);
            fputs("<li>", o);
            text(o, item);
            fputs("</li>", o);
        }
        if (counts[l] > 50)
            fprintf(o, "<li>and %zu more</li>", counts[l] - 50);
        fputs("</ul>\n", o);
    }
    compare_result_free(&r);
}

/* ---- the page --------------------------------------------------------------------------- */

static void write_page(FILE *o, gather *g, const folder *f, const timeline *t, gather *runs,
                       int compare, const char (*cfg)[200], const page_numbers *pn,
                       const html_opts *op)
{
    sort_n(g->shapes, g->nshapes, sizeof *g->shapes, by_wall_desc);
    sort_n(g->sites.v, g->sites.n, sizeof *g->sites.v, site_by_wall_desc);
    sort_n(g->lines.v, g->lines.n, sizeof *g->lines.v, site_by_wall_desc);
    char progs[400] = ""; /* the programs' names, a few: 200 + ", " + a 127-byte name fit */
    size_t used = 0;
    for (size_t i = 0; i < g->nprocs && used < 200; i++)
        if (!strstr(progs, g->procs[i].prog))
            used += (size_t)snprintf(progs + used, sizeof progs - used, "%s%s", used ? ", " : "",
                                     g->procs[i].prog);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>blasshim: ",
          o);
    text(o, progs);
    fprintf(o, "</title>\n<style>%s</style>\n</head><body>\n<h1>BLAS in ", css);
    text(o, progs);
    fputs("</h1>\n<p class=\"note\">", o);
    for (int i = 0; i < op->nfiles; i++) {
        fputs(i ? ", " : "reports: ", o);
        text(o, op->files[i]);
    }
    fputs("</p>\n<nav><a href=\"#glance\">at a glance</a><a href=\"#kernels\">kernels</a>"
          "<a href=\"#shapes\">shapes</a><a href=\"#lines\">Python lines</a><a "
          "href=\"#sites\">call sites"
          "</a><a href=\"#flame\">flame graph</a><a href=\"#timeline\">timeline</a>"
          "<a href=\"#roofline\">roofline</a>",
          o);
    if (compare)
        fputs("<a href=\"#compare\">comparison</a>", o);
    fputs("</nav>\n", o);
    sec_glance(o, g, pn);
    sec_kernels(o, g);
    sec_shapes(o, g, pn);
    sec_histograms(o, g);
    sec_lines(o, g, f, pn->top);
    sec_sites(o, g, pn->top);
    fputs("<h2 id=\"flame\">BLAS time by Python stack</h2>\n<p class=\"note\">A flame graph: the "
          "whole BLAS time at the bottom, each frame above its caller, width proportional to the "
          "BLAS time spent under it (hover for the numbers), the routine and its sizes on top: "
          "the stacks of <code>blasshim-report folded</code>. A call without a Python call site "
          "is its routine alone.</p>\n",
          o);
    flame_svg(o, f);
    sec_timeline(o, t, g);
    sec_phases(o, g);
    fputs("<h2 id=\"roofline\">Roofline</h2>\n", o);
    if (roofline_svg(o, g, pn->pk, pn->bw, pn->bw_measured, 0) <= 0)
        fputs("<p class=\"note\">No gemm call with sizes and a time that can be plotted.</p>\n", o);
    if (compare)
        sec_compare(o, &runs[0], &runs[1], cfg);
    fprintf(o, "<script>%s</script>\n</body></html>\n", script);
}

int html_cmd(const html_opts *op)
{
    char **files = op->files;
    const int nfiles = op->nfiles;
    int *run = calloc((size_t)nfiles, sizeof *run);
    char cfg[2][200] = {"", ""};
    gather g = {.by_kernel = 1}, runs[2] = {{.keep_samples = 1}, {.keep_samples = 1}};
    folder f = {0};
    timeline *t = calloc(1, sizeof *t);
    if (!run || !t) {
        fprintf(stderr, PROG ": out of memory\n");
        return 2;
    }
    const int compare = assign_runs(op, files, nfiles, run, &cfg);
    tee tp = {{gather_handler(&g), {0}, folder_handler(&f), timeline_handler(t)}};
    bs_reader_handler h = {&tp, tee_header, tee_call, tee_aggregate, tee_mark, tee_summary};
    int rc = 0;
    for (int i = 0; i < nfiles; i++) {
        tp.h[1] = compare && run[i] >= 0 ? gather_handler(&runs[run[i]]) : (bs_reader_handler){0};
        bs_read_stats st;
        const int r = bs_read_report(files[i], &h, &st);
        rc = r > rc ? r : rc;
    }
    if (rc < 2 && g.calls == 0) {
        fprintf(stderr, PROG ": no call records in %s%s\n", files[0], nfiles > 1 ? " ..." : "");
        rc = 2;
    }
    /* the peak and bandwidth of the machine the reports come from (cached, else measured) */
    double bw = op->bandwidth;
    if (rc < 2 && (!op->have_peak || bw <= 0) &&
        machine_numbers(g.cpu_model, op->remeasure, !op->have_peak, bw <= 0, op->pk, &bw) != 0)
        rc = 2;
    if (rc < 2) {
        for (size_t i = 0; i < g.nprocs; i++) {
            const proc *pr = &g.procs[i];
            int64_t end = pr->start_mono;
            add_sat(&end, pr->elapsed);
            timeline_process(t, pr->pid, pr->start_mono, pr->has_summary ? end : pr->last_end);
        }
        FILE *o = open_out(op->out);
        const page_numbers pn = {op->pk, bw, op->bandwidth <= 0, op->top};
        write_page(o, &g, &f, t, runs, compare, op->nbase || op->nnew ? NULL : cfg, &pn, op);
        const int w = close_out(o, op->out);
        rc = w > rc ? w : rc;
        if (w == 0 && op->out && strcmp(op->out, "-") != 0)
            fprintf(stderr, PROG ": %lld calls of %zu process%s in %s\n", (long long)g.calls,
                    g.nprocs, g.nprocs == 1 ? "" : "es", op->out);
    }
    gather_free(&g), gather_free(&runs[0]), gather_free(&runs[1]);
    folder_free(&f);
    free(t);
    free(run);
    return rc;
}
