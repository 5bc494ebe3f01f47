/* warnings: see warnings.h. */
#include "study/record/warnings.h"

#include <stdarg.h>
#include <stdio.h>

#include "study/record/torn.h"

void warnings_init(struct warnings *w)
{
    w->n = 0;
    for (int i = 0; i < WARNINGS_MAX; i++)
        w->list[i] = w->text[i];
}

void warnings_add(struct warnings *w, const char *fmt, ...)
{
    char text[WARNING_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ompsweep: warning: %s\n", text);
    warnings_keep(w, text);
}

void warnings_keep(struct warnings *w, const char *text)
{
    if (w->n < WARNINGS_MAX)
        snprintf(w->text[w->n++], WARNING_TEXT, "%s", text);
}

void warnings_add_torn(struct warnings *w)
{
    for (const char *text = torn_next_warning(); text != NULL; text = torn_next_warning())
        warnings_add(w, "%s", text);
}
