/* exec_reference: see exec_reference.h. */
#include "exec/exec_reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int exec_reference_init(struct exec_reference *r, errmsg_t *err)
{
    memset(r, 0, sizeof *r);
    r->text = malloc(EXEC_TEXT_MAX + 1);
    if (r->text == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    r->text[0] = '\0';
    return STATUS_OK;
}

void exec_reference_free(struct exec_reference *r)
{
    free(r->text);
    r->text = NULL;
}

/* "at threads=2 the --result text has 'B' where the first run ... has 'A'". */
static void describe(const struct exec_reference *r, const struct exec_diff *d, const char *cell,
                     const struct exec_tolerance *tol, bool within, char *why, size_t cap)
{
    char how[96] = "";
    if (tol != NULL && d->numbers)
        snprintf(how, sizeof how, " (%s --result-tolerance %g,%g)",
                 within ? "within" : "beyond", tol->rel, tol->abs);
    snprintf(why, cap, "at %s the --result text has '%s' where the first run "
             "(%s) has '%s'%s", cell, d->b, r->cell, d->a, how);
}

enum exec_agreement exec_reference_check(struct exec_reference *r,
                                         const struct exec_scan *s, const char *cell,
                                         const struct exec_tolerance *tol, char *why,
                                         size_t cap)
{
    if (!r->known) {
        memcpy(r->text, s->text, s->len + 1);
        r->len = s->len;
        r->cut = s->cut;
        snprintf(r->cell, sizeof r->cell, "%s", cell);
        r->known = true;
        return EXEC_SAME;
    }
    struct exec_diff d;
    if (exec_text_agree(r->text, r->len, s->text, s->len, NULL, &d))
        return EXEC_SAME;
    bool within = tol != NULL && exec_text_agree(r->text, r->len, s->text, s->len, tol, NULL);
    describe(r, &d, cell, tol, within, why, cap);
    return within ? EXEC_WITHIN : EXEC_DIFFERENT;
}
