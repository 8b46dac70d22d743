/* report/cache.c — this machine's peak and memory bandwidth, measured once and cached, so that
 * every read of a report holds it against the same numbers (measured at each read, %peak of
 * one file wandered by several points and the memory roof by 40 %). The cache is a small
 * JSON file keyed by CPU model: $XDG_CACHE_HOME/blasshim/machines.json (default
 * ~/.cache/blasshim/). A report made on another CPU model is held against that model's cached
 * numbers, never this machine's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cpu.h"
#include "common/machine_cache.h"
#include "peak.h"
#include "tool.h"

static void local_model(char *buf, size_t cap)
{
    if (bs_cpu_model(buf, cap) != 0)
        snprintf(buf, cap, "unknown CPU");
}

static json_t *load(const char *path)
{
    json_t *o = json_load_file(path, 0, NULL);
    if (o && json_is_object(o))
        return o;
    json_decref(o); /* absent or damaged: start afresh */
    return json_object();
}

/* mkdir -p of the cache directory, then write to a temporary name and rename: two tools
 * measuring at once never leave half a file */
static void save(const char *dir, const char *path, json_t *all)
{
    char tmp[4200];
    for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
        if (p)
            *p = '\0';
        mkdir(dir, 0755);
        if (!p)
            break;
        *p = '/';
    }
    int n = snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return; /* a cache path this long is not worth keeping the numbers in */
    if (json_dump_file(all, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, PROG ": cannot write the cache %s (%s); the numbers are not kept\n", path,
                strerror(errno));
        unlink(tmp);
    }
}

static double num(json_t *entry, const char *key)
{
    json_t *v = json_object_get(entry, key);
    return json_is_number(v) ? json_number_value(v) : 0;
}

int machine_numbers(const char *report_model, int remeasure, int want_peak, int want_bw, peaks *pk,
                    double *bandwidth)
{
    char local[256], dir[4096], path[4200];
    local_model(local, sizeof local);
    const int elsewhere = report_model && *report_model && strcmp(report_model, local) != 0;
    const char *model = elsewhere ? report_model : local;
    json_t *all = NULL, *entry = NULL;
    if (bs_machine_cache_dir(dir, sizeof dir) == 0) {
        snprintf(path, sizeof path, "%s/" BS_MACHINE_CACHE_FILE, dir);
        all = load(path);
        entry = json_object_get(all, model);
    } else {
        path[0] = '\0';
        all = json_object();
    }
    if (elsewhere) {
        fprintf(stderr, PROG ": the report was made on \"%s\"; this machine is \"%s\"\n",
                report_model, local);
        if ((want_peak && num(entry, "fp64_gflops") <= 0) ||
            (want_bw && num(entry, "bandwidth_gbs") <= 0)) {
            fprintf(stderr, PROG ": no %s cached for \"%s\": give %s (that machine's numbers)\n",
                    want_peak ? "peak" : "bandwidth", report_model,
                    want_peak ? "--peak FP32[,FP64] (GFLOP/s of one core)" : "--bandwidth GB/s");
            json_decref(all);
            return 2;
        }
        if (remeasure)
            fprintf(stderr, PROG ": --remeasure measures this machine, not \"%s\": ignored\n",
                    report_model);
    } else if (remeasure || (want_peak && num(entry, "fp64_gflops") <= 0) ||
               (want_bw && num(entry, "bandwidth_gbs") <= 0)) {
        json_t *e = entry ? json_deep_copy(entry) : json_object();
        if (want_peak || remeasure || num(e, "fp64_gflops") <= 0) {
            double s, d;
            bs_measure_peak(&s, &d);
            json_object_set_new(e, "fp32_gflops", json_real(s));
            json_object_set_new(e, "fp64_gflops", json_real(d));
        }
        if (want_bw || (remeasure && num(e, "bandwidth_gbs") > 0))
            json_object_set_new(e, "bandwidth_gbs", json_real(measure_bandwidth()));
        char when[32];
        time_t now = time(NULL);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        json_object_set_new(e, "measured", json_string(when));
        json_object_set_new(all, model, e);
        entry = e;
        if (path[0])
            save(dir, path, all);
    }
    if (want_peak) {
        pk->s = num(entry, "fp32_gflops"), pk->d = num(entry, "fp64_gflops");
        pk->measured = 1;
        snprintf(pk->source, sizeof pk->source, "measured on %.120s %.40s, %s%.200s", model,
                 str_of(entry, "measured", "?"), path[0] ? "cached in " : "not cached",
                 path[0] ? path : "");
    }
    if (want_bw)
        *bandwidth = num(entry, "bandwidth_gbs");
    json_decref(all);
    return 0;
}
