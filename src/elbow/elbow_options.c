/* elbow_options: see elbow_options.h. */
#include "elbow/elbow_options.h"

#include <getopt.h>
#include <stdio.h>

#include "base/optparse.h"

#define SAMPLES_MAX 100000000L
#define FEATURES_MAX 100000L
#define REPEATS_MAX 1000000L /* --n-init, as --repeats */
#define ITER_MAX 1000000L
/* Matrices of the full problem size the workload holds at once. */
#define ELBOW_COPIES 3

enum {
    OPT_SAMPLES = 1, OPT_FEATURES, OPT_CENTERS, OPT_CLUSTER_STD, OPT_K_MIN, OPT_K_MAX,
    OPT_FOLDS, OPT_N_INIT, OPT_MAX_ITER, OPT_TOL, OPT_PCA, OPT_NO_SCALE, OPT_DATA,
    OPT_SAVE_DATA, OPT_LABEL_COLUMN, OPT_PARALLEL, OPT_RULE
};

const struct option elbow_long_options[] = {
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"features", required_argument, NULL, OPT_FEATURES},
    {"centers", required_argument, NULL, OPT_CENTERS},
    {"cluster-std", required_argument, NULL, OPT_CLUSTER_STD},
    {"k-min", required_argument, NULL, OPT_K_MIN},
    {"k-max", required_argument, NULL, OPT_K_MAX},
    {"folds", required_argument, NULL, OPT_FOLDS},
    {"n-init", required_argument, NULL, OPT_N_INIT},
    {"max-iter", required_argument, NULL, OPT_MAX_ITER},
    {"tol", required_argument, NULL, OPT_TOL},
    {"pca", required_argument, NULL, OPT_PCA},
    {"no-scale", no_argument, NULL, OPT_NO_SCALE},
    {"data", required_argument, NULL, OPT_DATA},
    {"save-data", required_argument, NULL, OPT_SAVE_DATA},
    {"label-column", required_argument, NULL, OPT_LABEL_COLUMN},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"rule", required_argument, NULL, OPT_RULE},
    {NULL, 0, NULL, 0}
};

const char elbow_usage[] =
"elbow:\n"
"      --samples N --features N --centers N --cluster-std X\n"
"                         generated blobs (default 10000, 100, 7, 1.0)\n"
"      --data FILE.csv    load a numeric CSV instead (header detected)\n"
"      --label-column N   0-based column of FILE.csv to drop (labels)\n"
"      --save-data FILE.csv  write the data set used\n"
"      --k-min N --k-max N  cluster range (default 2..14)\n"
"      --folds N          cross-validation folds (default 5)\n"
"      --n-init N         k-means restarts (default 10)\n"
"      --max-iter N       Lloyd iteration cap (default 300)\n"
"      --tol X            relative tolerance (default 1e-4)\n"
"      --pca N            PCA components, 0 = off (default 2)\n"
"      --no-scale         skip the standard scaler\n"
"      --parallel over-k|tasks  parallel for over k, or one task per fit\n"
"                         (default over-k); over-k,tasks sweeps both\n"
"      --rule maxdelta|max|kneedle  rule reported as chosen_k (default maxdelta)\n"
"\n";

void elbow_options_init(void *opts)
{
    *(struct elbow_options *)opts = (struct elbow_options){
        .samples = 10000, .features = 100, .centers = 7, .cluster_std = 1.0,
        .k_min = 2, .k_max = 14, .folds = 5, .n_init = 10, .max_iter = 300,
        .tol = 1e-4, .pca = 2, .label_column = -1, .rule = RULE_MAXDELTA};
}

/* The options that pick among names, and those without a number. */
static int apply_choice(struct elbow_options *o, int id, const char *arg, errmsg_t *err)
{
    int v = 0, rc;
    switch (id) {
    case OPT_PARALLEL:
        return optparse_choice_list("--parallel", arg, elbow_strategy_names,
                                    ELBOW_STRATEGY_COUNT, (int *)o->strategies,
                                    &o->nstrategies, err);
    case OPT_RULE:
        rc = optparse_choice("--rule", arg, rules_names, RULE_COUNT, &v, err);
        o->rule = (enum elbow_rule)v;
        return rc;
    case OPT_NO_SCALE: o->no_scale = true; return STATUS_OK;
    case OPT_DATA: o->data_file = arg; return STATUS_OK;
    case OPT_SAVE_DATA: o->save_data_file = arg; return STATUS_OK;
    case OPT_LABEL_COLUMN:
        return optparse_long("--label-column", arg, 0, FEATURES_MAX, &o->label_column, err);
    default: return OPTPARSE_NOT_MINE;
    }
}

