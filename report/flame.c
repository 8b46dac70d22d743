/* report/flame.c — a flame graph of BLAS time by Python stack, in SVG, from the folding that
 * `folded` writes (stacks.c): the whole BLAS time at the bottom, each frame above its caller,
 * the routine and sizes on top, widths proportional to time. Frames narrower than half a pixel (and every frame past MAX_BOXES boxes) are merged,
 * per parent, into one "(n narrow frames)" box, so that the boxes of every row still add up
 * to their parent and the picture's size is bounded. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

typedef struct fnode {
    const char *name; /* points into a key of the folder */
    size_t len;
    int64_t ns;
    struct fnode **kids;
    size_t nkids, capkids;
} fnode;

/* at most MAX_BOXES frames get a box of their own; later ones are merged like narrow ones */
enum { ROW = 18, FLAME_W = 1100, MAX_DEPTH = 40, MAX_BOXES = 4000 };

static fnode *node_new(const char *name, size_t len)
{
    fnode *n = calloc(1, sizeof *n);
    if (!n) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(2);
    }
    n->name = name, n->len = len;
    return n;
}

static fnode *child_of(fnode *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nkids; i++)
        if (p->kids[i]->len == len && !memcmp(p->kids[i]->name, name, len))
            return p->kids[i];
    p->kids = grow(p->kids, &p->capkids, p->nkids + 1, sizeof *p->kids);
    return p->kids[p->nkids++] = node_new(name, len);
}

static void node_free(fnode *n)
{
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n);
}

static int by_ns_desc(const void *a, const void *b)
{
    int64_t x = (*(fnode *const *)a)->ns, y = (*(fnode *const *)b)->ns;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* a frame's short name: "function (file.py:LINE)" from "path/file.py:LINE in function" */
static void short_name(char *buf, size_t cap, const char *name, size_t len)
{
    char full[600];
    copy_text(full, len + 1 < sizeof full ? len + 1 : sizeof full, name);
    char *in = strstr(full, " in ");
    if (!in || full[0] == '[') {
        snprintf(buf, cap, "%s", full);
        return;
    }
    *in = '\0';
    const char *base = strrchr(full, '/');
    snprintf(buf, cap, "%s (%s)", in + 4, base ? base + 1 : full);
}

/* a warm colour from the name, so that a frame keeps its colour across the picture */
static void frame_color(char *buf, size_t cap, const char *name, size_t len)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    if (len >= 8 && !memcmp(name, "[native]", 8))
        snprintf(buf, cap, "#%02x%02x%02x", 150 + h % 40, 150 + (h >> 8) % 40,
                 200 + (h >> 16) % 40);
    else
        snprintf(buf, cap, "#%02x%02x%02x", 215 + h % 40, 90 + (h >> 8) % 110, 40 + (h >> 16) % 40);
}

static void draw_box(FILE *o, double x, double w, int depth, int height, const char *label,
                     const char *tip, const char *color, int64_t ns, double total)
{
    const double y = height - (depth + 1) * ROW;
    fprintf(o, "<g><title>");
    xml_text(o, tip);
    fprintf(
        o,
        ": %.3f ms, %.1f%%</title><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" "
        "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\" data-depth=\"%d\" data-ns=\"%lld\"/>",
        ns / 1e6, total > 0 ? 100.0 * ns / total : 0, x, y, w, ROW - 1, color, depth,
        (long long)ns);
    const int fit = (int)((w - 6) / 6.6);
    if (fit >= 3) {
        char text[200];
        const size_t n = strlen(label);
        if ((int)n <= fit)
            snprintf(text, sizeof text, "%s", label);
        else
            copy_text(text, (size_t)(fit - 1 < 190 ? fit - 1 : 190), label), strcat(text, "..");
        fprintf(o, "<text x=\"%.2f\" y=\"%.0f\" font-size=\"11\" fill=\"#000000\">", x + 3,
                y + ROW - 5);
        xml_text(o, text);
        fputs("</text>", o);
    }
    fputs("</g>\n", o);
}

static void draw_node(FILE *o, const fnode *n, double x, int depth, int height, double scale,
                      double total, int *boxes)
{
    sort_n(n->kids, n->nkids, sizeof *n->kids, by_ns_desc);
    double cx = x;
    int64_t narrow_ns = 0;
    size_t narrow = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const fnode *k = n->kids[i];
        const double w = (double)k->ns * scale;
        if (w < 0.5 || depth + 1 >= MAX_DEPTH || *boxes >= MAX_BOXES) {
            narrow_ns += k->ns, narrow++;
            continue;
        }
        char label[720], full[700], color[8];
        short_name(label, sizeof label, k->name, k->len);
        copy_text(full, k->len + 1 < 301 ? k->len + 1 : 301, k->name);
        frame_color(color, sizeof color, k->name, k->len);
        draw_box(o, cx, w, depth + 1, height, label, full, color, k->ns, total);
        ++*boxes;
        draw_node(o, k, cx, depth + 1, height, scale, total, boxes);
        cx += w;
    }
    if (narrow) {
        char label[64];
        snprintf(label, sizeof label, "(%zu narrow frame%s)", narrow, narrow == 1 ? "" : "s");
        draw_box(o, cx, (double)narrow_ns * scale, depth + 1, height, label, label, "#cccccc",
                 narrow_ns, total);
    }
}

static int depth_of(const fnode *n)
{
    int d = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        int k = depth_of(n->kids[i]);
        if (k > d)
            d = k;
    }
    return d + 1;
}

int flame_svg(FILE *o, const folder *f)
{
    int64_t total = 0;
    for (size_t i = 0; i < f->n; i++)
        add_sat(&total, f->weight[i]);
    if (total <= 0)
        return 0;
    fnode *root = node_new("all", 3);
    for (size_t i = 0; i < f->n; i++) {
        fnode *at = root;
        const char *s = f->keys[i];
        while (*s) {
            const char *e = strchr(s, ';');
            const size_t len = e ? (size_t)(e - s) : strlen(s);
            at = child_of(at, s, len);
            add_sat(&at->ns, f->weight[i]);
            s += len + (e ? 1 : 0);
        }
        add_sat(&root->ns, f->weight[i]);
    }
    int depth = depth_of(root);
    if (depth > MAX_DEPTH)
        depth = MAX_DEPTH;
    const int height = depth * ROW + 4;
    const double scale = (double)FLAME_W / (double)root->ns;
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
            "%d\" font-family=\"sans-serif\" id=\"flame\" data-total-ns=\"%lld\">\n",
            FLAME_W, height, FLAME_W, height, (long long)root->ns);
    char tip[64];
    snprintf(tip, sizeof tip, "all BLAS calls");
    draw_box(o, 0, FLAME_W, 0, height, "all BLAS time", tip, "#e0a050", root->ns, (double)root->ns);
    int boxes = 0;
    draw_node(o, root, 0, 0, height, scale, (double)root->ns, &boxes);
    fputs("</svg>\n", o);
    node_free(root);
    return 1;
}
