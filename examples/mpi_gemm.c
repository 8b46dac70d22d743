/* examples/mpi_gemm.c — an MPI program whose ranks multiply matrices through CBLAS; run
 * under the shim, each rank writes its own report when the name holds %r:
 *   mpirun -np 2 -x LD_PRELOAD=$PWD/build/libblasshim.so -x BLASSHIM_REPORT=gemm-rank%r.jsonl \
 *       build/examples/mpi_gemm
 * (as root, add --allow-run-as-root). Rank r multiplies (r+1) times; rank 0 prints the sum of
 * every rank's checksum. */
#include <cblas.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int n = 120;
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n),
           *c = malloc(sizeof(double) * n * n);
    for (int i = 0; i < n * n; i++) {
        a[i] = (double)((i + rank) % 11) / 11.0;
        b[i] = (double)(i % 7) / 7.0;
    }
    for (int r = 0; r <= rank; r++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
    double local = 0, total = 0;
    for (int i = 0; i < n * n; i++)
        local += c[i];
    MPI_Reduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("ranks %d checksum %.10e\n", size, total);
    free(a), free(b), free(c);
    MPI_Finalize();
    return 0;
}
