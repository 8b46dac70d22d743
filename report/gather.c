/* report/gather.c — the reports read into one view: per process, per shape (routine, kernel,
 * transposes, m x n x k), per native call site, per Python line and per Python stack. Streams: memory grows
 * with the distinct shapes and sites, never with the calls. */
#include <stdlib.h>
#include <string.h>

#include "common/hashtab.h"
#include "tool.h"

/* ---- the map ----------------------------------------------------------------------------- */

typedef struct map_lookup {
    char *const *keys;
    const char *key;
} map_lookup;

static bs_slot map_test(const void *ctx, size_t i)
{
    const map_lookup *l = ctx;
    return !l->keys[i]                       ? BS_SLOT_EMPTY
           : strcmp(l->keys[i], l->key) == 0 ? BS_SLOT_MATCH
                                             : BS_SLOT_OTHER;
}

/* the slot of key in keys[cap]: its own (*found) or the empty one where it goes */
static size_t map_slot(char *const *keys, size_t cap, const char *key, int *found)
{
    const map_lookup l = {keys, key};
    return (size_t)bs_hash_probe(cap, bs_hash_str(key), map_test, &l, found); /* never full */
}

int map_get(map *m, const char *key, int add, int next)
{
    if (m->cap == 0 || (add && (m->n + 1) * 2 > m->cap)) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        char **nk = calloc(ncap, sizeof *nk);
        int *nv = calloc(ncap, sizeof *nv);
        if (!nk || !nv) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(2);
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                int dup;
                size_t j = map_slot(nk, ncap, m->keys[i], &dup);
                nk[j] = m->keys[i];
                nv[j] = m->vals[i];
            }
        free(m->keys);
        free(m->vals);
        m->keys = nk, m->vals = nv, m->cap = ncap;
    }
    int found;
    size_t j = map_slot(m->keys, m->cap, key, &found);
    if (found)
        return m->vals[j];
    if (!add)
        return -1;
    m->keys[j] = strdup(key);
    m->vals[j] = next;
    m->n++;
    return next;
}

void map_put(map *m, const char *key, int val)
{
    if (map_get(m, key, 1, val) == val)
        return;
    int found;
    m->vals[map_slot(m->keys, m->cap, key, &found)] = val;
}

void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *q = realloc(p, ncap * elem);
    if (!q) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(2);
    }
    memset((char *)q + *cap * elem, 0, (ncap - *cap) * elem);
    *cap = ncap;
    return q;
}

/* ---- call times ------------------------------------------------------------------------ */

void samples_add(samples *s, int64_t ns)
{
    if (s->count == 0)
        s->min = s->max = ns;
    if (ns < s->min)
        s->min = ns;
    if (ns > s->max)
        s->max = ns;
    if (s->count < SAMPLE_CAP) {
        s->v = grow(s->v, &s->cap, (size_t)s->count + 1, sizeof *s->v);
        s->v[s->count] = ns;
    }
    s->hist[bs_hist_bucket(ns)]++;
    add_sat(&s->sum, ns);
    s->count++;
}

void samples_free(samples *s)
{
    free(s->v);
    s->v = NULL;
    s->cap = 0;
}

/* ---- gathering ----------------------------------------------------------------------- */

void shape_key(char *buf, size_t cap, const char *routine, const char *kernel, const char *ta,
               const char *tb, int64_t m, int64_t n, int64_t k)
{
    snprintf(buf, cap, "%s|%s|%s|%s|%lld|%lld|%lld", routine, kernel, ta, tb, (long long)m,
             (long long)n, (long long)k);
}

static proc *proc_of(gather *g, const char *file, int64_t pid, int add)
{
    for (size_t i = 0; i < g->nprocs; i++)
        if (g->procs[i].pid == pid && strcmp(g->procs[i].file, file) == 0)
            return &g->procs[i];
    if (!add)
        return NULL;
    g->procs = grow(g->procs, &g->capprocs, g->nprocs + 1, sizeof *g->procs);
    proc *p = &g->procs[g->nprocs++];
    p->pid = pid;
    copy_text(p->file, sizeof p->file, file);
    return p;
}

