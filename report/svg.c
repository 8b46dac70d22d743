/* report/svg.c — the pieces of SVG (and HTML text) that plot.c and html.c write: explicit
 * presentation attributes only, no CSS, so that every renderer draws the same thing. */
#include "tool.h"

/* the length of the valid UTF-8 character at s (1..4), 0 when s starts no valid one */
static int utf8_len(const unsigned char *s)
{
    const int n = s[0] < 0x80                    ? 1
                  : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                  : (s[0] & 0xF0) == 0xE0        ? 3
                  : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, or a UTF-16 surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0; /* overlong, or past U+10FFFF */
    return n;
}

void xml_text(FILE *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char c = *p;
        const int n = utf8_len(p);
        if (n == 0) /* not UTF-8 (a cut character, a Latin-1 source file): U+FFFD */
            fputs("\xEF\xBF\xBD", o), p++;
        else if (n > 1)
            fwrite(p, 1, (size_t)n, o), p += n;
        else if (c == '<')
            fputs("&lt;", o), p++;
        else if (c == '>')
            fputs("&gt;", o), p++;
        else if (c == '&')
            fputs("&amp;", o), p++;
        else if (c == '"')
            fputs("&quot;", o), p++;
        else if (c == '\'')
            fputs("&#39;", o), p++;
        else if (c < 0x20 && c != '\t' && c != '\n')
            fputc('?', o), p++; /* control characters are not allowed in XML */
        else
            fputc(c, o), p++;
    }
}

void svg_line(FILE *o, double x1, double y1, double x2, double y2, const char *color, double width,
              const char *dash)
{
    fprintf(o,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"%g\"",
            x1, y1, x2, y2, color, width);
    if (dash)
        fprintf(o, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", o);
}

void svg_text_at(FILE *o, double x, double y, double size, const char *anchor, const char *color,
                 const char *text)
{
    fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" text-anchor=\"%s\" fill=\"%s\">", x, y,
            size, anchor, color);
    xml_text(o, text);
    fputs("</text>\n", o);
}
