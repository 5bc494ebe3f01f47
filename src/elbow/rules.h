/* rules: pick the elbow k from the curves over a cluster range. Each returns
 * an index into the range (0 = k_min), or -1 when the rule is undefined
 * (fewer than 2 points, NaN scores, a flat curve, no knee found). */
#ifndef OMPSWEEP_ELBOW_RULES_H
#define OMPSWEEP_ELBOW_RULES_H

/* The rules, in the order they are reported. */
enum elbow_rule { RULE_MAXDELTA, RULE_MAX, RULE_KNEEDLE, RULE_COUNT };

/* Names of the rules, as on the command line and in elbow_choice.csv. */
extern const char *const rules_names[RULE_COUNT];

/* The source notebook's rule: argmax of the score differences, plus one
 * (np.argmax: the first maximum wins). */
int rules_maxdelta(const double *score, int n);

/* argmax of the score (first maximum wins). */
int rules_max(const double *score, int n);

/* Kneedle (Satopaa et al. 2011) on a decreasing convex curve y(x), as the
 * kneed package computes it offline with S = 1: normalise to [0, 1], take the
 * difference curve (1 - y) - x, and return the first local maximum after
 * which the difference drops below that maximum minus the mean x step. */
int rules_kneedle(const double *x, const double *y, int n);

#endif
