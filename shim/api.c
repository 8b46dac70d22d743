/* shim/api.c — the public API of include/blasshim.h: region control, marks, and what the
 * library would do in this process (blasshim_info_json, for `blasshim info`). */
#include "include/blasshim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include <jansson.h>

#include "profiler/clock.h"
#include "profiler/process.h"
#include "shim.h"

BS_EXPORT void blasshim_pause(void)
{
    bs_init();
    bs_report_pause(1);
    bs_quiet_update();
}

BS_EXPORT void blasshim_resume(void)
{
    bs_init();
    bs_report_pause(0);
    bs_quiet_update();
}

BS_EXPORT void blasshim_mark(const char *name)
{
    bs_init();
    bs_report_mark(name, bs_tid());
}

static char *info_text;

/* The header's configuration, plus what only the library knows here: its own path, the CPU,
 * the caches the tiles were derived from and the kernels there are. Built once: the
 * configuration is read once per process. */
static void build_info(void)
{
    bs_init();
    json_t *o = bs_report_config_json();
    Dl_info self;
    if (dladdr((void *)build_info, &self) && self.dli_fname)
        json_object_set_new(o, "library", bs_json_text(self.dli_fname));
    json_t *proc = bs_process_json();
    static const char *const keep[] = {"host", "cpu_model", "ncpus"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        json_object_set(o, keep[i], json_object_get(proc, keep[i]));
    json_decref(proc);
    json_t *caches = json_object();
    json_object_set_new(caches, "l1d", json_integer(bs_cfg.kparams.l1));
    json_object_set_new(caches, "l2", json_integer(bs_cfg.kparams.l2));
    json_object_set_new(caches, "l3", json_integer(bs_cfg.kparams.l3));
    json_object_set_new(o, "cache_bytes", caches);
    json_t *all = json_array();
    json_array_append_new(all, json_string("system"));
    for (const bs_kernel *k = bs_kernels; k->name; k++)
        json_array_append_new(all, json_string(k->name));
    json_object_set_new(o, "kernels_available", all);
    info_text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
}

BS_EXPORT const char *blasshim_info_json(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_info);
    return info_text ? info_text : "{}";
}
