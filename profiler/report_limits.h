/* profiler/report_limits.h — how the report file is opened and how large it may grow. */
#ifndef BS_PROFILER_REPORT_LIMITS_H
#define BS_PROFILER_REPORT_LIMITS_H

#include <stdint.h>

#define BS_MAX_REPORT_DEFAULT (1LL << 30) /* 1 GiB */

typedef struct bs_report_limits {
    int64_t max_bytes; /* BLASSHIM_MAX_REPORT: call lines stop past it; 0 = no bound */
    int exclusive;     /* the default name: a new file only (the next free name if it exists) */
    int follow;        /* BLASSHIM_REPORT_FOLLOW=1: an explicit path may end in a symlink */
    unsigned mode;     /* BLASSHIM_REPORT_MODE: permission bits of a report the shim creates */
} bs_report_limits;

/* Set before bs_report_setup; without it: 1 GiB, explicit path, no symlinks, mode 0600. */
void bs_report_set_limits(const bs_report_limits *l);

#endif
