/* profiler/blasinfo.h — the header's account of the real BLAS: what it says about itself and
 * the environment variables that change what it does. */
#ifndef BS_PROFILER_BLASINFO_H
#define BS_PROFILER_BLASINFO_H

#include <jansson.h>

#include "sink.h"

/* Keep a copy of the identity (its strings are the caller's) for the header. */
void bs_blas_keep(const bs_blas_identity *id);

/* The header's "blas" object: file, library, vendor, version, config, core, parallel, threads
 * (null where unknown). */
json_t *bs_blas_json(void);

/* The header's "blas_env": every OPENBLAS_*, GOTO*, OMP_*, MKL_*, BLIS_*, BLASSHIM_* variable
 * of the process's environment, by name. */
json_t *bs_blas_env_json(void);

#endif
