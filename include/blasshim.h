/* include/blasshim.h — blasshim's public C API, for programs run under the shim.
 *
 * Region control: whole-run reports drown the part you care about. Pause recording around
 * set-up and warm-up, resume for the region, and drop named marks on the timeline:
 *
 *     blasshim_pause();   warm_up();   blasshim_resume();
 *     blasshim_mark("epoch 1");   train();
 *
 * The library exports these symbols; a program that must also run without the shim can look
 * them up with dlsym(RTLD_DEFAULT, "blasshim_mark") instead of linking against them, and
 * Python can call them with ctypes (examples/regions.py). Calls are counted and computed
 * while paused; they are only not recorded. BLASSHIM_START=paused starts paused.
 *
 * Threads: while BLASSHIM_KERNEL selects a multi-threaded kernel of ours (parallel, auto) with
 * more than one thread, the shim sets the real BLAS to one thread (openblas_set_num_threads(1)
 * when it has it), so that OpenBLAS's spinning idle threads do not take the cores our pool
 * needs; the routines it still runs (all but sgemm/dgemm) then run on one thread. */
#ifndef BLASSHIMAPI_INCLUDED
#define BLASSHIMAPI_INCLUDED

/* The library's version (also `blasshim --version` and the report header's "blasshim"). */
#define BLASSHIM_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* Stop recording calls (they still run on the configured kernel). */
void blasshim_pause(void);

/* Record calls again. */
void blasshim_resume(void);

/* Write a {"type":"mark"} record with the time, the thread and this name (NULL: ""). */
void blasshim_mark(const char *name);

/* What the library does in this process, as one JSON object (what `blasshim info` prints):
 * "blasshim" (version), the kernel per routine ("kernels"), "real_blas" (path or null), "isa",
 * "isas_supported", "blocking", "num_threads" and "num_threads_from" (BLASSHIM_NUM_THREADS,
 * OMP_NUM_THREADS or affinity) as the report header records them, the report name pattern
 * ("report", null when off), "log", and "library" (its path), "host", "cpu_model", "ncpus",
 * "cache_bytes" ({"l1d","l2","l3"}), "kernels_available". Reads the BLASSHIM_* variables like
 * the first BLAS call does; writes no report. The string belongs to the library and stays
 * valid for the life of the process. Like the rest of this API it is there when the library
 * is preloaded (it cannot be dlopen()ed into a running program: its thread-local state uses
 * the initial-exec model); `blasshim info` runs a small probe under LD_PRELOAD to call it. */
const char *blasshim_info_json(void);

#ifdef __cplusplus
}
#endif

#endif
