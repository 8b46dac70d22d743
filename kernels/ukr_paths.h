/* kernels/ukr_paths.h — the kernels of the shape paths of one masked-load ISA and element type,
 * besides the microkernel and its edges: the dot-product kernel (ukr_dot_template.h), the tiny
 * and low-rank kernels (ukr_tiny_template.h), the matrix-vector kernel (ukr_gemv_template.h)
 * and, where the ISA defines TRANSPOSE, the transposing pack (ukr_pack_template.h). The
 * includer defines what those need and PATHS(name), the name of each kernel (e.g. sdot_avx512
 * for PATHS(dot)); PATHS is undefined after. A new path is one more block here. */
#define DOT_NAME PATHS(dot)
#include "ukr_dot_template.h"
#undef DOT_NAME

#define TINY_NAME PATHS(tiny)
#define LOWK_NAME PATHS(lowk)
#include "ukr_tiny_template.h"
#undef TINY_NAME
#undef LOWK_NAME

#define GEMV_NAME PATHS(gemv)
#include "ukr_gemv_template.h"
#undef GEMV_NAME

#ifdef TRANSPOSE
#define PACK_NAME PATHS(packt)
#include "ukr_pack_template.h"
#undef PACK_NAME
#endif

#undef PATHS
