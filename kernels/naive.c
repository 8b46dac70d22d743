/* kernels/naive.c — the baseline triple loop, with full gemm semantics on the canonical form.
 *
 * This is the lesson's starting point: for every element of C, a dot product of a row of
 * op(A) and a column of op(B), no blocking, no vectorization. It is also the semantic
 * reference the faster kernels must match:
 *   - beta == 0 never reads C (NaN/Inf already in C do not leak into the result);
 *   - alpha == 0 (or k == 0) only scales C by beta;
 *   - m == 0 or n == 0 returns at once.
 */
#include "gemm.h"

#define BS_TEMPLATE "naive_template.h"
#include "each_type.h"
