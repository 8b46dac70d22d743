/* profiler/pyframe.h — which line of the user's Python code made a BLAS call. */
#ifndef BS_PROFILER_PYFRAME_H
#define BS_PROFILER_PYFRAME_H

#include "schema.h"

/* At set-up: enabled (BLASSHIM_PYTHON), frames to keep (BLASSHIM_PYSTACK, >= 1), user
 * (BLASSHIM_PYCALLER=user: name the innermost frame of the user's code, not the innermost
 * frame), lib (BLASSHIM_PYLIB: more library directories, ':'-separated, or NULL). Looks for a
 * CPython interpreter in the process; in a process without one it does nothing, silently; on
 * a Python version it does not support it prints one note and does nothing. */
void bs_py_setup(int enabled, int nframes, int user, const char *lib);

/* The calling thread's Python call site as "path/file.py:LINE in function" strings that stay
 * valid for the life of the process. *caller: the innermost frame of user code (user mode; the
 * innermost frame when every frame is library code), else the innermost frame; NULL when the
 * thread runs no Python code (a C thread, or no interpreter). *frame: the innermost frame when
 * it is not *caller's, else NULL. frames (only with more than one frame): *caller's frame and,
 * outward from it, the next user frames (all frames when *caller is the innermost). */
void bs_py_capture(const char **caller, const char **frame, bs_frames *frames);

#endif