int elbow_options_apply(void *opts, int id, const char *arg, errmsg_t *err)
{
    struct elbow_options *o = opts;
    switch (id) {
    case OPT_SAMPLES: return optparse_size("--samples", arg, 3, SAMPLES_MAX, &o->samples, err);
    case OPT_FEATURES:
        return optparse_size("--features", arg, 1, FEATURES_MAX, &o->features, err);
    case OPT_CENTERS: return optparse_int("--centers", arg, 1, SAMPLES_MAX, &o->centers, err);
    case OPT_CLUSTER_STD:
        return optparse_double("--cluster-std", arg, 0.0, 1e6, &o->cluster_std, err);
    case OPT_K_MIN: return optparse_int("--k-min", arg, 2, SAMPLES_MAX, &o->k_min, err);
    case OPT_K_MAX: return optparse_int("--k-max", arg, 2, SAMPLES_MAX, &o->k_max, err);
    case OPT_FOLDS: return optparse_int("--folds", arg, 2, SAMPLES_MAX, &o->folds, err);
    case OPT_N_INIT: return optparse_int("--n-init", arg, 1, REPEATS_MAX, &o->n_init, err);
    case OPT_MAX_ITER:
        return optparse_int("--max-iter", arg, 1, ITER_MAX, &o->max_iter, err);
    case OPT_TOL: return optparse_double("--tol", arg, 0.0, 1.0, &o->tol, err);
    case OPT_PCA: return optparse_int("--pca", arg, 0, FEATURES_MAX, &o->pca, err);
    default: return apply_choice(o, id, arg, err);
    }
}

/* What the options say together; checked whether elbow runs or not, as
 * 0.1 did. */
static int check_together(const struct elbow_options *o, const struct sweep_options *sw,
                          errmsg_t *err)
{
    if (o->label_column >= 0 && o->data_file == NULL)
        return errmsg_set(err, STATUS_USAGE, "--label-column: needs --data FILE.csv "
                          "(generated data has no label column)");
    if (o->k_max < o->k_min)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d is below --k-min %d",
                          o->k_max, o->k_min);
    if (o->data_file != NULL && sw->scaling == SCALING_WEAK)
        return errmsg_set(err, STATUS_USAGE, "--scaling weak: needs generated "
                          "data; it cannot grow a --data file");
    if (o->data_file != NULL)
        return STATUS_OK; /* sample and feature counts come from the file */
    if ((size_t)o->k_max >= o->samples)
        return errmsg_set(err, STATUS_USAGE, "--k-max: %d must be below "
                          "--samples %zu", o->k_max, o->samples);
    if ((size_t)o->folds > o->samples)
        return errmsg_set(err, STATUS_USAGE, "--folds: %d exceeds --samples %zu",
                          o->folds, o->samples);
    if ((size_t)o->pca > o->features)
        return errmsg_set(err, STATUS_USAGE, "--pca: %d exceeds --features %zu",
                          o->pca, o->features);
    return STATUS_OK;
}

int elbow_options_validate(void *opts, struct sweep_options *sw, bool selected,
                           errmsg_t *err)
{
    struct elbow_options *o = opts;
    if (o->nstrategies == 0)
        o->strategies[o->nstrategies++] = ELBOW_OVER_K;
    /* Weak scaling multiplies the sample count by the largest thread count. */
    size_t scale = sw->scaling == SCALING_WEAK ? (size_t)sw->threads[sw->nthreads - 1] : 1;
    int rc = STATUS_OK;
    if (selected && o->data_file == NULL)
        rc = optparse_fits("--samples x --features", o->samples * scale, o->features,
                           sizeof(double), ELBOW_COPIES, err);
    return rc == STATUS_OK ? check_together(o, sw, err) : rc;
}

void elbow_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                       size_t cap)
{
    const struct elbow_options *o = opts;
    (void)sw;
    snprintf(buf, cap,
             "n=%zu;d=%zu;c=%d;std=%a;k=%d-%d;folds=%d;init=%d;iter=%d;tol=%a;"
             "pca=%d;noscale=%d;data=%s;label=%ld;par=%d",
             o->samples, o->features, o->centers, o->cluster_std, o->k_min, o->k_max,
             o->folds, o->n_init, o->max_iter, o->tol, o->pca, (int)o->no_scale,
             o->data_file ? o->data_file : "", o->label_column, (int)o->strategies[0]);
}
