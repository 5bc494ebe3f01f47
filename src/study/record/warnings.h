/* warnings: conditions that make a measurement suspect (oversubscription,
 * SMT, an unoptimised build, noisy or too-short runs). Each one goes to
 * stderr at once, even with --quiet, and is kept for metadata.json. */
#ifndef OMPSWEEP_STUDY_RECORD_WARNINGS_H
#define OMPSWEEP_STUDY_RECORD_WARNINGS_H

enum { WARNINGS_MAX = 64, WARNING_TEXT = 256 };

struct warnings {
    int n;
    char text[WARNINGS_MAX][WARNING_TEXT];
    const char *list[WARNINGS_MAX]; /* list[i] == text[i], for metadata */
};

void warnings_init(struct warnings *w);

/* Print "ompsweep: warning: ..." on stderr and keep the text. Past
 * WARNINGS_MAX the warning is printed but not kept. */
void warnings_add(struct warnings *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keep a warning already printed elsewhere (by a child process), without
 * printing it again. */
void warnings_keep(struct warnings *w, const char *text);

/* Add the repairs of torn last lines made since the last call (torn.h). */
void warnings_add_torn(struct warnings *w);

#endif
