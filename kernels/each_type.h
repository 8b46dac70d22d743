/* kernels/each_type.h — instantiates the include-template named by BS_TEMPLATE once per element
 * type: T float with P s, then T double with P d (see BS_P in gemm.h). Included, not guarded:
 *   #define BS_TEMPLATE "blocked_template.h"
 *   #include "each_type.h"                                                                   */
#define T float
#define P s
#include BS_TEMPLATE
#undef T
#undef P
#define T double
#define P d
#include BS_TEMPLATE
#undef T
#undef P
#undef BS_TEMPLATE
