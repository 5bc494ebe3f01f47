/* Tests of the config module: thread lists, schedules, option values and
 * their one-line error messages. */
#include <stdlib.h>

#include "bogosort/bogosort_options.h"
#include "config.h"
#include "elbow/elbow_options.h"
#include "exec/exec_options.h"
#include "study/record/affinity.h"
#include "registry.h"
#include "harness.h"

/* Each workload's own options, as its code sees them. */
#define BOGO(c) ((const struct bogosort_options *)config_workload_options((c), "bogosort"))
#define ELBOW(c) ((const struct elbow_options *)config_workload_options((c), "elbow"))
#define EXEC(c) ((const struct exec_options *)config_workload_options((c), "exec"))

static int parse(struct config *cfg, errmsg_t *err, int argc, char **argv)
{
    return config_parse(argc, argv, cfg, err);
}

#define PARSE(cfg, err, ...)                                                  \
    parse((cfg), (err), (int)(sizeof((char *[]){"ompsweep", __VA_ARGS__}) /  \
                              sizeof(char *)),                              \
          (char *[]){"ompsweep", __VA_ARGS__, NULL})

static int threads(const char *text, int nprocs, int *out, int *n, errmsg_t *err)
{
    return config_parse_threads(text, nprocs, out, n, err);
}

static void test_thread_lists(void)
{
    int t[CONFIG_MAX_THREAD_COUNTS], n;
    errmsg_t err;
    CHECK(threads("1,2,4", 8, t, &n, &err) == STATUS_OK && n == 3 && t[2] == 4);
    CHECK(threads("1-8", 8, t, &n, &err) == STATUS_OK && n == 8 && t[7] == 8);
    CHECK(threads("1-16:2", 8, t, &n, &err) == STATUS_OK && n == 8 && t[1] == 3 &&
          t[7] == 15);
    CHECK(threads("max", 6, t, &n, &err) == STATUS_OK && n == 1 && t[0] == 6);
    CHECK(threads("4,1-2,max,2", 8, t, &n, &err) == STATUS_OK && n == 4 &&
          t[0] == 1 && t[1] == 2 && t[2] == 4 && t[3] == 8);
}

