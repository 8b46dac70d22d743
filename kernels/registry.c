/* kernels/registry.c — the table of compute kernels a user can select by name. */
#include <strings.h>

#include "gemm.h"

const bs_kernel bs_kernels[] = {
#define BS_KERNEL_ENTRY(name) {#name, bs_sgemm_##name, bs_dgemm_##name},
    BS_KERNEL_ENTRY(naive) BS_KERNEL_ENTRY(blocked) BS_KERNEL_ENTRY(vectorized)
        BS_KERNEL_ENTRY(parallel) BS_KERNEL_ENTRY(auto)
#undef BS_KERNEL_ENTRY
            {NULL, NULL, NULL},
};

const bs_kernel *bs_kernel_find(const char *name)
{
    /* the registry's own name (bs_kernel_info.ran on every auto call): no string compare */
    for (const bs_kernel *k = bs_kernels; k->name; k++)
        if (k->name == name)
            return k;
    for (const bs_kernel *k = bs_kernels; k->name; k++)
        if (strcasecmp(k->name, name) == 0)
            return k;
    return NULL;
}
