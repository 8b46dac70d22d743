/* shim/validate.h — the pieces of the reference BLAS's argument checks that the generated
 * wrappers use (the checks themselves: tools/blas_checks.py). An invalid call is forwarded
 * untouched, for the real BLAS to report, and not recorded. */
#ifndef BS_SHIM_VALIDATE_H
#define BS_SHIM_VALIDATE_H

#include <stdint.h>
#include <string.h>

/* The letter a character argument stands for ("NTC", "UL", "NU", "LR"), or 0 if none: a CBLAS
 * enum counted from base, or a Fortran character in either case. */
static inline int bs_v_letter(int cblas, int v, int base, const char *letters)
{
    int c;
    if (cblas) {
        int i = v - base;
        c = i >= 0 && i < (int)strlen(letters) ? letters[i] : 0;
    } else {
        c = v & 0xff;
        if (c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
    }
    return c && strchr(letters, c) ? c : 0;
}

/* Whether a letter is one the routine accepts. */
static inline int bs_v_in(int letter, const char *allowed)
{
    return letter && strchr(allowed, letter) != NULL;
}

static inline int64_t bs_v_max1(int64_t rows) { return rows > 1 ? rows : 1; }

#endif