static void test_thread_list_errors(void)
{
    int t[CONFIG_MAX_THREAD_COUNTS], n;
    errmsg_t err;
    CHECK(threads("2-1", 8, t, &n, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--threads: range '2-1' is empty (start > end)");
    CHECK(threads("0", 8, t, &n, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--threads: bad entry '0' (expected N, A-B or A-B:STEP "
                        "with counts 1..4096, or max)");
    const char *bad[] = {"", "1,,2", "a", "1-", "-1", "1-8:0", "5000", "1:2",
                         "1-4:", "2.5", "1-2-3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(threads(bad[i], 8, t, &n, &err) == STATUS_USAGE, "'%s'", bad[i]);
}

static void test_schedules(void)
{
    struct schedule s;
    errmsg_t err;
    CHECK(config_parse_schedule("guided", &s, &err) == STATUS_OK &&
          s.kind == SCHEDULE_GUIDED && s.chunk == 0);
    CHECK(config_parse_schedule("dynamic,4", &s, &err) == STATUS_OK &&
          s.kind == SCHEDULE_DYNAMIC && s.chunk == 4);
    CHECK_STR(s.text, "dynamic,4");
    CHECK(config_parse_schedule("auto", &s, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--schedule: unknown value 'auto' (accepted static|dynamic|guided)");
    CHECK(config_parse_schedule("static,0", &s, &err) == STATUS_USAGE);
}

static void test_defaults(void)
{
    struct config cfg;
    errmsg_t err;
    unsetenv("OMP_NUM_THREADS");
    CHECK(PARSE(&cfg, &err, "bogosort") == STATUS_OK);
    CHECK(cfg.workloads == WORKLOAD_BOGOSORT && cfg.sweep.repeats == 5 && cfg.sweep.warmup == 1);
    CHECK(cfg.sweep.seed == 42 && BOGO(&cfg)->rows == 1000 && BOGO(&cfg)->cols == 8 && BOGO(&cfg)->max_value == 100);
    CHECK(BOGO(&cfg)->npartitions == 1 && BOGO(&cfg)->partitions[0] == BOGOSORT_ROWS);
    CHECK(cfg.sweep.nschedules == 1 && cfg.sweep.schedules[0].kind == SCHEDULE_DYNAMIC);
    CHECK(ELBOW(&cfg)->nstrategies == 1 && ELBOW(&cfg)->strategies[0] == ELBOW_OVER_K);
    CHECK(cfg.sweep.nbinds == 0 && cfg.sweep.nplaces == 0);
    CHECK(cfg.sweep.nthreads >= 1 && cfg.sweep.threads[0] == 1);
    CHECK(ELBOW(&cfg)->k_min == 2 && ELBOW(&cfg)->k_max == 14 && ELBOW(&cfg)->folds == 5 && ELBOW(&cfg)->pca == 2);
}

static void test_options(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "all", "-t", "1,2", "-r", "3", "--rows", "10",
                "--partition", "chunks", "-o", "out", "--seed", "18446744073709551615") ==
          STATUS_OK);
    CHECK(cfg.workloads == (WORKLOAD_BOGOSORT | WORKLOAD_ELBOW) && cfg.sweep.nthreads == 2);
    CHECK(cfg.sweep.repeats == 3 && BOGO(&cfg)->rows == 10 && BOGO(&cfg)->npartitions == 1 &&
          BOGO(&cfg)->partitions[0] == BOGOSORT_CHUNKS);
    CHECK(cfg.sweep.seed == UINT64_MAX && cfg.sweep.output_given);
    CHECK(PARSE(&cfg, &err, "summarize", "a.csv", "b.csv") == STATUS_OK);
    CHECK(cfg.action == ACTION_SUMMARIZE && cfg.ninputs == 2);
    CHECK(PARSE(&cfg, &err, "--help") == STATUS_OK && cfg.action == ACTION_HELP);
}

/* Repeatable options keep each value once, in order; lists likewise. */
static void test_dimensions(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "all", "--schedule", "static", "--schedule", "guided,4",
                "--schedule", "static", "--bind", "close", "--bind", "spread,close",
                "--places", "{0:2}:2:2", "--places", "cores(2)", "--partition",
                "rows,chunks,rows", "--parallel", "tasks,over-k") == STATUS_OK);
    CHECK(cfg.sweep.nschedules == 2);
    CHECK_STR(cfg.sweep.schedules[0].text, "static");
    CHECK_STR(cfg.sweep.schedules[1].text, "guided,4");
    CHECK(cfg.sweep.nbinds == 2);
    CHECK_STR(cfg.sweep.binds[1], "spread,close");
    CHECK(cfg.sweep.nplaces == 2);
    CHECK_STR(cfg.sweep.places[0], "{0:2}:2:2");
    CHECK(BOGO(&cfg)->npartitions == 2 && BOGO(&cfg)->partitions[0] == BOGOSORT_ROWS &&
          BOGO(&cfg)->partitions[1] == BOGOSORT_CHUNKS);
    CHECK(ELBOW(&cfg)->nstrategies == 2 && ELBOW(&cfg)->strategies[0] == ELBOW_TASKS);
    CHECK(PARSE(&cfg, &err, "bogosort", "--partition", "rows,blocks") == STATUS_USAGE);
    CHECK_STR(err.text, "--partition: unknown value 'blocks' (accepted chunks|rows)");
}

/* The OMP_PLACES grammar: what the runtime accepts, and the place count. */
static void test_places_syntax(void)
{
    static const struct { const char *text; int count; } ok[] = {
        {"threads", 0}, {"cores(4)", 4}, {"numa_domains", 0}, {"{0}", 1},
        {"{0},{1}", 2}, {"{0:4}:2:4", 2}, {"{0,1,2,3},{4:4}", 2}, {"{0:2:2},{1:2:2}", 2},
        {"{0}:4:-1", 4}, {"{0,!1}", 1}, {"{0},!{1}", 0}};
    static const char *const bad[] = {"{0", "cores(0)", "core", "{}", "{0}:0",
                                      "{0},", "{0}x", "threads(2", "{-1}", "{0:0}", ""};
    errmsg_t err;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int count = -1;
        CHECK(affinity_check_places("--places", ok[i].text, &count, &err) == STATUS_OK);
        CHECK(count == ok[i].count);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int count;
        CHECK(affinity_check_places("--places", bad[i], &count, &err) == STATUS_USAGE);
    }
    CHECK(affinity_check_bind("--bind", "spread,close", &err) == STATUS_OK);
    CHECK(affinity_check_bind("--bind", "master", &err) == STATUS_OK);
    CHECK(affinity_check_bind("--bind", "true,close", &err) == STATUS_USAGE);
    CHECK(affinity_check_bind("--bind", "close,", &err) == STATUS_USAGE);
}

static void test_omp_num_threads(void)
{
    struct config cfg;
    errmsg_t err;
    setenv("OMP_NUM_THREADS", "3,2", 1);
    CHECK(PARSE(&cfg, &err, "bogosort") == STATUS_OK);
    CHECK(cfg.sweep.nthreads == 1 && cfg.sweep.threads[0] == 3);
    CHECK(PARSE(&cfg, &err, "bogosort", "-t", "1,2") == STATUS_OK && cfg.sweep.nthreads == 2);
    setenv("OMP_NUM_THREADS", "zero", 1);
    CHECK(PARSE(&cfg, &err, "bogosort") == STATUS_USAGE);
    CHECK_STR(err.text, "OMP_NUM_THREADS: 'zero' is not an integer (accepted 1..4096)");
    unsetenv("OMP_NUM_THREADS");
}

struct bad_case {
    const char *opt, *value, *message;
};

static void test_value_errors(void)
{
    static const struct bad_case cases[] = {
        {"--rows", "-5", "--rows: '-5' is out of range (accepted 1..1000000000)"},
        {"--rows", "99999999999999999999",
         "--rows: '99999999999999999999' is out of range (accepted 1..1000000000)"},
        {"--rows", "12x", "--rows: '12x' is not an integer (accepted 1..1000000000)"},
        {"--cols", "17", "--cols: '17' is out of range (accepted 1..16)"},
        {"--repeats", "0", "--repeats: '0' is out of range (accepted 1..1000000)"},
        {"--seed", "-1", "--seed: '-1' is not a non-negative integer "
                         "(accepted 0..18446744073709551615)"},
        {"--partition", "cols", "--partition: unknown value 'cols' (accepted chunks|rows)"},
        {"--rule", "best", "--rule: unknown value 'best' (accepted maxdelta|max|kneedle)"},
        {"--parallel", "x", "--parallel: unknown value 'x' (accepted over-k|tasks)"},
        {"--cluster-std", "nan", "--cluster-std: 'nan' is not a finite number "
                                 "(accepted 0..1e+06)"},
        {"--k-min", "1", "--k-min: '1' is out of range (accepted 2..100000000)"},
        {"--folds", "1", "--folds: '1' is out of range (accepted 2..100000000)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config cfg;
        errmsg_t err;
        char *argv[] = {"ompsweep", "all", (char *)cases[i].opt,
                        (char *)cases[i].value, NULL};
        CHECK(config_parse(4, argv, &cfg, &err) == STATUS_USAGE);
        CHECK_STR(err.text, cases[i].message);
    }
}

static void test_usage_errors(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "-t", "1") == STATUS_USAGE);
    CHECK_STR(err.text, "missing WORKLOAD (bogosort|elbow|exec|all; see --help)");
    CHECK(PARSE(&cfg, &err, "sort") == STATUS_USAGE);
    CHECK_STR(err.text, "unknown workload 'sort' (accepted bogosort|elbow|exec|all)");
    CHECK(PARSE(&cfg, &err, "all", "--bogus") == STATUS_USAGE);
    CHECK_STR(err.text, "--bogus: unknown option (see --help)");
    CHECK(PARSE(&cfg, &err, "all", "--rows") == STATUS_USAGE);
    CHECK_STR(err.text, "--rows: missing value");
    CHECK(PARSE(&cfg, &err, "all", "-x") == STATUS_USAGE);
    CHECK_STR(err.text, "-x: unknown option (see --help)");
    CHECK(PARSE(&cfg, &err, "summarize") == STATUS_USAGE);
}

static void test_elbow_ranges(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "elbow", "--k-min", "5", "--k-max", "4") == STATUS_USAGE);
    CHECK_STR(err.text, "--k-max: 4 is below --k-min 5");
    CHECK(PARSE(&cfg, &err, "elbow", "--samples", "10", "--k-max", "10") == STATUS_USAGE);
    CHECK_STR(err.text, "--k-max: 10 must be below --samples 10");
    CHECK(PARSE(&cfg, &err, "elbow", "--samples", "10", "--k-max", "5", "--folds",
                "11") == STATUS_USAGE);
    CHECK_STR(err.text, "--folds: 11 exceeds --samples 10");
    CHECK(PARSE(&cfg, &err, "elbow", "--features", "3", "--pca", "4") == STATUS_USAGE);
}