static shape *shape_of(gather *g, const char *routine, const char *kernel, const char *ta,
                       const char *tb, int64_t m, int64_t n, int64_t k)
{
    char key[160];
    shape_key(key, sizeof key, routine, g->by_kernel ? kernel : "", ta, tb, m, n, k);
    int ix = map_get(&g->shape_ix, key, 1, (int)g->nshapes);
    if (ix == (int)g->nshapes) {
        g->shapes = grow(g->shapes, &g->capshapes, g->nshapes + 1, sizeof *g->shapes);
        shape *s = &g->shapes[g->nshapes++];
        copy_text(s->routine, sizeof s->routine, routine);
        copy_text(s->kernel, sizeof s->kernel, kernel);
        copy_text(s->ta, sizeof s->ta, ta);
        copy_text(s->tb, sizeof s->tb, tb);
        s->m = m, s->n = n, s->k = k;
        s->min = INT64_MAX;
    } else if (!g->by_kernel && strcmp(g->shapes[ix].kernel, kernel) != 0) {
        snprintf(g->shapes[ix].kernel, sizeof g->shapes[ix].kernel, "mixed");
    }
    return &g->shapes[ix];
}

static void add_to(site_set *s, const char *key, int64_t count, int64_t wall, int64_t flops)
{
    int ix = map_get(&s->ix, key, 1, (int)s->n);
    if (ix == (int)s->n) {
        s->v = grow(s->v, &s->cap, s->n + 1, sizeof *s->v);
        copy_text(s->v[s->n++].caller, sizeof s->v[0].caller, key);
    }
    add_sat(&s->v[ix].count, count);
    add_sat(&s->v[ix].wall, wall);
    add_sat(&s->v[ix].flops, flops);
}

static void add_site(gather *g, const char *caller, const char *py_caller, json_t *py_stack,
                     int64_t count, int64_t wall, int64_t flops)
{
    add_to(&g->sites, caller ? caller : "(no call site recorded)", count, wall, flops);
    if (!py_caller)
        return;
    add_to(&g->lines, py_caller, count, wall, flops); /* a Python line: the "hot lines" */
    char key[sizeof g->stacks.v[0].caller];
    stack_key(key, sizeof key, py_caller, py_stack);
    add_to(&g->stacks, key, count, wall, flops);
}

/* ---- LAPACK calls and their children --------------------------------------------------- */

static void add_kid(kid *kids, int *n, const char *routine, int64_t count, int64_t wall)
{
    int i = 0;
    while (i < *n && strcmp(kids[i].routine, routine) != 0)
        i++;
    if (i == *n) {
        if (*n == LAPACK_KIDS)
            return;
        snprintf(kids[i].routine, sizeof kids[i].routine, "%s", routine);
        kids[i].count = kids[i].wall = 0;
        (*n)++;
    }
    kids[i].count += count;
    kids[i].wall += wall;
}

static pending *pending_of(gather *g, size_t proc, int64_t seq, int add)
{
    for (size_t i = 0; i < g->npend; i++)
        if (g->pend[i].proc == proc && g->pend[i].seq == seq)
            return &g->pend[i];
    if (!add)
        return NULL;
    g->pend = grow(g->pend, &g->cappend, g->npend + 1, sizeof *g->pend);
    pending *p = &g->pend[g->npend++];
    memset(p, 0, sizeof *p);
    p->proc = proc, p->seq = seq;
    return p;
}

/* A call that is a child (parent >= 0) waits for its parent; a LAPACK call (info not null)
 * takes the children that waited for it. */
static void on_nesting(gather *g, size_t proc, const bs_record *r)
{
    if (r->parent >= 0) {
        pending *p = pending_of(g, proc, r->parent, 1);
        p->wall += r->wall_ns;
        add_kid(p->kids, &p->nkids, r->routine, 1, r->wall_ns);
    }
    if (r->info == BS_NULL_I64)
        return;
    size_t i = 0;
    while (i < g->nlapacks && strcmp(g->lapacks[i].routine, r->routine) != 0)
        i++;
    if (i == g->nlapacks) {
        g->lapacks = grow(g->lapacks, &g->caplapacks, i + 1, sizeof *g->lapacks);
        snprintf(g->lapacks[i].routine, sizeof g->lapacks[i].routine, "%s", r->routine);
        g->nlapacks++;
    }
    lapack *l = &g->lapacks[i];
    l->count++;
    l->wall += r->wall_ns;
    l->failed += r->info != 0;
    pending *p = pending_of(g, proc, r->seq, 0);
    if (p) {
        l->kids_wall += p->wall;
        for (int k = 0; k < p->nkids; k++)
            add_kid(l->kids, &l->nkids, p->kids[k].routine, p->kids[k].count, p->kids[k].wall);
        *p = g->pend[--g->npend];
    }
}

