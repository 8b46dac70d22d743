/* profiler/pyframe.h — which line of the user's Python code made a BLAS call. */
#ifndef BS_PROFILER_PYFRAME_H
#define BS_PROFILER_PYFRAME_H

#include "schema.h"

/* At set-up: enabled (BLASSHIM_PYTHON), frames to keep (BLASSHIM_PYSTACK, >= 1). Looks for a
 * CPython interpreter in the process; in a process without one it does nothing, silently; on
 * a Python version it does not support it prints one note and does nothing. */
void bs_py_setup(int enabled, int nframes);

/* The calling thread's innermost Python frames as "path/file.py:LINE in function" strings
 * that stay valid for the life of the process. *caller = NULL when the thread runs no Python
 * code (a C thread, or no interpreter); frames->n is set only with more than one frame. */
void bs_py_capture(const char **caller, bs_frames *frames);

#endif
