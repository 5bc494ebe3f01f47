/* Tests of the registry as the one place that names the workloads: a
 * workload of the tests (fake_workload.c, its own files) joins with one
 * row (fake_study.c) and then has its options parsed, refused, named in
 * messages and listed in --help, takes part in `all` and the key, while
 * what the program's own workloads say stays exactly as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_study.h"
#include "harness.h"

static struct config cfg;

static int parse_with(const struct registry *reg, int argc, char **argv, errmsg_t *err)
{
    return config_parse_with(reg, argc, argv, &cfg, err);
}

/* The --help text of a registry, malloc'd. */
static char *help_of(const struct registry *reg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CHECK(out != NULL);
    if (out == NULL)
        return NULL;
    config_usage(reg, out);
    fclose(out);
    return text;
}

/* Remove the first occurrence of `part` from text, in place. */
static bool cut(char *text, const char *part)
{
    char *at = strstr(text, part);
    if (at == NULL)
        return false;
    memmove(at, at + strlen(part), strlen(at + strlen(part)) + 1);
    return true;
}

/* --help gains the fake's line and section, in their places, and nothing
 * else changes: the built-in text is the fake text without them. */
static void test_help(void)
{
    char *builtin = help_of(&registry_builtin), *fake = help_of(&fake_registry);
    if (builtin == NULL || fake == NULL)
        return;
    CHECK(strstr(fake, "WORKLOAD: bogosort|elbow|exec|fake|all") != NULL);
    char line[128];
    snprintf(line, sizeof line, "  %-22s %s\n", "fake", fake_kind.summary);
    CHECK(strstr(fake, line) != NULL);
    /* built-in workloads' sections, then the fake's, then compare's */
    const char *elbow = strstr(fake, "elbow:\n"), *own = strstr(fake, fake_kind.usage),
               *compare = strstr(fake, "compare (BASE, NEW");
    CHECK(elbow != NULL && own != NULL && compare != NULL && elbow < own && own < compare);
    CHECK(cut(fake, line) && cut(fake, fake_kind.usage) && cut(fake, "|fake"));
    CHECK_STR(fake, builtin);
    free(builtin);
    free(fake);
}

/* Its options parse and enter its key; a bad value is refused naming the
 * option; a start of its names is no option; `all` takes it. */
static void test_options(void)
{
    errmsg_t err;
    char a[CONFIG_KEY_LEN], b[CONFIG_KEY_LEN], c[CONFIG_KEY_LEN];
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "--fake-n", "5", "-t", "1"), &err) ==
          STATUS_OK);
    CHECK(cfg.workloads == 1u << 3);
    config_key(&cfg, a, sizeof a);
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "--fake-n", "5", "-t", "2"), &err) ==
          STATUS_OK);
    config_key(&cfg, b, sizeof b);
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "--fake-n", "6", "-t", "1"), &err) ==
          STATUS_OK);
    config_key(&cfg, c, sizeof c);
    CHECK_STR(a, b); /* thread counts are swept, not keyed */
    CHECK(strcmp(a, c) != 0);
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "--fake-n", "0"), &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--fake-n: '0' is out of range (accepted 1..1000)");
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "--fake", "3"), &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--fake: unknown option; did you mean --fake-n, --fake-variants, "
                        "--fake-wrong or --fake-fail?");
    CHECK(parse_with(&fake_registry, FAKE_ARGS("--fake-wrong", "2", "bogosort"), &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, "--fake-wrong: only for fake");
    CHECK(parse_with(&fake_registry, FAKE_ARGS("all", "-t", "1"), &err) == STATUS_OK);
    CHECK(cfg.workloads == (1u | 2u | 8u)); /* bogosort, elbow, fake: not exec */
    CHECK(parse_with(&fake_registry, FAKE_ARGS("summarize", "--fake-n", "3", "x"), &err) ==
          STATUS_USAGE);
    CHECK_STR(err.text, "--fake-n: not an option of summarize (usage: ompsweep summarize "
                        "RUNS.csv|DIR... [-o DIR])");
}

/* The built-in workloads' keys do not change when a row is added (files
 * written before stay resumable), and every long option has its own name. */
static void test_builtin_unchanged(void)
{
    static const char *const lines[][8] = {
        {"bogosort", "--rows", "20", "-t", "1", NULL},
        {"elbow", "--samples", "60", "--k-max", "4", "-t", "1", NULL},
        {"all", "--scaling", "weak", "-t", "1,2", NULL},
        {"exec", "-t", "1", "--", "/bin/true", NULL},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char *argv[10] = {"ompsweep"};
        int argc = 1;
        for (int j = 0; lines[i][j] != NULL; j++)
            argv[argc++] = (char *)lines[i][j];
        char builtin[CONFIG_KEY_LEN], fake[CONFIG_KEY_LEN];
        errmsg_t err;
        char *copy[10];
        memcpy(copy, argv, sizeof copy);
        CHECK_MSG(config_parse(argc, argv, &cfg, &err) == STATUS_OK, "%s", err.text);
        config_key(&cfg, builtin, sizeof builtin);
        unsigned bits = cfg.workloads;
        CHECK_MSG(parse_with(&fake_registry, argc, copy, &err) == STATUS_OK, "%s", err.text);
        config_key(&cfg, fake, sizeof fake);
        /* `all` takes the fake too: its bit and part are in that key */
        if (strcmp(lines[i][0], "all") != 0)
            CHECK_MSG(strcmp(builtin, fake) == 0 && bits == cfg.workloads, "%s", lines[i][0]);
    }
    for (int i = 0; cfg.long_options[i].name != NULL; i++)
        for (int j = i + 1; cfg.long_options[j].name != NULL; j++)
            CHECK_MSG(strcmp(cfg.long_options[i].name, cfg.long_options[j].name) != 0,
                      "--%s twice", cfg.long_options[i].name);
}

/* The study request lists the selected rows in the registry's order with
 * their own options. */
static void test_request(void)
{
    errmsg_t err;
    struct study_request req;
    CHECK(parse_with(&fake_registry, FAKE_ARGS("fake", "bogosort", "-t", "1"), &err) ==
          STATUS_OK);
    config_study_request(&cfg, "00000000", 1, (char *[]){"ompsweep", NULL}, &req);
    CHECK(req.nworkloads == 2);
    if (req.nworkloads == 2) {
        CHECK(req.workloads[0].kind == fake_registry.rows[0] &&
              req.workloads[0].opts == config_workload_options(&cfg, "bogosort"));
        CHECK(req.workloads[1].kind == &fake_kind &&
              req.workloads[1].opts == config_workload_options(&cfg, "fake"));
    }
    CHECK(req.sweep == &cfg.sweep && req.sweep->nthreads == 1);
}

int main(void)
{
    RUN(test_help);
    RUN(test_options);
    RUN(test_builtin_unchanged);
    RUN(test_request);
    return harness_report();
}
