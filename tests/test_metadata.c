/* Tests of the metadata module: metadata.json is a JSON array that grows by
 * one object per run, strings are escaped, foreign files are refused and
 * left alone, write failures are reported; the affinity of each block and
 * the CPUs counted are written as documented. */
#include <dirent.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "study/record/envinfo.h"
#include "study/record/metadata.h"

enum {
    TMPDIR_CAP = 64, /* the mkdtemp template below, with room to spare */
    PATH_CAP = 512
};

static char tmpdir[TMPDIR_CAP];

/* A fresh path inside the test directory (the file does not exist yet). */
static const char *fresh_path(char *buf, const char *name)
{
    snprintf(buf, PATH_CAP, "%s/%s", tmpdir, name);
    unlink(buf);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    size_t got;
    while (text != NULL && (got = fread(text + n, 1, cap - 1 - n, in)) > 0) {
        n += got;
        if (n == cap - 1) {
            char *grown = realloc(text, 2 * cap);
            if (grown == NULL)
                free(text);
            text = grown;
            cap *= 2;
        }
    }
    fclose(in);
    if (text != NULL)
        text[n] = '\0';
    return text;
}

static bool spit(const char *path, const char *text)
{
    FILE *out = fopen(path, "wb");
    if (out == NULL)
        return false;
    bool ok = fputs(text, out) >= 0;
    return fclose(out) == 0 && ok;
}

/* A structural JSON check: brackets and braces balance outside strings,
 * strings end, hold no raw control characters and only JSON escapes, and the
 * text is one array. Returns the number of objects directly in the array,
 * or -1 when the structure is broken. */
