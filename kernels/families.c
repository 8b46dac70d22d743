/* kernels/families.c — the microkernel families, best first: the one list the drivers, the
 * report header, the tests and the benchmark iterate. Each entry is defined by its ukr_*.c. */
#include <strings.h>

#include "ukernel.h"

extern const bs_family bs_family_avx512, bs_family_avx2, bs_family_sse2;

const bs_family *const bs_families[] = {
    &bs_family_avx512, &bs_family_avx2, &bs_family_sse2, &bs_family_generic, NULL,
};

const bs_family *bs_family_find(const char *name)
{
    for (const bs_family *const *f = bs_families; *f; f++)
        if (strcasecmp((*f)->name, name) == 0)
            return *f;
    return NULL;
}
