/* profiler/backtrace.c — call sites with libunwind.
 *
 * Hot path: unw_backtrace() collects raw return addresses, the frames inside the shim are
 * skipped by address range, and each address is looked up in a cache of strings. Only an
 * address seen for the first time is symbolized: a libunwind cursor walks the same stack
 * (we are still inside the call) and unw_get_proc_name() reads the ELF symbol tables, so
 * static functions such as a program's own `main` get names too. A frame with no symbol is
 * written as its offset in its module. The cache is bounded; when it is full, new
 * addresses are reported as "(other)". */
#define UNW_LOCAL_ONLY
#include "backtrace.h"
#include "intern.h"

#include <dlfcn.h>
#include <errno.h> /* program_invocation_short_name */
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libunwind.h>

#define SKIP_MAX 12 /* frames the shim itself may have on the stack */
#define NAME_MAX_LEN 240

static int nframes;
static uintptr_t self_lo, self_hi;
/* symbolized addresses: key {ip} */
static bs_intern names = BS_INTERN_INIT;

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uintptr_t me = (uintptr_t)data, lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t a = info->dlpi_addr + ph->p_vaddr;
        if (a < lo)
            lo = a;
        if (a + ph->p_memsz > hi)
            hi = a + ph->p_memsz;
    }
    if (me >= lo && me < hi) {
        self_lo = lo;
        self_hi = hi;
        return 1;
    }
    return 0;
}

void bs_backtrace_setup(int n)
{
    nframes = n < 0 ? 0 : n > BS_MAX_FRAMES ? BS_MAX_FRAMES : n;
    dl_iterate_phdr(find_self, (void *)(uintptr_t)bs_backtrace_setup);
}

static int in_self(uintptr_t ip) { return ip >= self_lo && ip < self_hi; }

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* "name+0xoff (module)", or "0xoff (module)" without a symbol; bytes outside printable
 * ASCII become '?', so the report stays valid UTF-8 whatever the symbol tables hold */
static const char *describe(uintptr_t ip, const char *name, uintptr_t off)
{
    Dl_info di;
    const ElfW(Sym) *sym = NULL;
    const char *module = "?";
    uintptr_t base = 0;
    if (dladdr1((void *)ip, &di, (void **)&sym, RTLD_DL_SYMENT) && di.dli_fname) {
        module = di.dli_fname[0] ? base_name(di.dli_fname) : program_invocation_short_name;
        base = (uintptr_t)di.dli_fbase;
        /* a stripped library leaves only its exported symbols: the nearest one before ip
         * may end long before it; a name is given only when ip lies inside the symbol */
        int inside = di.dli_sname && di.dli_saddr && sym &&
                     (sym->st_size == 0 || ip - (uintptr_t)di.dli_saddr < sym->st_size);
        if (name && di.dli_sname && strcmp(name, di.dli_sname) == 0 && !inside)
            name = NULL;
        if (!name && inside) {
            name = di.dli_sname;
            off = ip - (uintptr_t)di.dli_saddr;
        }
    }
    char buf[NAME_MAX_LEN + 64];
    if (name)
        snprintf(buf, sizeof buf, "%.*s+0x%lx (%s)", NAME_MAX_LEN, name, (unsigned long)off,
                 module);
    else
        snprintf(buf, sizeof buf, "0x%lx (%s)", (unsigned long)(ip - base), module);
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '?';
    const uintptr_t key[BS_INTERN_KEY] = {ip};
    return bs_intern_add(&names, key, buf);
}

/* Symbolize the given addresses by walking the current stack with a cursor. */
static void symbolize(const uintptr_t *ips, int n, const char **out)
{
    unw_context_t ctx;
    unw_cursor_t cur;
    int found = 0;
    if (unw_getcontext(&ctx) == 0 && unw_init_local(&cur, &ctx) == 0) {
        for (int depth = 0; depth < 64 && found < n; depth++) {
            unw_word_t ip = 0;
            unw_get_reg(&cur, UNW_REG_IP, &ip);
            for (int i = 0; i < n; i++) {
                if (out[i] || ips[i] != (uintptr_t)ip)
                    continue;
                char name[NAME_MAX_LEN + 1];
                unw_word_t off = 0;
                int named = unw_get_proc_name(&cur, name, sizeof name, &off) == 0;
                /* a stripped module leaves only exported symbols, and the nearest one before
                 * ip may belong to another function: keep the name only if it starts where
                 * the unwind tables say this function starts */
                unw_proc_info_t pi;
                if (named && unw_get_proc_info(&cur, &pi) == 0 && pi.start_ip) {
                    uintptr_t sym_start = (uintptr_t)ip - (uintptr_t)off;
                    uintptr_t gap =
                        sym_start > pi.start_ip ? sym_start - pi.start_ip : pi.start_ip - sym_start;
                    if (gap > 1)
                        named = 0;
                }
                out[i] = describe(ips[i], named ? name : NULL, (uintptr_t)off);
                found++;
            }
            if (unw_step(&cur) <= 0)
                break;
        }
    }
    for (int i = 0; i < n; i++) /* not met by the cursor: what dladdr knows */
        if (!out[i])
            out[i] = describe(ips[i], NULL, 0);
}

void bs_backtrace_capture(void *return_address, const char **caller, bs_frames *frames)
{
    *caller = NULL;
    frames->n = 0;
    if (nframes == 0)
        return;
    void *raw[BS_MAX_FRAMES + SKIP_MAX];
    int got, first = 0;
    if (nframes == 1 && return_address && !in_self((uintptr_t)return_address)) {
        raw[0] = return_address; /* the caller, without unwinding */
        got = 1;
    } else {
        got = unw_backtrace(raw, nframes + SKIP_MAX);
        while (first < got && in_self((uintptr_t)raw[first]))
            first++;
    }
    int n = got - first < nframes ? got - first : nframes;
    if (n <= 0)
        return;
    uintptr_t ips[BS_MAX_FRAMES];
    const char *found[BS_MAX_FRAMES];
    int missing = 0;
    for (int i = 0; i < n; i++) {
        ips[i] = (uintptr_t)raw[first + i];
        const uintptr_t key[BS_INTERN_KEY] = {ips[i]};
        found[i] = bs_intern_find(&names, key);
        missing += !found[i];
    }
    if (missing)
        symbolize(ips, n, found);
    *caller = found[0];
    if (nframes > 1) {
        frames->n = n;
        memcpy(frames->f, found, sizeof found[0] * (size_t)n);
    }
}
