/* kernels/blocked.c — the five-loop GotoBLAS/BLIS macrokernel, written once for every element
 * type and microkernel:
 *   for jc (NC columns of C)   pack a KC x NC panel of op(B) into NR-wide slivers
 *    for pc (KC of k)
 *     for ic (MC rows)         pack an MC x KC block of op(A) into MR-tall slivers
 *      for jr (NR), ir (MR)    microkernel on one MR x NR tile of C
 * beta is applied by the first KC step only; later steps accumulate. The packed panels are
 * zero-padded to whole slivers, so microkernels run full width and store only the valid part.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"

/* ---- per-thread workspace ---------------------------------------------------------- */

static pthread_key_t ws_key;
static pthread_once_t ws_once = PTHREAD_ONCE_INIT;
static __thread void *ws_buf __attribute__((tls_model("initial-exec")));
static __thread size_t ws_cap __attribute__((tls_model("initial-exec")));

static void ws_free(void *p) { free(p); }
static void ws_make_key(void) { pthread_key_create(&ws_key, ws_free); }

void *bs_workspace(size_t bytes)
{
    if (bytes <= ws_cap)
        return ws_buf;
    pthread_once(&ws_once, ws_make_key);
    size_t cap = (bytes + 4095) & ~(size_t)4095;
    void *p = aligned_alloc(64, cap);
    if (!p)
        return NULL;
    free(ws_buf);
    ws_buf = p;
    ws_cap = cap;
    pthread_setspecific(ws_key, p); /* freed when the thread exits */
    return p;
}

__attribute__((destructor)) static void ws_release_main(void)
{
    /* the thread that runs exit() never runs its key destructors */
    free(ws_buf);
    ws_buf = NULL;
    ws_cap = 0;
}

/* ---- tile sizes --------------------------------------------------------------------- */

static bs_idx round_down(bs_idx v, bs_idx to) { return v < to ? to : v / to * to; }

bs_blocking bs_blocking_for(int mr, int nr, size_t elem, long l1, long l2, long l3)
{
    if (l1 <= 0)
        l1 = 32 * 1024;
    if (l2 <= 0)
        l2 = 512 * 1024;
    if (l3 <= 0 || l3 > 64L * 1024 * 1024)
        l3 = 8L * 1024 * 1024; /* VMs report nonsense */
    bs_blocking b;
    /* one NR-wide sliver of B stays in L1 across a whole MC block: half of L1 */
    b.kc = round_down((bs_idx)(l1 / 2 / (long)(nr * elem)), 8);
    if (b.kc > 1024)
        b.kc = 1024;
    /* the packed MC x KC block of A lives in L2: half of it, at most 192 rows (measured on a
     * 2 MiB L2: 512 rows were 1-7 % slower than 192 at 500^3-1024^3 sgemm, 576x64x3136 and
     * 4096x64x4096, and within 2 % at the dgemm squares) */
    b.mc = round_down(min_idx((bs_idx)(l2 / 2 / (long)(b.kc * elem)), 192), mr);
    /* the packed KC x NC panel of B lives in L3: a quarter of it, at most 4096 columns */
    b.nc = round_down(min_idx((bs_idx)(l3 / 4 / (long)(b.kc * elem)), 4096), nr);
    return b;
}

/* ---- the loop nest, per element type ----------------------------------------------- */

#define BS_TEMPLATE "blocked_template.h"
#include "each_type.h"
