/* kernels/ukr_types.h — include-template (T, P; see gemm.h): the microkernel of one element
 * type (bs_sukr, bs_dukr), a tile it computes, and the two tiles a family has per type. */

typedef void (*BS_P(ukr))(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb,
                          bs_idx csb, T alpha, T beta, T *c, bs_idx ldc, int mr, int nr);

/* one microkernel and the MR x NR tile it computes */
typedef struct BS_P(ukr_tile) {
    int mr, nr;
    BS_P(ukr) fn;
} BS_P(ukr_tile);

typedef struct BS_P(ukr_set) {
    BS_P(ukr_tile) main;  /* the packed loop nest's */
    BS_P(ukr_tile) small; /* the direct small-problem path's: narrower, small sizes waste less */
} BS_P(ukr_set);
