/* elbow_output: see elbow_output.h. */
#include "elbow_output.h"

#include <stdio.h>
#include <stdlib.h>

#include "csv.h"
#include "output.h"

static const char CURVE_HEADER[] =
    "run_id,k,silhouette_mean,silhouette_std,inertia_mean,n_iter_mean,seconds";
static const char CHOICE_HEADER[] = "run_id,rule,chosen_k,selected";

static int append_curve(const char *path, const char *run_id,
                        const struct elbow_point *curve, int nk, errmsg_t *err)
{
    struct runs_file f;
    char id[2 * CSV_ID_MAX + 3], line[CSV_ROW_MAX];
    if (csv_field(id, sizeof id, run_id) < 0)
        return errmsg_set(err, STATUS_IO, "%s: run id too long", path);
    int rc = csv_append_open(&f, path, CURVE_HEADER, err);
    for (int i = 0; i < nk && rc == STATUS_OK; i++) {
        const struct elbow_point *p = &curve[i];
        snprintf(line, sizeof line, "%s,%d,%.17g,%.17g,%.17g,%.17g,%.6g\n", id,
                 p->k, p->silhouette_mean, p->silhouette_std, p->inertia_mean,
                 p->n_iter_mean, p->seconds);
        rc = csv_append_line(&f, line, err);
    }
    int close_rc = csv_runs_close(&f, rc == STATUS_OK ? err : NULL);
    return rc == STATUS_OK ? close_rc : rc;
}

static int append_choice(const char *path, const char *run_id, const int *chosen,
                         enum elbow_rule selected, errmsg_t *err)
{
    struct runs_file f;
    char id[2 * CSV_ID_MAX + 3], line[CSV_ROW_MAX];
    if (csv_field(id, sizeof id, run_id) < 0)
        return errmsg_set(err, STATUS_IO, "%s: run id too long", path);
    int rc = csv_append_open(&f, path, CHOICE_HEADER, err);
    for (int r = 0; r < RULE_COUNT && rc == STATUS_OK; r++) {
        if (chosen[r] > 0)
            snprintf(line, sizeof line, "%s,%s,%d,%s\n", id,
                     config_rule_name((enum elbow_rule)r), chosen[r],
                     r == (int)selected ? "true" : "false");
        else /* undefined: an empty cell */
            snprintf(line, sizeof line, "%s,%s,,%s\n", id,
                     config_rule_name((enum elbow_rule)r),
                     r == (int)selected ? "true" : "false");
        rc = csv_append_line(&f, line, err);
    }
    int close_rc = csv_runs_close(&f, rc == STATUS_OK ? err : NULL);
    return rc == STATUS_OK ? close_rc : rc;
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
        printf("rule %-9s -> k = ", config_rule_name((enum elbow_rule)r));
        if (chosen[r] > 0)
            printf("%d%s\n", chosen[r], r == (int)selected ? "   (chosen_k)" : "");
        else
            printf("undefined%s\n", r == (int)selected ? "   (chosen_k)" : "");
        agree = agree && chosen[r] == chosen[0];
    }
    if (!agree)
        printf("note: the rules disagree; chosen_k = %d comes from --rule %s\n",
               chosen[selected], config_rule_name(selected));
}

int elbow_output_write(const struct elbow *e, const struct config *cfg,
                       const char *run_id, errmsg_t *err)
{
    struct elbow_point *curve = malloc((size_t)e->nk * sizeof *curve);
    if (curve == NULL)
        return errmsg_set(err, STATUS_NOMEM, "elbow: out of memory");
    int chosen[RULE_COUNT];
    elbow_curve(e, curve);
    elbow_choose(curve, e->nk, chosen);
    char path[OUTPUT_PATH_MAX];
    int rc = output_path(path, sizeof path, cfg->output_dir, "elbow.csv", err);
    if (rc == STATUS_OK)
        rc = append_curve(path, run_id, curve, e->nk, err);
    if (rc == STATUS_OK)
        rc = output_path(path, sizeof path, cfg->output_dir, "elbow_choice.csv", err);
    if (rc == STATUS_OK)
        rc = append_choice(path, run_id, chosen, cfg->rule, err);
    if (rc == STATUS_OK)
        print_curve(curve, e->nk, chosen, cfg->rule);
    free(curve);
    return rc;
}
