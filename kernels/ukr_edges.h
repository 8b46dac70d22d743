/* kernels/ukr_edges.h — the edge microkernels of one masked-load ISA and element type: the
 * tile of ukr_template.h with one or two vectors of rows (MV 1, 2; and 3 where the includer
 * defines EDGE_THREE) and 1, 2, 4 or 8 columns; and, where it defines EDGE_QUAD, the 4 x 6
 * tile of the direct path's blocks of four vectors of rows,
 * so that a ragged remainder, a skinny n or a tiny problem costs in proportion to its size.
 * The includer defines what ukr_template.h needs except MV, NR and UKR_NAME, plus EDGE(mv, nr)
 * naming each kernel; MV and NR are left undefined. */
#undef MV
#undef NR

#define MV 1
#define NR 1
#define UKR_NAME EDGE(1, 1)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 2
#define UKR_NAME EDGE(1, 2)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 4
#define UKR_NAME EDGE(1, 4)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 8
#define UKR_NAME EDGE(1, 8)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#undef MV

#define MV 2
#define NR 1
#define UKR_NAME EDGE(2, 1)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 2
#define UKR_NAME EDGE(2, 2)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 4
#define UKR_NAME EDGE(2, 4)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 8
#define UKR_NAME EDGE(2, 8)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#undef MV
#ifdef EDGE_THREE /* the ISA has the registers for 3 x 8 accumulators */
#define MV 3
#define NR 1
#define UKR_NAME EDGE(3, 1)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 2
#define UKR_NAME EDGE(3, 2)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 4
#define UKR_NAME EDGE(3, 4)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#define NR 8
#define UKR_NAME EDGE(3, 8)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#undef MV
#endif
#ifdef EDGE_QUAD /* the ISA has the registers for 4 x 6 accumulators: the direct path's quad */
#define MV 4
#define NR 6
#define UKR_NAME EDGE(4, 6)
#include "ukr_template.h"
#undef NR
#undef UKR_NAME
#undef MV
#endif
#undef EDGE