static void test_size_overflow(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "elbow", "--samples", "100000000", "--features",
                "100000") == STATUS_USAGE);
    CHECK(strncmp(err.text, "--samples x --features: 100000000 x 100000 needs "
                  "more than the ", 60) == 0);
    CHECK(PARSE(&cfg, &err, "bogosort", "--rows", "1000000000", "--cols", "16",
                "--scaling", "weak", "-t", "4096") == STATUS_USAGE);
    CHECK(strncmp(err.text, "--rows x --cols: 4096000000000 x 16 needs", 40) == 0);
    CHECK(PARSE(&cfg, &err, "bogosort", "--rows", "1000000", "--cols", "16") ==
          STATUS_OK);
}

/* Regression (fuzz_options): after an error inside an option cluster
 * ("-zq"), getopt kept a pointer to the rest of it, and the next parse, of
 * another command line, read that as options. */
static void test_getopt_state_reset(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "-zq", "bogosort") == STATUS_USAGE);
    CHECK_STR(err.text, "-z: unknown option (see --help)");
    CHECK(PARSE(&cfg, &err, "bogosort") == STATUS_OK && !cfg.sweep.quiet);
    CHECK(PARSE(&cfg, &err, "-zr", "bogosort") == STATUS_USAGE);
    CHECK(PARSE(&cfg, &err, "-t", "1") == STATUS_USAGE);
    CHECK_STR(err.text, "missing WORKLOAD (bogosort|elbow|exec|all; see --help)");
}

