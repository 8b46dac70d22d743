/* common/helptext.h — one option line of a --help text, the same in both programs:
 *
 *   -o, --output FILE          write to FILE (csv, trace, folded: default standard output)
 *       --top N                shapes, Python lines and call sites listed (default 10; ...
 *
 * the option in a 26-column field, its description wrapped at 96 columns under itself.
 * Header-only: the library links none of it. */
#ifndef BS_COMMON_HELPTEXT_H
#define BS_COMMON_HELPTEXT_H

#include <stdio.h>
#include <string.h>

/* shrt: the one-letter form or 0; metavar: NULL for a flag; optional: `--opt[=METAVAR]`. */
static inline void bs_help_option(FILE *out, char shrt, const char *lng, const char *metavar,
                                  int optional, const char *text)
{
    enum { COL = 28, WIDTH = 96 };
    char sh[8] = "    ", left[64];
    if (shrt)
        snprintf(sh, sizeof sh, "-%c, ", shrt);
    snprintf(left, sizeof left, "%s%s%s%s%s", sh, lng,
             !metavar   ? ""
             : optional ? "[="
                        : " ",
             metavar ? metavar : "", metavar && optional ? "]" : "");
    fprintf(out, "  %-26s", left);
    int at = COL;
    for (const char *p = text; *p;) {
        size_t w = strcspn(p, " ");
        if (at > COL && at + 1 + (int)w > WIDTH) {
            fprintf(out, "\n%*s", COL, "");
            at = COL;
        }
        fprintf(out, " %.*s", (int)w, p);
        at += 1 + (int)w;
        p += w;
        p += strspn(p, " ");
    }
    fputc('\n', out);
}

#endif
