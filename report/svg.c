/* report/svg.c — the pieces of SVG (and HTML text) that plot.c and html.c write: explicit
 * presentation attributes only, no CSS, so that every renderer draws the same thing. */
#include "tool.h"

void xml_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '<')
            fputs("&lt;", o);
        else if (c == '>')
            fputs("&gt;", o);
        else if (c == '&')
            fputs("&amp;", o);
        else if (c == '"')
            fputs("&quot;", o);
        else if (c == '\'')
            fputs("&#39;", o);
        else if (c < 0x20 && c != '\t' && c != '\n')
            fputc('?', o); /* control characters are not allowed in XML */
        else
            fputc(c, o);
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