static void on_header(void *ctx, const char *file, json_t *h)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, json_integer_value(json_object_get(h, "pid")), 1);
    p->start_mono = json_integer_value(json_object_get(h, "start_mono_ns"));
    p->ncpus = json_integer_value(json_object_get(h, "ncpus"));
    p->num_threads = json_integer_value(json_object_get(h, "num_threads"));
    p->blas_threads = json_integer_value(json_object_get(json_object_get(h, "blas"), "threads"));
    if (!g->headers)
        g->headers = json_array();
    json_array_append(g->headers, h);
    const char *model = json_string_value(json_object_get(h, "cpu_model"));
    if (model && !g->cpu_model[0])
        copy_text(g->cpu_model, sizeof g->cpu_model, model);
    const char *prog = json_string_value(json_array_get(json_object_get(h, "argv"), 0));
    const char *base = prog ? strrchr(prog, '/') : NULL;
    copy_text(p->prog, sizeof p->prog, base ? base + 1 : prog ? prog : "?");
    copy_text(p->host, sizeof p->host, str_of(h, "host", "?"));
    copy_text(p->cpu_model, sizeof p->cpu_model, str_of(h, "cpu_model", "?"));
    copy_text(p->real_blas, sizeof p->real_blas, str_of(h, "real_blas", "(none)"));
    copy_text(p->log, sizeof p->log, str_of(h, "log", "calls"));
    /* "sgemm=system dgemm=vectorized", as much as fits */
    const char *key;
    json_t *v;
    size_t used = 0;
    p->kernels[0] = '\0';
    json_object_foreach(json_object_get(h, "kernels"), key, v)
    {
        char one[96];
        snprintf(one, sizeof one, "%s%s=%s", used ? " " : "", key,
                 json_is_string(v) ? json_string_value(v) : "?");
        if (used + strlen(one) >= sizeof p->kernels)
            break;
        copy_text(p->kernels + used, sizeof p->kernels - used, one);
        used += strlen(p->kernels + used);
    }
}

static void count_in(proc *p, int64_t calls, int64_t wall, int64_t flops)
{
    add_sat(&p->calls, calls);
    add_sat(&p->wall, wall);
    add_sat(&p->flops, flops);
}

