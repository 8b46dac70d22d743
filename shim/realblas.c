/* shim/realblas.c — finding the real (system) BLAS routines behind the shim.
 *
 * Order: BLASSHIM_REAL_BLAS=/path; else the libraries already loaded in the process
 * (a Python extension loads its BLAS with RTLD_LOCAL, where dlsym(RTLD_NEXT) sees nothing);
 * else dlopen of the usual sonames. A symbol that resolves into the shim itself is never taken.
 */

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

#define MAX_OBJECTS 512

static void *real[2][BS_R_COUNT];

/* every library the routines may come from, in the order of preference, kept for the lookup
 * of the other routines' symbols (bs_real_lookup) */
#define MAX_CANDIDATES 64
static struct {
    void *handle;
    char *name; /* when set, the symbol must be defined in this very object */
} cands[MAX_CANDIDATES];
static int ncands;

static void keep_candidate(void *handle, const char *name)
{
    if (ncands < MAX_CANDIDATES) {
        cands[ncands].handle = handle;
        cands[ncands].name = name ? strdup(name) : NULL;
        ncands++;
    }
}
static char real_path[PATH_MAX];
static const char *self_path;

typedef struct candidate {
    void *handle;
    const char *name; /* when set, the symbol must be defined in this very object */
} candidate;

static const char *const sonames[] = {"libcblas.so.3", "libblas.so.3", "libopenblas.so.0", NULL};

static const char *symbol_name(bs_api api, bs_routine r, char *buf, size_t cap)
{
    snprintf(buf, cap, api == BS_API_CBLAS ? "cblas_%s" : "%s_", bs_routine_names[r]);
    return buf;
}

/* The object that defines address p, or NULL. */
static const char *definer(void *p)
{
    Dl_info info;
    return dladdr(p, &info) && info.dli_fname ? info.dli_fname : NULL;
}

/* Take every still-missing symbol that this candidate provides. Returns how many remain. */
static int take_from(const candidate *c)
{
    int missing = 0;
    for (int api = 0; api < 2; api++)
        for (int r = 0; r < BS_R_COUNT; r++) {
            if (real[api][r])
                continue;
            char name[64];
            void *p = dlsym(c->handle, symbol_name((bs_api)api, (bs_routine)r, name, sizeof name));
            const char *def = p ? definer(p) : NULL;
            int ok = p && def && (!self_path || strcmp(def, self_path) != 0) &&
                     (!c->name || strcmp(def, c->name) == 0);
            if (ok) {
                real[api][r] = p;
                if (!real_path[0])
                    snprintf(real_path, sizeof real_path, "%s", def);
            } else {
                missing++;
            }
        }
    return missing;
}

typedef struct object_list {
    int n;
    char *names[MAX_OBJECTS];
} object_list;

static int collect(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    object_list *l = data;
    const char *n = info->dlpi_name;
    if (!n || !*n || strstr(n, "linux-vdso") || (self_path && strcmp(n, self_path) == 0))
        return 0;
    if (l->n < MAX_OBJECTS)
        l->names[l->n++] = strdup(n);
    return 0;
}

static int search_loaded(void)
{
    object_list l = {0};
    dl_iterate_phdr(collect, &l); /* no dlopen inside the callback: the loader lock is held */
    int missing = 1;
    for (int i = 0; i < l.n; i++) {
        if (!l.names[i])
            continue;
        void *h = dlopen(l.names[i], RTLD_LAZY | RTLD_NOLOAD);
        if (h)
            keep_candidate(h, l.names[i]);
        if (h && missing) {
            candidate c = {h, l.names[i]};
            missing = take_from(&c); /* the reference NOLOAD took is kept: the routines
                                        we use cannot be unloaded under us */
        }
        free(l.names[i]);
    }
    return missing;
}

void bs_real_find(const char *user_path)
{
    Dl_info me;
    if (dladdr((void *)bs_real_find, &me) && me.dli_fname)
        self_path = me.dli_fname;

    int missing = 1;
    if (user_path) {
        void *h = dlopen(user_path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            bs_warn("BLASSHIM_REAL_BLAS=%s cannot be loaded (%s); searching the loaded libraries",
                    user_path, dlerror());
        } else {
            keep_candidate(h, NULL);
            candidate c = {h, NULL};
            missing = take_from(&c);
        }
    }
    int missing_loaded = search_loaded(); /* also lists every loaded library for lookups */
    if (missing)
        missing = missing_loaded;
    for (int i = 0; missing && sonames[i]; i++) {
        void *h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (h) {
            keep_candidate(h, NULL);
            candidate c = {h, NULL};
            missing = take_from(&c);
        }
    }
}

void *bs_real_lookup(const char *name)
{
    for (int i = 0; i < ncands; i++) {
        void *p = dlsym(cands[i].handle, name);
        const char *def = p ? definer(p) : NULL;
        if (p && def && (!self_path || strcmp(def, self_path) != 0) &&
            (!cands[i].name || strcmp(def, cands[i].name) == 0))
            return p;
    }
    return NULL;
}

void *bs_real_sym(bs_api api, bs_routine r) { return real[api][r]; }

const char *bs_real_path(void) { return real_path[0] ? real_path : NULL; }
