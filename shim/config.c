/* shim/config.c — the BLASSHIM_* environment variables, read once.
 * A bad value never stops the program: one line on stderr naming the valid choices,
 * then the default. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shim.h"

bs_config bs_cfg;

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void kernel_choices(char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "system");
    for (const bs_kernel *k = bs_kernels; k->name && o < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, ", %s", k->name);
}

/* Parse a kernel name into *out (NULL = system). Returns 0, or -1 after a warning. */
static int parse_kernel(const char *var, const char *val, const bs_kernel **out)
{
    if (strcasecmp(val, "system") == 0) {
        *out = NULL;
        return 0;
    }
    const bs_kernel *k = bs_kernel_find(val);
    if (k) {
        *out = k;
        return 0;
    }
    char choices[256];
    kernel_choices(choices, sizeof choices);
    bs_warn("%s=%s is not a kernel (choose one of: %s); using system", var, val, choices);
    return -1;
}

void bs_config_read(void)
{
    const bs_kernel *all = NULL;
    const char *v = env("BLASSHIM_KERNEL");
    if (v)
        parse_kernel("BLASSHIM_KERNEL", v, &all);
    for (int r = 0; r < BS_R_COUNT; r++) {
        char var[64];
        int n = snprintf(var, sizeof var, "BLASSHIM_KERNEL_%s", bs_routine_names[r]);
        for (int i = 0; i < n; i++)
            var[i] = (char)toupper((unsigned char)var[i]);
        bs_cfg.kernel[r] = all;
        v = env(var);
        if (v && parse_kernel(var, v, &bs_cfg.kernel[r]) != 0)
            bs_cfg.kernel[r] = NULL;
    }

    v = env("BLASSHIM_REAL_BLAS");
    bs_cfg.real_none = v && strcasecmp(v, "none") == 0;
    bs_cfg.real_path = v && !bs_cfg.real_none ? v : NULL;

    v = env("BLASSHIM_REPORT");
    if (v && strcasecmp(v, "off") == 0)
        bs_cfg.report = NULL;
    else
        bs_cfg.report = v ? v : "blasshim-%p.jsonl";
}
