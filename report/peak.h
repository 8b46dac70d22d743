/* report/peak.h — this machine's floating-point peak, measured by an FMA loop. */
#ifndef BS_REPORT_PEAK_H
#define BS_REPORT_PEAK_H

/* Best of a few short runs (~0.1 s in all) of independent FMA chains with the widest vectors
 * the CPU runs, on one core: GFLOP/s for fp32 and fp64; 0 when the CPU has no FMA. */
void bs_measure_peak(double *fp32, double *fp64);

#endif