/* a * b, saturating at INT64_MAX (both >= 0) */
static int64_t mul_sat(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

int64_t gemm_bytes(const char *routine, int64_t m, int64_t n, int64_t k)
{
    if (strlen(routine) != 5 || strcmp(routine + 1, "gemm") != 0 || m < 0 || n < 0 || k < 0)
        return 0;
    const int64_t elem = routine[0] == 's' ? 4 : routine[0] == 'z' ? 16 : 8; /* d and c: 8 */
    int64_t elems = mul_sat(m, k);
    add_sat(&elems, mul_sat(k, n));
    add_sat(&elems, mul_sat(m, n));
    return mul_sat(elems, elem);
}

/* The first call of a shape in each process runs cold (page faults, the BLAS's thread pool
 * and buffers starting): compare keeps it apart. */
static void add_time(gather *g, proc *p, shape *s, int64_t ns)
{
    char key[64];
    snprintf(key, sizeof key, "%td|%td", p - g->procs, s - g->shapes);
    int seen = map_get(&g->first_ix, key, 0, 0) >= 0;
    if (!seen)
        map_get(&g->first_ix, key, 1, 1);
    samples_add(seen ? &s->warm : &s->cold, ns);
}

/* The kernels that ran the gemm calls name a side of a comparison (any calls when none). */
static void note_kernel(gather *g, const char *routine, const char *kernel)
{
    int gemm = !strcmp(routine, "sgemm") || !strcmp(routine, "dgemm");
    if (gemm && !g->kernels_gemm)
        g->nkernels = 0, g->kernels_gemm = 1;
    if (g->kernels_gemm && !gemm)
        return;
    for (int i = 0; i < g->nkernels; i++)
        if (!strcmp(g->kernels[i], kernel))
            return;
    if (g->nkernels < 8)
        copy_text(g->kernels[g->nkernels++], sizeof g->kernels[0], kernel);
}

/* the calls of a thread go to the phase its last mark opened */
static phase *phase_of(gather *g, const char *file, int64_t pid, int64_t tid, const char *mark,
                       int64_t ts)
{
    char key[300];
    snprintf(key, sizeof key, "%s|%lld|%lld", file, (long long)pid, (long long)tid);
    int ix = map_get(&g->thread_ix, key, 0, 0);
    if (ix >= 0 && (!mark || g->nphases >= MAX_PHASES)) {
        g->phases_cut |= mark != NULL;
        return &g->phases[ix];
    }
    if (ix >= 0)
        g->phases[ix].end_ts = ts;
    if (g->nphases >= MAX_PHASES) {
        g->phases_cut = 1;
        return NULL;
    }
    g->phases = grow(g->phases, &g->capphases, g->nphases + 1, sizeof *g->phases);
    phase *ph = &g->phases[g->nphases];
    copy_text(ph->name, sizeof ph->name, mark ? mark : "(start)");
    ph->pid = pid, ph->tid = tid, ph->order = (int64_t)g->nphases;
    ph->start_ts = mark ? ts : -1;
    ph->end_ts = -1;
    map_put(&g->thread_ix, key, (int)g->nphases);
    return &g->phases[g->nphases++];
}

static void on_call(void *ctx, const char *file, const bs_call_view *c)
{
    gather *g = ctx;
    const bs_record *r = &c->r;
    proc *p = proc_of(g, file, r->pid, 1);
    shape *s = shape_of(g, r->routine, r->kernel, or_dash(r->transa), or_dash(r->transb), r->m,
                        r->n, r->k);
    const int64_t flops = r->flops > 0 ? r->flops : 0;
    s->count++;
    add_sat(&s->wall, r->wall_ns);
    add_sat(&s->flops, flops);
    if (r->a_bytes >= 0 && r->b_bytes >= 0 && r->c_bytes >= 0)
        add_sat(&s->bytes, r->a_bytes), add_sat(&s->bytes, r->b_bytes),
            add_sat(&s->bytes, r->c_bytes);
    /* the threads that worked on it: recorded, else (system, older reports) the real BLAS's
     * count from the header, else every CPU */
    add_sat(&s->thread_sum, r->threads > 0        ? r->threads
                            : p->blas_threads > 0 ? p->blas_threads
                            : p->ncpus > 0        ? p->ncpus
                                                  : 1);
    if (g->keep_samples)
        add_time(g, p, s, r->wall_ns);
    if (r->max_rel_err >= 0) {
        if (s->verified++ == 0 || r->max_rel_err > s->worst_err)
            s->worst_err = r->max_rel_err;
        s->nonfinite += r->nonfinite > 0;
        g->verified++;
    }
    note_kernel(g, r->routine, r->kernel);
    phase *ph = phase_of(g, file, r->pid, r->tid, NULL, r->ts_ns);
    if (ph) {
        ph->calls++;
        add_sat(&ph->wall, r->wall_ns);
        add_sat(&ph->flops, flops);
    }
    if (r->wall_ns < s->min)
        s->min = r->wall_ns;
    if (r->wall_ns > s->max)
        s->max = r->wall_ns;
    s->hist[bs_hist_bucket(r->wall_ns)]++;
    s->hist_count++;
    on_nesting(g, (size_t)(p - g->procs), r);
    if (r->depth > 0) { /* inside a LAPACK call, whose time already holds it: counted once */
        g->nested++;
    } else {
        add_site(g, r->caller, r->py_caller, c->py_stack, 1, r->wall_ns, flops);
        g->calls++;
        add_sat(&g->wall, r->wall_ns);
        add_sat(&g->flops, flops);
        count_in(p, 1, r->wall_ns, flops);
    }
    if (p->first_ts == 0 || r->ts_ns < p->first_ts)
        p->first_ts = r->ts_ns;
    if (r->ts_ns + r->wall_ns > p->last_end)
        p->last_end = r->ts_ns + r->wall_ns;
}

static void on_aggregate(void *ctx, const char *file, json_t *a)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, int_of(a, "pid"), 1);
    int64_t count = int_of(a, "count"), wall = int_of(a, "wall_ns"), flops = int_of(a, "flops");
    json_t *m = json_object_get(a, "m"), *n = json_object_get(a, "n"), *k = json_object_get(a, "k");
    shape *s = shape_of(g, str_of(a, "routine", "other"), str_of(a, "kernel", "?"),
                        str_of(a, "transa", "-"), str_of(a, "transb", "-"),
                        json_is_integer(m) ? json_integer_value(m) : -1,
                        json_is_integer(n) ? json_integer_value(n) : -1,
                        json_is_integer(k) ? json_integer_value(k) : -1);
    add_sat(&s->count, count);
    add_sat(&s->wall, wall);
    add_sat(&s->flops, flops);
    add_sat(&s->bytes, mul_sat(count, gemm_bytes(s->routine, s->m, s->n, s->k)));
    /* threads as for a call: parallel's from the header, the real BLAS's (else every CPU)
     * for system, else 1 */
    const int64_t threads = !strcmp(s->kernel, "parallel") && p->num_threads > 0  ? p->num_threads
                            : !strcmp(s->kernel, "system") && p->blas_threads > 0 ? p->blas_threads
                            : !strcmp(s->kernel, "system") && p->ncpus > 0        ? p->ncpus
                                                                                  : 1;
    add_sat(&s->thread_sum, mul_sat(count, threads));
    if (!json_is_true(json_object_get(a, "other")))
        note_kernel(g, s->routine, str_of(a, "kernel", "?"));
    int64_t mn = int_of(a, "min_ns"), mx = int_of(a, "max_ns");
    if (mn < s->min)
        s->min = mn;
    if (mx > s->max)
        s->max = mx;
    if (json_is_true(json_object_get(a, "nested"))) { /* inside LAPACK calls: counted there */
        g->nested += count;
        return;
    }
    add_site(g, json_string_value(json_object_get(a, "caller")),
             json_string_value(json_object_get(a, "py_caller")), NULL, count, wall, flops);
    add_sat(&g->calls, count);
    add_sat(&g->wall, wall);
    add_sat(&g->flops, flops);
    count_in(p, count, wall, flops);
}

