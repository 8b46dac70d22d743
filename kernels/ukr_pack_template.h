/* kernels/ukr_pack_template.h — the transposing pack of a masked-load ISA and element type:
 * the packed loop nest's panel whose rows lie along memory (element (i, p) at x[i * rs + p],
 * as op(A) with transa = 'T' and op(B) with transb = 'N' are stored), into w-wide slivers,
 * p-major inside a sliver, zero-padded to whole slivers -- as blocked_template.h's pack does
 * element by element, here LANES x LANES blocks loaded row by row (masked at the ends of k),
 * transposed in registers and stored a k step at a time.
 * The includer defines PACK_NAME, T, V, LANES, MASKT, VMASK, VLOADM, VSTOREM, VZERO and
 * TRANSPOSE(r) (r: V[LANES], transposed in place), inside a region compiled for the ISA. */

static void PACK_NAME(const T *x, bs_idx rs, bs_idx len, bs_idx kc, int w, T *out)
{
    for (bs_idx s = 0; s < len; s += w, out += kc * w, x += w * rs) {
        const bs_idx rows = len - s < w ? len - s : w;
        for (int i0 = 0; i0 < w; i0 += LANES) { /* bands of LANES rows of the sliver */
            const int band = w - i0 < LANES ? w - i0 : LANES;
            const bs_idx left = rows - i0;
            const int valid = left <= 0 ? 0 : left < band ? (int)left : band;
            const MASKT store = VMASK(band);
            for (bs_idx p0 = 0; p0 < kc; p0 += LANES) {
                const int pn = kc - p0 < LANES ? (int)(kc - p0) : LANES;
                const MASKT load = VMASK(pn);
                V r[LANES];
#pragma GCC unroll 16
                for (int i = 0; i < LANES; i++) /* rows past the data: zeros */
                    r[i] = i < valid ? VLOADM(x + (i0 + i) * rs + p0, load) : VZERO();
                TRANSPOSE(r);
                for (int p = 0; p < pn; p++)
                    VSTOREM(out + (p0 + p) * w + i0, r[p], store);
            }
        }
    }
}
