/* kernels/registry.c — the table of compute kernels a user can select by name. */
#include <strings.h>

#include "gemm.h"

const bs_kernel bs_kernels[] = {
    {"naive", bs_sgemm_naive, bs_dgemm_naive},
    {NULL, NULL, NULL},
};

const bs_kernel *bs_kernel_find(const char *name)
{
    for (const bs_kernel *k = bs_kernels; k->name; k++)
        if (strcasecmp(k->name, name) == 0)
            return k;
    return NULL;
}