static void on_summary(void *ctx, const char *file, json_t *s)
{
    gather *g = ctx;
    proc *p = proc_of(g, file, int_of(s, "pid"), 1);
    p->elapsed = int_of(s, "elapsed_ns");
    p->has_summary = 1;
}

static void on_mark(void *ctx, const char *file, json_t *m)
{
    gather *g = ctx;
    g->marks++;
    phase_of(g, file, int_of(m, "pid"), int_of(m, "tid"), str_of(m, "name", "?"),
             int_of(m, "ts_ns"));
}

int read_all(char **files, int nfiles, const bs_reader_handler *h, int with_aggregates)
{
    int rc = 0;
    long calls = 0;
    for (int i = 0; i < nfiles; i++) {
        bs_read_stats st;
        int r = bs_read_report(files[i], h, &st);
        add_sat(&calls, st.calls + (with_aggregates ? st.aggregates : 0));
        if (r > rc)
            rc = r;
    }
    if (rc < 2 && calls == 0) {
        fprintf(stderr, PROG ": no call records in %s%s\n", files[0], nfiles > 1 ? " ..." : "");
        rc = 2;
    }
    return rc;
}

bs_reader_handler gather_handler(gather *g)
{
    return (bs_reader_handler){g, on_header, on_call, on_aggregate, on_mark, on_summary};
}

static void map_free(map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

void gather_free(gather *g)
{
    for (size_t i = 0; i < g->nshapes; i++)
        samples_free(&g->shapes[i].warm), samples_free(&g->shapes[i].cold);
    free(g->shapes), free(g->procs), free(g->phases);
    site_set *sets[] = {&g->sites, &g->lines, &g->stacks};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        free(sets[i]->v), map_free(&sets[i]->ix);
    map_free(&g->shape_ix);
    map_free(&g->first_ix), map_free(&g->thread_ix);
    json_decref(g->headers);
    memset(g, 0, sizeof *g);
}

int gather_reports(gather *g, char **files, int nfiles)
{
    bs_reader_handler h = gather_handler(g);
    return read_all(files, nfiles, &h, 1);
}
