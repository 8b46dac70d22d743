/* shim/realinfo.c — what the real BLAS is: its file, vendor and version, and what it says
 * about itself. Only read-only queries are asked (openblas_get_config, _corename,
 * _num_threads, _parallel; bli_info_get_version_str; mkl_get_version_string,
 * mkl_get_max_threads): no setter, nothing that starts a thread pool. They are looked up in
 * the library the routines come from and its dependencies (dlsym on its handle), so a BLAS
 * named by BLASSHIM_REAL_BLAS is described, not another one the program also loaded; Debian's
 * OpenBLAS libblas.so.3 is a thin wrapper whose queries live in libopenblas.so.0. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

static struct {
    char file[PATH_MAX], library[PATH_MAX], version[64], config[512], core[64];
    int (*get_threads)(void); /* the library's current thread count, or NULL */
    int fixed_threads;        /* reference BLAS: 1; else -1 */
} I = {.fixed_threads = -1};

/* A query by its plain name, or as an ILP64 build spells it (suffix 64_, scipy_ prefix). */
static void *query(void *h, const char *name)
{
    static const char *const forms[] = {"%s", "%s64_", "scipy_%s64_"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char sym[96];
        snprintf(sym, sizeof sym, forms[i], name);
        void *p = dlsym(h, sym);
        if (p)
            return p;
    }
    return NULL;
}

static void library_of(void *sym)
{
    Dl_info d;
    if (dladdr(sym, &d) && d.dli_fname && !realpath(d.dli_fname, I.library))
        snprintf(I.library, sizeof I.library, "%s", d.dli_fname);
}

/* "OpenBLAS 0.3.21 DYNAMIC_ARCH ..." or "... Version 2023.0.0 ...": the first token that
 * starts with a digit after the word given */
static void version_after(const char *text, const char *word)
{
    const char *p = strstr(text, word);
    if (!p)
        return;
    p += strlen(word);
    while (*p == ' ')
        p++;
    if (*p >= '0' && *p <= '9')
        snprintf(I.version, sizeof I.version, "%.*s", (int)strcspn(p, " ,;"), p);
}

static const char *ask_openblas(void *h)
{
    char *(*config)(void) = (char *(*)(void))query(h, "openblas_get_config");
    if (!config)
        return NULL;
    library_of((void *)config);
    char *(*core)(void) = (char *(*)(void))query(h, "openblas_get_corename");
    int (*parallel)(void) = (int (*)(void))query(h, "openblas_get_parallel");
    const char *cfg = config();
    snprintf(I.config, sizeof I.config, "%s", cfg ? cfg : "");
    version_after(I.config, "OpenBLAS");
    const char *c = core ? core() : NULL;
    snprintf(I.core, sizeof I.core, "%s", c ? c : "");
    I.get_threads = (int (*)(void))query(h, "openblas_get_num_threads");
    static const char *const kinds[] = {"sequential", "pthreads", "openmp"};
    int par = parallel ? parallel() : -1;
    return par >= 0 && par <= 2 ? kinds[par] : "";
}

static int ask_blis(void *h)
{
    const char *(*version)(void) = (const char *(*)(void))query(h, "bli_info_get_version_str");
    if (!version)
        return 0;
    library_of((void *)version);
    const char *v = version();
    snprintf(I.version, sizeof I.version, "%s", v ? v : "");
    snprintf(I.config, sizeof I.config, "BLIS %s", I.version);
    return 1;
}

static int ask_mkl(void *h)
{
    void (*version)(char *, int) = (void (*)(char *, int))dlsym(h, "mkl_get_version_string");
    if (!version)
        return 0;
    library_of((void *)version);
    version(I.config, (int)sizeof I.config);
    I.config[sizeof I.config - 1] = '\0';
    version_after(I.config, "Version");
    I.get_threads = (int (*)(void))dlsym(h, "mkl_get_max_threads");
    return 1;
}

/* Netlib's reference BLAS has no queries: it is told by its file name (libblas.so.3.11.0,
 * librefblas), its version from that name's suffix; it runs every call on one thread. */
static int reference_file(void)
{
    const char *base = strrchr(I.file, '/');
    base = base ? base + 1 : I.file;
    if (strncmp(base, "libblas.so", 10) && strncmp(base, "libcblas.so", 11) &&
        strncmp(base, "librefblas", 10))
        return 0;
    const char *v = strstr(base, ".so.");
    if (v && strchr(v + 4, '.'))
        snprintf(I.version, sizeof I.version, "%s", v + 4);
    I.fixed_threads = 1;
    return 1;
}

void bs_real_describe(bs_blas_identity *id)
{
    memset(id, 0, sizeof *id);
    id->threads = -1;
    const char *path = bs_real_path();
    if (!path)
        return;
    if (!realpath(path, I.file))
        snprintf(I.file, sizeof I.file, "%s", path);
    id->file = I.file;
    void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD); /* already loaded: only a reference */
    const char *par = h ? ask_openblas(h) : NULL;
    id->vendor = par                ? "OpenBLAS"
                 : h && ask_blis(h) ? "BLIS"
                 : h && ask_mkl(h)  ? "MKL"
                 : reference_file() ? "reference"
                                    : "unknown";
    if (h)
        dlclose(h);
    id->library = I.library[0] ? I.library : NULL;
    id->version = I.version[0] ? I.version : NULL;
    id->config = I.config[0] ? I.config : NULL;
    id->core = I.core[0] ? I.core : NULL;
    id->parallel = par && *par ? par : I.fixed_threads == 1 ? "sequential" : NULL;
    id->threads = bs_real_threads();
}

int bs_real_threads(void)
{
    if (I.get_threads) {
        int t = I.get_threads();
        return t > 0 ? t : -1;
    }
    return I.fixed_threads;
}
