/* shim/realblas.c — finding the real (system) BLAS routines behind the shim.
 *
 * Candidates, in order of preference: BLASSHIM_REAL_BLAS=/path; the libraries already loaded
 * in the process (a Python extension loads its BLAS with RTLD_LOCAL, where dlsym(RTLD_NEXT)
 * sees nothing); and, only if the kernel routines are still missing, dlopen of the usual
 * sonames. Every routine's symbol is looked up along this one list (bs_real_lookup); a symbol
 * that resolves into the shim itself is never taken.
 */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

#define MAX_CANDIDATES 1024

static struct {
    void *handle; /* a reference is kept: the routines used cannot be unloaded under us */
    char *name;   /* a loaded library: the symbol must be defined in this very object */
} cands[MAX_CANDIDATES];
static int ncands;

static void *real[2][BS_R_COUNT];
static char real_path[PATH_MAX];
static const char *self_path;

static const char *const sonames[] = {"libcblas.so.3", "libblas.so.3", "libopenblas.so.0", NULL};

static void add_candidate(void *handle, const char *name)
{
    if (handle && ncands < MAX_CANDIDATES) {
        cands[ncands].handle = handle;
        cands[ncands].name = name ? strdup(name) : NULL;
        ncands++;
    }
}

/* The object that defines address p, or NULL. */
static const char *definer(void *p)
{
    Dl_info info;
    return dladdr(p, &info) && info.dli_fname ? info.dli_fname : NULL;
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

/* Look the kernel routines up along the candidates; returns how many are still missing. */
static int resolve_kernel_routines(void)
{
    int missing = 0;
    for (int api = 0; api < 2; api++)
        for (int r = 0; r < BS_R_COUNT; r++) {
            char name[64];
            snprintf(name, sizeof name, api == BS_API_CBLAS ? "cblas_%s" : "%s_",
                     bs_routine_names[r]);
            real[api][r] = bs_real_lookup(name);
            missing += !real[api][r];
            if (real[api][r] && !real_path[0])
                snprintf(real_path, sizeof real_path, "%s", definer(real[api][r]));
        }
    return missing;
}

typedef struct object_list {
    int n;
    char *names[MAX_CANDIDATES];
} object_list;

static int collect(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    object_list *l = data;
    const char *n = info->dlpi_name;
    if (!n || !*n || strstr(n, "linux-vdso") || (self_path && strcmp(n, self_path) == 0))
        return 0;
    if (l->n < MAX_CANDIDATES)
        l->names[l->n++] = strdup(n);
    return 0;
}

static void add_loaded_libraries(void)
{
    static object_list l;
    l.n = 0;
    dl_iterate_phdr(collect, &l); /* no dlopen inside the callback: the loader lock is held */
    for (int i = 0; i < l.n; i++) {
        if (l.names[i])
            add_candidate(dlopen(l.names[i], RTLD_LAZY | RTLD_NOLOAD), l.names[i]);
        free(l.names[i]);
    }
}

void bs_real_init(const char *user_path)
{
    Dl_info me;
    if (dladdr((void *)bs_real_init, &me) && me.dli_fname)
        self_path = me.dli_fname;
    if (user_path) {
        void *h = dlopen(user_path, RTLD_NOW | RTLD_LOCAL);
        if (!h)
            bs_warn("BLASSHIM_REAL_BLAS=%s cannot be loaded (%s); searching the loaded libraries",
                    user_path, dlerror());
        else if (!dlsym(h, "dgemm_") && !dlsym(h, "cblas_dgemm") && !dlsym(h, "sgemm_") &&
                 !dlsym(h, "cblas_sgemm"))
            bs_warn("BLASSHIM_REAL_BLAS=%s has no BLAS routines (no dgemm_, cblas_dgemm, sgemm_ "
                    "or cblas_sgemm); searching the loaded libraries",
                    user_path);
        add_candidate(h, NULL);
    }
    add_loaded_libraries();
    for (int i = 0; resolve_kernel_routines() && sonames[i]; i++)
        add_candidate(dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL), NULL);
}

void *bs_real_sym(bs_api api, bs_routine r) { return real[api][r]; }

const char *bs_real_path(void) { return real_path[0] ? real_path : NULL; }
