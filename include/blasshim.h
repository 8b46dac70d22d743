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

#ifdef __cplusplus
extern "C" {
#endif

/* Stop recording calls (they still run on the configured kernel). */
void blasshim_pause(void);

/* Record calls again. */
void blasshim_resume(void);

/* Write a {"type":"mark"} record with the time, the thread and this name (NULL: ""). */
void blasshim_mark(const char *name);

#ifdef __cplusplus
}
#endif

#endif
