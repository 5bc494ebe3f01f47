/* elbow_options: the elbow search's command-line options (the data:
 * generated blobs or --data; k-means and cross-validation; the rule):
 * their defaults, parsing, checks, help text and part of the configuration
 * key, reached through elbow_kind. */
#ifndef OMPSWEEP_ELBOW_ELBOW_OPTIONS_H
#define OMPSWEEP_ELBOW_ELBOW_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "elbow/elbow.h"
#include "elbow/rules.h"
#include "study/run/sweep_options.h"


struct elbow_options {
    size_t samples, features;
    int centers;
    double cluster_std;
    int k_min, k_max, folds, n_init, max_iter, pca;
    double tol;
    bool no_scale;
    const char *data_file;      /* --data, NULL = generate blobs */
    const char *save_data_file; /* --save-data, NULL = don't */
    long label_column;          /* -1 = none */
    enum elbow_strategy strategies[ELBOW_STRATEGY_COUNT]; /* --parallel */
    int nstrategies;
    enum elbow_rule rule;
};

extern const struct option elbow_long_options[];
extern const char elbow_usage[];

void elbow_options_init(void *opts);
int elbow_options_apply(void *opts, int id, const char *arg, errmsg_t *err);
int elbow_options_validate(void *opts, struct sweep_options *sw, bool selected,
                           errmsg_t *err);
void elbow_options_key(const void *opts, const struct sweep_options *sw, char *buf,
                       size_t cap);

#endif
