/* elbow_output: see elbow_output.h. */
#include "elbow/elbow_output.h"

#include <stdio.h>
#include <stdlib.h>

#include "study/record/csv.h"
#include "study/record/output.h"

static const char CURVE_HEADER[] =
    "run_id,k,silhouette_mean,silhouette_std,inertia_mean,n_iter_mean,seconds";
static const char CHOICE_HEADER[] = "run_id,rule,chosen_k,selected";

/* Append a block of complete lines to a table with one write(2), so a
 * concurrent run's block never lands inside this one. */
static int append_block(const char *path, const char *header, const char *text,
                        errmsg_t *err)
{
    struct runs_file f;
    int rc = csv_append_open(&f, path, header, err);
    if (rc != STATUS_OK)
        return rc;
    rc = csv_append_line(&f, text, err);
    int close_rc = csv_runs_close(&f, rc == STATUS_OK ? err : NULL);
    return rc == STATUS_OK ? close_rc : rc;
}

static int append_curve(const char *path, const char *id,
                        const struct elbow_point *curve, int nk, errmsg_t *err)
{
    char *text = malloc((size_t)nk * CSV_ROW_MAX);
    if (text == NULL)
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory");
    size_t used = 0;
    for (int i = 0; i < nk; i++) {
        const struct elbow_point *p = &curve[i];
        used += (size_t)snprintf(text + used, CSV_ROW_MAX,
                                 "%s,%d,%.17g,%.17g,%.17g,%.17g,%.6g\n", id, p->k,
                                 p->silhouette_mean, p->silhouette_std,
                                 p->inertia_mean, p->n_iter_mean, p->seconds);
    }
    int rc = append_block(path, CURVE_HEADER, text, err);
    free(text);
    return rc;
}

static int append_choice(const char *path, const char *id, const int *chosen,
                         enum elbow_rule selected, errmsg_t *err)
{
    char text[RULE_COUNT * CSV_ROW_MAX], k[16];
    size_t used = 0;
    for (int r = 0; r < RULE_COUNT; r++) {
        /* an undefined choice is an empty cell */
        if (chosen[r] > 0)
            snprintf(k, sizeof k, "%d", chosen[r]);
        else
            k[0] = '\0';
        used += (size_t)snprintf(text + used, CSV_ROW_MAX, "%s,%s,%s,%s\n", id,
                                 rules_names[r], k,
                                 r == (int)selected ? "true" : "false");
    }
    return append_block(path, CHOICE_HEADER, text, err);
}

static void print_curve(const struct elbow_point *curve, int nk, const int *chosen,
                        enum elbow_rule selected)
{
    printf("\nelbow curve (mean over folds; std over folds)\n");
    printf("%4s %12s %10s %14s %8s %9s\n", "k", "silhouette", "std", "inertia",
           "n_iter", "seconds");
    for (int i = 0; i < nk; i++)
        printf("%4d %12.6f %10.6f %14.6g %8.1f %9.3f\n", curve[i].k,
               curve[i].silhouette_mean, curve[i].silhouette_std,
               curve[i].inertia_mean, curve[i].n_iter_mean, curve[i].seconds);
    bool agree = true;
    for (int r = 0; r < RULE_COUNT; r++) {
        printf("rule %-9s -> k = ", rules_names[r]);
        if (chosen[r] > 0)
            printf("%d%s\n", chosen[r], r == (int)selected ? "   (chosen_k)" : "");
        else
            printf("undefined%s\n", r == (int)selected ? "   (chosen_k)" : "");
        agree = agree && chosen[r] == chosen[0];
    }
    if (!agree)
        printf("note: the rules disagree; chosen_k = %d comes from --rule %s\n",
               chosen[selected], rules_names[selected]);
}

int elbow_output_write(const struct elbow *e, const char *output_dir,
                       enum elbow_rule rule, const char *run_id, errmsg_t *err)
{
    struct elbow_point *curve = malloc((size_t)e->nk * sizeof *curve);
    if (curve == NULL)
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory");
    int chosen[RULE_COUNT];
    elbow_curve(e, curve);
    elbow_choose(curve, e->nk, chosen);
    char path[OUTPUT_PATH_MAX], id[2 * CSV_ID_MAX + 3];
    int rc = csv_field(id, sizeof id, run_id) < 0
                 ? errmsg_set(err, STATUS_IO, "run id too long")
                 : output_path(path, sizeof path, output_dir, "elbow.csv", err);
    if (rc == STATUS_OK)
        rc = append_curve(path, id, curve, e->nk, err);
    if (rc == STATUS_OK)
        rc = output_path(path, sizeof path, output_dir, "elbow_choice.csv", err);
    if (rc == STATUS_OK)
        rc = append_choice(path, id, chosen, rule, err);
    if (rc == STATUS_OK)
        print_curve(curve, e->nk, chosen, rule);
    free(curve);
    return rc;
}
