/* kernels/ukr_types.h — include-template (T, P; see gemm.h): the microkernel of one element
 * type (bs_sukr, bs_dukr), a tile it computes, and the two tiles a family has per type. */

typedef void (*BS_P(ukr))(bs_idx k, const T *a, bs_idx rsa, const T *b, bs_idx rsb, bs_idx csb,
                          T alpha, T beta, T *c, bs_idx ldc, int mr, int nr);

/* one microkernel and the MR x NR tile it computes */
typedef struct BS_P(ukr_tile) {
    int mr, nr;
    BS_P(ukr) fn;
} BS_P(ukr_tile);

/* the dot-product kernel of few-row problems (ukr_dot_template.h) */
typedef void (*BS_P(dotk))(bs_idx m, bs_idx n, bs_idx k, const T *at, bs_idx ldat, const T *b,
                           bs_idx ldb, T alpha, T beta, T *c, bs_idx ldc);

/* the tiny kernel (ukr_tiny_template.h): m <= lanes, k <= tiny_kmax, op(A) = A */
typedef void (*BS_P(tinyk))(bs_idx m, bs_idx n, bs_idx k, const T *a, bs_idx lda, const T *b,
                            bs_idx rsb, bs_idx csb, T alpha, T beta, T *c, bs_idx ldc);

/* the single-column kernel (ukr_gemv_template.h): y = alpha A x + beta y, op(A) = A */
typedef void (*BS_P(gemvk))(bs_idx m, bs_idx k, const T *a, bs_idx lda, const T *x, bs_idx incx,
                            T alpha, T beta, T *y);

/* the transposing pack (ukr_pack_template.h): rows along memory into w-wide slivers */
typedef void (*BS_P(packk))(const T *x, bs_idx rs, bs_idx len, bs_idx kc, int w, T *out);

typedef struct BS_P(ukr_set) {
    BS_P(ukr_tile) main;  /* the packed loop nest's, and the direct path's where it is wider */
    BS_P(ukr_tile) small; /* the direct small-problem path's: narrower, small sizes waste less */
    /* AVX-512: 4 vectors of rows x 6 columns (24 accumulators), the direct path's tile for a
     * block of 4 vectors of rows, which small's 2 x 8 would cover with 16-accumulator tiles;
     * else {0} */
    BS_P(ukr_tile) quad;
    int lanes; /* elements per vector: the rows of edge[0] */
    /* masked-load families: the same microkernel with rows of one vector (edge[0]), two
     * (edge[1]) or, where the registers hold them, three (edge[2]; else NULL) and 1, 2, 4, 8
     * columns, for ragged edges, skinny and tiny problems and the direct path's row tiles;
     * NULL when the family has none (it then runs edges on the full tile) */
    BS_P(ukr) edge[3][4];
    BS_P(dotk) dot; /* masked-load families: C of up to 4 rows as dot products; else NULL */
    /* masked-load families: C of at most one vector of rows with k <= tiny_kmax in one call,
     * A held in registers (ukr_tiny_template.h); else NULL */
    BS_P(tinyk) tiny;
    int tiny_kmax;
    BS_P(gemvk) gemv; /* masked-load families: C of one column, A swept in memory order */
    BS_P(tinyk) lowk; /* masked-load families: k <= lowk_kmax, any m, A held in registers */
    int lowk_kmax;
    BS_P(packk) packt; /* AVX-512: the packing of panels whose rows lie along memory; else NULL */
} BS_P(ukr_set);
