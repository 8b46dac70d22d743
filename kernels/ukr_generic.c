/* kernels/ukr_generic.c — the portable microkernel: plain C, register-blocked MR x NR, written
 * so that the compiler vectorizes it for whatever the baseline target is (SSE2 on x86-64).
 * Used by the `blocked` kernel and as the last resort of `vectorized`. It is always handed a
 * packed B (bs_family_generic.direct is 0), which it is specialized for. */
#include "ukernel.h"

#define GEN_MR 8
#define GEN_NR 4

#define BS_TEMPLATE "ukr_generic_template.h"
#include "each_type.h"

const bs_family bs_family_generic = {
    .name = "generic",
    .needs = 0,
    .direct = 0,
    .s = {.main = {GEN_MR, GEN_NR, bs_sukr_generic}, .small = {GEN_MR, GEN_NR, bs_sukr_generic}},
    .d = {.main = {GEN_MR, GEN_NR, bs_dukr_generic}, .small = {GEN_MR, GEN_NR, bs_dukr_generic}},
};
