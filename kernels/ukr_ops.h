/* kernels/ukr_ops.h — the vector operations of ukr_template.h spelled through OP(name), the
 * intrinsic of the current ISA and element type (e.g. _mm512_##name##_pd). An ISA file
 * defines OP, V, T, LANES (and VFMA where it is not OP(fmadd)) before including the template. */
#ifndef VFMA
#define VFMA(a, b, c) OP(fmadd)(a, b, c)
#endif
#define VZERO() OP(setzero)()
#define VLOAD(p) OP(loadu)(p)
#define VBCAST(p) OP(set1)(*(p))
#define VSET1(x) OP(set1)(x)
#define VMUL(a, b) OP(mul)(a, b)
#define VSTORE(p, v) OP(storeu)(p, v)
#define VADD(a, b) OP(add)(a, b)
/* masked-load ISAs: the mask of vector v of a block of `rows` rows (lanes below rows; none when
 * the vector lies past them, all when within) */
#define VMASK_ROWS(rows, v)                                                                        \
    VMASK((int)((rows) - (v)*LANES < 0       ? 0                                                   \
                : (rows) - (v)*LANES > LANES ? LANES                                               \
                                             : (rows) - (v)*LANES))