/* Regression (fuzz_options): a flag given a value ("--no-scale=1") was
 * named by getopt's id for it, a control character for long-only flags. */
static void test_flag_given_value(void)
{
    struct config cfg;
    errmsg_t err;
    CHECK(PARSE(&cfg, &err, "elbow", "--no-scale=1") == STATUS_USAGE);
    CHECK_STR(err.text, "--no-scale: takes no value");
    CHECK(PARSE(&cfg, &err, "bogosort", "--resume=x") == STATUS_USAGE);
    CHECK_STR(err.text, "--resume: takes no value");
    CHECK(PARSE(&cfg, &err, "bogosort", "--quiet=yes") == STATUS_USAGE);
    CHECK_STR(err.text, "--quiet: takes no value");
    CHECK(PARSE(&cfg, &err, "bogosort", "--bogus=1") == STATUS_USAGE);
    CHECK_STR(err.text, "--bogus=1: unknown option (see --help)");
}

/* Regression (fuzz_threads): a value holding a carriage return or newline
 * was quoted as it was, and the message was no longer one line. */
static void test_messages_one_line(void)
{
    int t[CONFIG_MAX_THREAD_COUNTS], n;
    struct config cfg;
    errmsg_t err;
    CHECK(threads("1,m\rx", 8, t, &n, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--threads: bad entry 'm?x' (expected N, A-B or "
                        "A-B:STEP with counts 1..4096, or max)");
    CHECK(PARSE(&cfg, &err, "bogo\nsort") == STATUS_USAGE);
    CHECK_STR(err.text, "unknown workload 'bogo?sort' (accepted bogosort|elbow|exec|all)");
}

/* Regression (fuzz_options): a schedule spelt longer than its CSV field
 * ("dynamic," and 28 digits) was cut there, to another chunk size. */
static void test_schedule_text_as_parsed(void)
{
    struct schedule s;
    errmsg_t err;
    CHECK(config_parse_schedule("dynamic,0000000000000000000000000004", &s, &err) ==
              STATUS_OK && s.chunk == 4);
    CHECK_STR(s.text, "dynamic,4");
    CHECK(config_parse_schedule("guided,016", &s, &err) == STATUS_OK);
    CHECK_STR(s.text, "guided,16");
    /* digits only: a '+' is refused, as in every integer (-t +2) */
    CHECK(config_parse_schedule("guided,+16", &s, &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--schedule chunk: '+16' is not an integer (accepted 1..1000000000)");
    CHECK(config_parse_schedule("static", &s, &err) == STATUS_OK);
    CHECK_STR(s.text, "static");
}

int main(void)
{
    RUN(test_thread_lists);
    RUN(test_thread_list_errors);
    RUN(test_schedules);
    RUN(test_defaults);
    RUN(test_options);
    RUN(test_omp_num_threads);
    RUN(test_value_errors);
    RUN(test_usage_errors);
    RUN(test_elbow_ranges);
    RUN(test_size_overflow);
    RUN(test_getopt_state_reset);
    RUN(test_flag_given_value);
    RUN(test_messages_one_line);
    RUN(test_schedule_text_as_parsed);
    RUN(test_dimensions);
    RUN(test_places_syntax);
    return harness_report();
}
