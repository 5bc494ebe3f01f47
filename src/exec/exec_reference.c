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

bool exec_reference_check(struct exec_reference *r, const struct exec_scan *s,
                          int threads, const struct exec_tolerance *tol, char *why,
                          size_t cap)
{
    if (!r->known) {
        memcpy(r->text, s->text, s->len + 1);
        r->len = s->len;
        r->cut = s->cut;
        r->threads = threads;
        r->known = true;
        return true;
    }
    struct exec_diff d;
    if (exec_text_agree(r->text, r->len, s->text, s->len, tol, &d))
        return true;
    char within[96] = "";
    if (tol != NULL && d.numbers)
        snprintf(within, sizeof within, " (beyond --result-tolerance %g,%g)", tol->rel,
                 tol->abs);
    snprintf(why, cap, "at threads=%d the --result text has '%s' where the first run "
             "(threads=%d) has '%s'%s", threads, d.b, r->threads, d.a, within);
    return false;
}