static int array_objects(const char *text)
{
    char stack[64];
    int depth = 0, objects = 0;
    bool in_string = false;
    const char *p = text + strspn(text, " \t\r\n");
    if (*p != '[')
        return -1;
    for (; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (in_string) {
            if (c < 0x20)
                return -1;
            if (c == '\\') {
                p++;
                if (*p == '\0' || strchr("\"\\/bfnrtu", *p) == NULL)
                    return -1;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (depth == (int)sizeof stack)
                return -1;
            objects += depth == 1 && c == '{';
            stack[depth++] = (char)c;
        } else if (c == ']' || c == '}') {
            if (depth == 0 || stack[--depth] != (c == ']' ? '[' : '{'))
                return -1;
            if (depth == 0 && p[1 + strspn(p + 1, " \t\r\n")] != '\0')
                return -1; /* text after the array */
        }
    }
    return depth == 0 && !in_string ? objects : -1;
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *sample_argv[] = {"ompsweep", "-t", "1,2", "bogosort"};
static const int sample_threads[] = {1, 2};

static struct metadata_run sample_run(const char *run_id)
{
    return (struct metadata_run){
        .run_id = run_id, .config_key = "bogosort rows=1000 cols=8",
        .start_time = "2026-01-02T03:04:05Z", .end_time = "2026-01-02T03:04:09Z",
        .output_dir = tmpdir, .argc = 4, .argv = sample_argv,
        .threads = sample_threads, .nthreads = 2, .repeats = 5, .warmup = 1,
        .seed = 42, .warnings = NULL, .nwarnings = 0, .interrupted = false,
        .exit_status = 0};
}

/* Only `name` is in the test directory: no temporary file was left behind. */
static bool only_file(const char *name)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    bool ok = d != NULL;
    while (ok && (e = readdir(d)) != NULL)
        ok = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
             strcmp(e->d_name, name) == 0;
    if (d != NULL)
        closedir(d);
    return ok;
}

static void test_append_twice(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    struct metadata_run a = sample_run("run-one"), b = sample_run("run-two");
    CHECK(metadata_append(path, &a, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(text != NULL && array_objects(text) == 1);
    free(text);
    CHECK(metadata_append(path, &b, &err) == STATUS_OK);
    text = slurp(path);
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK_MSG(array_objects(text) == 2, "%s", text);
        CHECK(count_of(text, "\"run_id\": \"run-one\"") == 1);
        CHECK(count_of(text, "\"run_id\": \"run-two\"") == 1);
        CHECK(strstr(text, "\"run_id\": \"run-one\"") <
              strstr(text, "\"run_id\": \"run-two\""));
        CHECK(strncmp(text, "[\n  {\n    \"run_id\": ", 20) == 0);
        CHECK(strlen(text) > 6 && strcmp(text + strlen(text) - 6, "  }\n]\n") == 0);
    }
    free(text);
    CHECK(only_file("metadata.json"));
    unlink(path);
}

static void test_fields(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    struct metadata_run r = sample_run("fields");
    r.seed = UINT64_MAX;
    r.interrupted = true;
    r.exit_status = 130;
    setenv("SLURM_JOB_ID", "4242", 1);
    unsetenv("PBS_JOBID");
    setenv("OMP_TEST_METADATA", "a\"b", 1);
    CHECK(metadata_append(path, &r, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(text != NULL && array_objects(text) == 1);
    const char *expected[] = {
        "\"seed\": \"18446744073709551615\"", "\"interrupted\": true",
        "\"exit_status\": 130", "\"slurm_job_id\": \"4242\"", "\"pbs_jobid\": null",
        "\"threads\": [1, 2]", "\"repeats\": 5", "\"warmup\": 1",
        "\"command_line\": [\"ompsweep\", \"-t\", \"1,2\", \"bogosort\"]",
        "\"OMP_TEST_METADATA\": \"a\\\"b\"", "\"config_key\": \"bogosort rows=1000 cols=8\"",
        "\"warnings\": []", "\"cpu_model\": \"", "\"physical_cores\": ", "\"smt\": ",
        "\"caches\": [", "\"omp_places\": [", "\"omp_proc_bind\": \"", "\"affinity\": [\n",
        "\"start_time\": \"2026-01-02T03:04:05Z\"", "\"version\": \"", "\"cflags\": \""};
    for (size_t i = 0; text != NULL && i < sizeof expected / sizeof *expected; i++)
        CHECK_MSG(strstr(text, expected[i]) != NULL, "missing %s", expected[i]);
    CHECK(text != NULL && strstr(text, "\"timer_tick_s\": null") == NULL);
    unsetenv("SLURM_JOB_ID");
    unsetenv("OMP_TEST_METADATA");
    free(text);
    unlink(path);
}

/* block_affinity: a record per block, each with "cpus" as 0.2 wrote it
 * and "team", one thread per line; an unbound thread has null place. */
static void test_block_affinity(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    struct affinity_thread bound[2] = {
        {.thread = 0, .place = 0, .cpu = 0}, {.thread = 1, .place = 1, .cpu = -1}};
    struct affinity_thread unbound[1] = {{.thread = 0, .place = -1, .cpu = 3}};
    CHECK(envinfo_cpulist_parse("0", &bound[0].place_cpus) &&
          envinfo_cpulist_parse("0-1", &bound[0].partition) &&
          envinfo_cpulist_parse("0", &bound[0].cpus) &&
          envinfo_cpulist_parse("1,3", &bound[1].place_cpus) &&
          envinfo_cpulist_parse("0-1", &bound[1].partition) &&
          envinfo_cpulist_parse("1,3", &bound[1].cpus) &&
          envinfo_cpulist_parse("", &unbound[0].place_cpus) &&
          envinfo_cpulist_parse("", &unbound[0].partition) &&
          envinfo_cpulist_parse("0-3", &unbound[0].cpus));
    struct affinity_record recs[2] = {
        {.bind = "close", .places = "cores", .threads = 2, .team = 2, .thread = bound},
        {.bind = "", .places = "", .threads = 1, .team = 1, .thread = unbound}};
    struct metadata_run r = sample_run("blocks");
    r.affinity = recs;
    r.naffinity = 2;
    CHECK(metadata_append(path, &r, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(text != NULL && array_objects(text) == 1);
    const char *expected =
        "    \"block_affinity\": [\n"
        "      {\"bind\": \"close\", \"places\": \"cores\", \"threads\": 2, "
        "\"cpus\": [\"0\", \"1,3\"], \"team\": [\n"
        "        {\"thread\": 0, \"place\": 0, \"place_cpus\": \"0\", \"partition\": "
        "\"0-1\", \"cpus\": \"0\", \"cpu\": 0},\n"
        "        {\"thread\": 1, \"place\": 1, \"place_cpus\": \"1,3\", \"partition\": "
        "\"0-1\", \"cpus\": \"1,3\", \"cpu\": null}]},\n"
        "      {\"bind\": \"\", \"places\": \"\", \"threads\": 1, \"cpus\": [\"0-3\"], "
        "\"team\": [\n"
        "        {\"thread\": 0, \"place\": null, \"place_cpus\": null, \"partition\": "
        "\"\", \"cpus\": \"0-3\", \"cpu\": 3}]}\n"
        "    ],\n";
    CHECK_MSG(text != NULL && strstr(text, expected) != NULL, "%s",
              text != NULL && strstr(text, "\"block_affinity\"") != NULL
                  ? strstr(text, "\"block_affinity\"") : "(none)");
    free(text);
    unlink(path);
}

/* The CPUs counted: the set, where it came from, and what OpenMP says. */
static void test_cpu_fields(void)
{
    char path[PATH_CAP], want[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    struct metadata_run r = sample_run("cpus");
    CHECK(metadata_append(path, &r, &err) == STATUS_OK);
    char *text = slurp(path);
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    snprintf(want, sizeof want, "\"logical_cpus\": %d,\n    \"usable_cpus\": \"",
             cpu.logical);
    CHECK_MSG(text != NULL && strstr(text, want) != NULL, "missing %s", want);
    snprintf(want, sizeof want, "\"usable_cpus_from\": \"%s\",\n    \"omp_num_procs\": "
             "%d,\n    \"physical_cores\": %d,\n    \"smt\": %s,", cpu.source ==
             ENVINFO_CPUS_PLACES ? "omp_places" : "affinity_mask", omp_get_num_procs(),
             cpu.physical_cores, cpu.smt ? "true" : "false");
    CHECK_MSG(text != NULL && strstr(text, want) != NULL, "missing %s", want);
    free(text);
    unlink(path);
}

static void test_escaping(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    const char *warnings[] = {"say \"hi\" \\ now\nnext\tcol\x01 end",
                              "caf\xc3\xa9 bad\xff byte"};
    struct metadata_run r = sample_run("escape");
    r.warnings = warnings;
    r.nwarnings = 2;
    CHECK(metadata_append(path, &r, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(text != NULL && array_objects(text) == 1);
    CHECK(text != NULL &&
          strstr(text, "\"say \\\"hi\\\" \\\\ now\\nnext\\tcol\\u0001 end\"") != NULL);
    CHECK(text != NULL && strstr(text, "\"caf\xc3\xa9 bad\\ufffd byte\"") != NULL);
    free(text);
    unlink(path);
}

static void test_check_and_empty_array(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    CHECK(metadata_check(path, &err) == STATUS_OK); /* missing is fine */
    CHECK(spit(path, "  [ \n ]\n"));
    CHECK(metadata_check(path, &err) == STATUS_OK);
    struct metadata_run r = sample_run("after-empty");
    CHECK(metadata_append(path, &r, &err) == STATUS_OK);
    char *text = slurp(path);
    CHECK(text != NULL && array_objects(text) == 1);
    CHECK(metadata_check(path, &err) == STATUS_OK);
    free(text);
    unlink(path);
}

/* Each content is refused by check and append, and stays byte-identical. */
static void test_foreign_refused(void)
{
    const char *foreign[] = {"hello", "", "[1, 2", "{\"a\": 1}\n", "]["};
    char path[PATH_CAP];
    errmsg_t err;
    fresh_path(path, "metadata.json");
    for (size_t i = 0; i < sizeof foreign / sizeof *foreign; i++) {
        CHECK(spit(path, foreign[i]));
        CHECK(metadata_check(path, &err) == STATUS_USAGE);
        struct metadata_run r = sample_run("refused");
        err.text[0] = '\0';
        CHECK(metadata_append(path, &r, &err) == STATUS_USAGE);
        char expected[PATH_CAP + 80];
        snprintf(expected, sizeof expected, "%s: not a JSON array written by "
                 "ompsweep; refusing to overwrite", path);
        CHECK_STR(err.text, expected);
        char *text = slurp(path);
        CHECK(text != NULL && strcmp(text, foreign[i]) == 0);
        free(text);
        CHECK(only_file("metadata.json"));
    }
    unlink(path);
}

static void test_io_errors(void)
{
    char path[PATH_CAP];
    errmsg_t err;
    snprintf(path, sizeof path, "%s/no-such-dir/metadata.json", tmpdir);
    struct metadata_run r = sample_run("nowhere");
    CHECK(metadata_check(path, &err) == STATUS_OK);
    err.text[0] = '\0';
    CHECK(metadata_append(path, &r, &err) == STATUS_IO);
    CHECK_MSG(strstr(err.text, "no-such-dir/metadata.json") != NULL, "%s", err.text);
    CHECK(access(path, F_OK) != 0);

    /* A directory where the file should be cannot be read: I/O error. */
    fresh_path(path, "metadata.json");
    CHECK(mkdir(path, 0755) == 0);
    CHECK(metadata_check(path, &err) == STATUS_IO);
    CHECK(metadata_append(path, &r, &err) == STATUS_IO);
    CHECK(only_file("metadata.json"));
    rmdir(path);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/ompsweep-test-metadata-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_append_twice);
    RUN(test_fields);
    RUN(test_block_affinity);
    RUN(test_cpu_fields);
    RUN(test_escaping);
    RUN(test_check_and_empty_array);
    RUN(test_foreign_refused);
    RUN(test_io_errors);
    rmdir(tmpdir);
    return harness_report();
}
