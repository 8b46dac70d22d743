/* profiler/backtrace.h — who called BLAS: the call site, with libunwind. */
#ifndef BS_PROFILER_BACKTRACE_H
#define BS_PROFILER_BACKTRACE_H

#include "schema.h"

/* Frames to keep per call: 0 = off, at most BS_MAX_FRAMES. Call once at set-up. */
void bs_backtrace_setup(int nframes);

/* The first frames outside the shim, as "function+0xoffset (module)" strings that stay valid
 * for the life of the process (each distinct address is symbolized once and cached). With 0
 * frames configured: *caller = NULL and no frames. frames->n is set only when more than one
 * frame is configured. return_address: where the shim's exported entry point returns to
 * (__builtin_return_address(0) there); with one frame configured it is the whole answer and
 * no unwinding is needed. */
void bs_backtrace_capture(void *return_address, const char **caller, bs_frames *frames);

#endif
