/* common/machine_cache.h — where this machine's measured peak and bandwidth are kept: one small
 * JSON file keyed by CPU model, $XDG_CACHE_HOME/blasshim/machines.json (an absolute
 * XDG_CACHE_HOME; else ~/.cache/blasshim/). The report tool writes it (report/cache.c); the
 * launcher's `info` reads it. */
#ifndef BS_COMMON_MACHINE_CACHE_H
#define BS_COMMON_MACHINE_CACHE_H

#include <stdio.h>
#include <stdlib.h>

#define BS_MACHINE_CACHE_FILE "machines.json"

/* The cache directory into buf; 0, or -1 when there is none (no usable XDG_CACHE_HOME or HOME)
 * or it does not fit with room for the file name after it. */
static inline int bs_machine_cache_dir(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n = xdg && xdg[0] == '/' ? snprintf(buf, cap, "%s/blasshim", xdg)
            : home && *home      ? snprintf(buf, cap, "%s/.cache/blasshim", home)
                                 : -1;
    return n > 0 && (size_t)n < cap - 32 ? 0 : -1;
}

#endif
