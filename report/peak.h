/* report/peak.h — this machine's floating-point peak, measured by an FMA loop (peak.c), and the
 * cache that keeps it and the memory bandwidth per CPU model (cache.c). */
#ifndef BS_REPORT_PEAK_H
#define BS_REPORT_PEAK_H

#include "tool.h"

/* Best of a few short runs (~0.1 s in all) of independent FMA chains with the widest vectors
 * the CPU runs, on one core: GFLOP/s for fp32 and fp64; 0 when the CPU has no FMA. */
void bs_measure_peak(double *fp32, double *fp64);

/* The per-core peak (want_peak) and memory bandwidth, GB/s (want_bw), to hold a report made on
 * report_model (NULL: unknown) against: this machine's, from the cache or measured and cached
 * (remeasure: measured afresh); for a report from another CPU model, that model's cached
 * numbers (a note on stderr). Returns 0, or 2 with one line on stderr when there are none. */
int machine_numbers(const char *report_model, int remeasure, int want_peak, int want_bw, peaks *pk,
                    double *bandwidth);

#endif
