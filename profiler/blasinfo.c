/* profiler/blasinfo.c — the real BLAS in the report header. A comparison of two runs is only
 * fair when both ran the same BLAS the same way, so the header says which library it was,
 * what it says about itself and every environment variable that changes its behaviour
 * (OPENBLAS_CORETYPE alone can halve OpenBLAS's speed). */
#include "blasinfo.h"

#include <stdlib.h>
#include <string.h>

#include "process.h"

extern char **environ;

#define TEXT_CAP 1024

static struct {
    char file[TEXT_CAP], library[TEXT_CAP], vendor[64], version[64], config[TEXT_CAP], core[64],
        parallel[32];
    int threads;
    int known;
} B = {.threads = -1};

static void copy(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

void bs_blas_keep(const bs_blas_identity *id)
{
    copy(B.file, sizeof B.file, id->file);
    copy(B.library, sizeof B.library, id->library);
    copy(B.vendor, sizeof B.vendor, id->vendor);
    copy(B.version, sizeof B.version, id->version);
    copy(B.config, sizeof B.config, id->config);
    copy(B.core, sizeof B.core, id->core);
    copy(B.parallel, sizeof B.parallel, id->parallel);
    B.threads = id->threads;
    B.known = id->file != NULL;
}

static json_t *text_or_null(const char *s) { return *s ? bs_json_text(s) : json_null(); }

json_t *bs_blas_json(void)
{
    if (!B.known)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "file", text_or_null(B.file));
    json_object_set_new(o, "library", text_or_null(B.library));
    json_object_set_new(o, "vendor", text_or_null(B.vendor));
    json_object_set_new(o, "version", text_or_null(B.version));
    json_object_set_new(o, "config", text_or_null(B.config));
    json_object_set_new(o, "core", text_or_null(B.core));
    json_object_set_new(o, "parallel", text_or_null(B.parallel));
    json_object_set_new(o, "threads", B.threads > 0 ? json_integer(B.threads) : json_null());
    return o;
}

static const char *const prefixes[] = {"OPENBLAS_", "GOTO", "OMP_", "MKL_", "BLIS_", "BLASSHIM_"};

static int blas_variable(const char *entry)
{
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *bs_blas_env_json(void)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n += blas_variable(*e);
    const char **found = n ? malloc(n * sizeof *found) : NULL;
    size_t k = 0;
    for (char **e = environ; found && *e && k < n; e++)
        if (blas_variable(*e))
            found[k++] = *e;
    if (found)
        qsort(found, k, sizeof *found, by_name); /* the same variables, the same order */
    json_t *o = json_object();
    for (size_t i = 0; i < k; i++) {
        const char *eq = strchr(found[i], '=');
        if (!eq)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - found[i]), found[i]);
        json_object_set_new(o, name, bs_json_text(eq + 1));
    }
    free(found);
    return o;
}
