/* shim/lawn41.h — the standard operation counts of LAPACK routines, from LAPACK Working Note
 * 41 (Blackford & Dongarra, "Installation Guide for LAPACK", appendix C): multiplications and
 * additions for each routine as functions of its sizes. The flop count of a real routine is
 * muls + adds; of a complex one, 6 muls + 2 adds (a complex multiplication is 6 real flops, an
 * addition 2). Used by the generated LAPACK wrappers (shim/lapack.tab). */
#ifndef BS_SHIM_LAWN41_H
#define BS_SHIM_LAWN41_H

static inline double bs_lawn41(int cplx, double muls, double adds)
{
    return cplx ? 6 * muls + 2 * adds : muls + adds;
}

/* LU of an m x n matrix */
static inline double bs_lawn41_getrf(int cplx, double m, double n)
{
    if (m >= n)
        return bs_lawn41(cplx,
                         0.5 * m * n * n - n * n * n / 6 + 0.5 * m * n - 0.5 * n * n + 2 * n / 3,
                         0.5 * m * n * n - n * n * n / 6 - 0.5 * m * n + n / 6);
    return bs_lawn41(cplx, 0.5 * n * m * m - m * m * m / 6 + 0.5 * n * m - 0.5 * m * m + 2 * m / 3,
                     0.5 * n * m * m - m * m * m / 6 - 0.5 * n * m + m / 6);
}

/* solve with an LU factorization of order n, nrhs right-hand sides */
static inline double bs_lawn41_getrs(int cplx, double n, double nrhs)
{
    return bs_lawn41(cplx, nrhs * n * n, nrhs * n * (n - 1));
}

/* inverse from an LU factorization */
static inline double bs_lawn41_getri(int cplx, double n)
{
    return bs_lawn41(cplx, 2 * n * n * n / 3 + 0.5 * n * n + 5 * n / 6,
                     2 * n * n * n / 3 - 1.5 * n * n + 5 * n / 6);
}

/* Cholesky of order n */
static inline double bs_lawn41_potrf(int cplx, double n)
{
    return bs_lawn41(cplx, n * n * n / 6 + 0.5 * n * n + n / 3, n * n * n / 6 - n / 6);
}

static inline double bs_lawn41_potrs(int cplx, double n, double nrhs)
{
    return bs_lawn41(cplx, nrhs * n * (n + 1), nrhs * n * (n - 1));
}

static inline double bs_lawn41_potri(int cplx, double n)
{
    return bs_lawn41(cplx, n * n * n / 3 + n * n + 2 * n / 3, n * n * n / 3 - 0.5 * n * n + n / 6);
}

/* symmetric indefinite factorization (Bunch-Kaufman) of order n */
static inline double bs_lawn41_sytrf(int cplx, double n)
{
    return bs_lawn41(cplx, n * n * n / 6 + 0.5 * n * n + 10 * n / 3, n * n * n / 6 - n / 6);
}

/* triangular solve of order n with nrhs right-hand sides (trsm, side left) */
static inline double bs_lawn41_trtrs(int cplx, double n, double nrhs)
{
    return bs_lawn41(cplx, 0.5 * nrhs * n * (n + 1), 0.5 * nrhs * n * (n - 1));
}

static inline double bs_lawn41_trtri(int cplx, double n)
{
    return bs_lawn41(cplx, n * n * n / 6 + 0.5 * n * n + n / 3,
                     n * n * n / 6 - 0.5 * n * n + n / 3);
}

/* QR of an m x n matrix (LQ of m x n: QR of n x m) */
static inline double bs_lawn41_geqrf(int cplx, double m, double n)
{
    if (m >= n)
        return bs_lawn41(cplx, m * n * n - n * n * n / 3 + m * n + 0.5 * n * n + 23 * n / 6,
                         m * n * n - n * n * n / 3 + 0.5 * n * n + 5 * n / 6);
    return bs_lawn41(cplx, n * m * m - m * m * m / 3 + 2 * n * m - 0.5 * m * m + 23 * m / 6,
                     n * m * m - m * m * m / 3 + n * m - 0.5 * m * m + 5 * m / 6);
}

/* the m x n Q of k elementary reflectors (orgqr, ungqr) */
static inline double bs_lawn41_ungqr(int cplx, double m, double n, double k)
{
    return bs_lawn41(
        cplx, 2 * m * n * k - (m + n) * k * k + 2 * k * k * k / 3 + 2 * n * k - k * k - 5 * k / 3,
        2 * m * n * k - (m + n) * k * k + 2 * k * k * k / 3 + n * k - m * k + k / 3);
}

/* apply the k reflectors of a QR (orgqr's Q) to an m x n matrix C from the left (Q C) or the
 * right (C Q); ormlq/unmlq have the same counts */
static inline double bs_lawn41_unmqr(int cplx, int left, double m, double n, double k)
{
    if (left)
        return bs_lawn41(cplx, n * k * (2 * m - k + 2), n * k * (2 * m - k + 1));
    return bs_lawn41(cplx, k * (m * (2 * n - k + 1) + n - 0.5 * k + 0.5), m * k * (2 * n - k + 1));
}

/* Hessenberg reduction of order n (gehrd with ilo = 1, ihi = n) */
static inline double bs_lawn41_gehrd(int cplx, double n)
{
    return bs_lawn41(cplx, n * (n * (5 * n / 3 + 0.5) - 7.0 / 6) - 13,
                     n * (n * (5 * n / 3 - 1) - 2.0 / 3) - 8);
}

/* solve with a Bunch-Kaufman factorization: LAWN 41 gives it the count of getrs (two triangular
 * solves; the block-diagonal one is of lower order) */
static inline double bs_lawn41_sytrs(int cplx, double n, double nrhs)
{
    return bs_lawn41_getrs(cplx, n, nrhs);
}

/* least squares (gels) of an m x n matrix, nrhs right-hand sides: the QR (or LQ) of the long
 * side, Q^T applied to the right-hand sides, and a triangular solve of order min(m, n) */
static inline double bs_lawn41_gels(int cplx, double m, double n, double nrhs)
{
    const double big = m >= n ? m : n, small = m >= n ? n : m;
    return bs_lawn41_geqrf(cplx, big, small) + bs_lawn41_unmqr(cplx, 1, big, nrhs, small) +
           bs_lawn41_trtrs(cplx, small, nrhs);
}

#endif
