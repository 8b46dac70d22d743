! examples/fortran_dgemm.f90 — a Fortran program calling DGEMM with a transposed operand.
!   build/examples/fortran_dgemm            (prints the sum of C)
!   blasshim run -k naive -- build/examples/fortran_dgemm
!   LD_PRELOAD=$PWD/build/libblasshim.so BLASSHIM_KERNEL=naive build/examples/fortran_dgemm
!   (LD_PRELOAD needs the absolute path: /usr/local/lib/libblasshim.so once installed)
program fortran_dgemm
  implicit none
  integer, parameter :: m = 60, n = 40, k = 50
  double precision :: a(k, m), b(k, n), c(m, n)
  integer :: i, j
  do j = 1, m
    do i = 1, k
      a(i, j) = dble(mod(i * 7 + j, 11)) / 11.0d0
    end do
  end do
  do j = 1, n
    do i = 1, k
      b(i, j) = dble(mod(i + j * 3, 13)) / 13.0d0 - 0.5d0
    end do
  end do
  c = 1.0d0
  ! C = 2 * A**T * B + 0.5 * C
  call dgemm('T', 'N', m, n, k, 2.0d0, a, k, b, k, 0.5d0, c, m)
  print '(A, ES24.16)', 'sum(C) = ', sum(c)
end program fortran_dgemm
