/* Tests of the envinfo module: CPU topology, timer tick, OpenMP places and
 * affinity, OMP_ variables and job ids, plus the original time stamps. */
#include <omp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpulist.h"
#include "harness.h"
#include "study/record/envinfo.h"

static void test_cpu(void)
{
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    CHECK(cpu.model[0] != '\0');
    CHECK(cpu.logical == CPU_COUNT(&cpu.usable) && cpu.logical >= 1);
    CHECK(cpu.omp_procs == omp_get_num_procs());
    if (cpu.source == ENVINFO_CPUS_MASK) { /* the runtime binds nothing */
        cpu_set_t mask;
        CHECK(sched_getaffinity(0, sizeof mask, &mask) == 0);
        CHECK(CPU_EQUAL(&mask, &cpu.usable));
        CHECK(cpu.logical == omp_get_num_procs());
    }
    CHECK_MSG(cpu.physical_cores >= 1 && cpu.physical_cores <= cpu.logical,
              "physical %d, logical %d", cpu.physical_cores, cpu.logical);
    CHECK(cpu.smt == (cpu.logical > cpu.physical_cores));
    CHECK(cpu.online >= 0);
    CHECK(cpu.ncaches >= 0 && cpu.ncaches <= ENVINFO_CACHE_MAX);
    for (int i = 0; i < cpu.ncaches; i++)
        CHECK_MSG(cpu.caches[i][0] == 'L' && strchr(cpu.caches[i], ' ') != NULL,
                  "cache \"%s\"", cpu.caches[i]);
}

/* ---- CPU lists and topology on made-up machines ----------------------- */

/* *set written as a CPU list into buf. */
static const char *cpulist_text(const cpu_set_t *set, char *buf, size_t cap)
{
    FILE *out = fmemopen(buf, cap, "w");
    buf[0] = '\0';
    if (out != NULL) {
        envinfo_cpulist_write(out, set);
        fclose(out);
    }
    return buf;
}

static void test_cpulist(void)
{
    static const struct { const char *in, *out; int count; } ok[] = {
        {"0", "0", 1}, {"0-3,8", "0-3,8", 5}, {"", "", 0}, {"3,1,2", "1-3", 3},
        {"0,2,4-5", "0,2,4-5", 4}, {"7-7", "7", 1}, {"1023", "1023", 1}};
    char text[64];
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cpu_set_t set;
        CHECK_MSG(envinfo_cpulist_parse(ok[i].in, &set), "\"%s\"", ok[i].in);
        CHECK(CPU_COUNT(&set) == ok[i].count);
        CHECK_STR(cpulist_text(&set, text, sizeof text), ok[i].out);
    }
    static const char *const bad[] = {"a", "1,", ",1", "1,,2", "3-1", "1-", "-1",
                                      "1 2", "0x1", "1024", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cpu_set_t set;
        CHECK_MSG(!envinfo_cpulist_parse(bad[i], &set), "\"%s\" accepted", bad[i]);
    }
}

enum { FAKE_PATH = 256 };
static char fake_root[FAKE_PATH];

static void write_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");
    CHECK_MSG(out != NULL, "%s", path);
    if (out != NULL) {
        fputs(text, out);
        fclose(out);
    }
}

/* fake_root/cpuN/topology/thread_siblings_list = siblings[N] ("" for none). */
static void fake_sysfs(const char *const *siblings, int n)
{
    char path[FAKE_PATH + 64];
    for (int c = 0; c < n; c++) {
        snprintf(path, sizeof path, "%s/cpu%d", fake_root, c);
        mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/cpu%d/topology", fake_root, c);
        mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/cpu%d/topology/thread_siblings_list",
                 fake_root, c);
        if (siblings[c][0] != '\0')
            write_file(path, siblings[c]);
        else
            unlink(path);
    }
}

/* logical, physical_cores and smt of `list` under `topo`. */
static void check_counts(const struct envinfo_topology *topo, const char *list,
                         int logical, int physical, bool smt)
{
    struct envinfo_cpu cpu;
    memset(&cpu, 0, sizeof cpu);
    cpu.usable = cpus_of(list);
    envinfo_cpu_count(&cpu, topo);
    CHECK_MSG(cpu.logical == logical && cpu.physical_cores == physical && cpu.smt == smt,
              "%s: logical %d physical %d smt %d", list, cpu.logical,
              cpu.physical_cores, cpu.smt);
}

/* A 2-core machine with 2 hardware threads per core, numbered as Linux
 * numbers Intel's: CPUs 0 and 2 are one core, 1 and 3 the other. */
static void test_topology_smt(void)
{
    static const char *const siblings[] = {"0,2\n", "1,3\n", "0,2\n", "1,3\n"};
    fake_sysfs(siblings, 4);
    struct envinfo_topology topo;
    cpu_set_t all = cpus_of("0-3");
    envinfo_topology_read(&topo, &all, fake_root, NULL);
    CHECK(topo.core[0] == 0 && topo.core[1] == 1 && topo.core[2] == 0 &&
          topo.core[3] == 1 && topo.core[4] == -1);
    check_counts(&topo, "0-3", 4, 2, true);
    check_counts(&topo, "0-1", 2, 2, false); /* one thread per core */
    check_counts(&topo, "0,2", 2, 1, true);  /* both threads of one core */
    check_counts(&topo, "0", 1, 1, false);   /* taskset -c 0 */
    check_counts(&topo, "1-3", 3, 2, true);
    /* CPUs outside the set asked for are not read */
    cpu_set_t some = cpus_of("1");
    envinfo_topology_read(&topo, &some, fake_root, NULL);
    CHECK(topo.core[0] == -1 && topo.core[1] == 1 && topo.core[3] == -1);
}

/* No sysfs topology: /proc/cpuinfo's ids, distinct per package (two
 * packages, each with cores 0 and 1, each core with 2 threads). */
static void test_topology_cpuinfo(void)
{
    static const char *const none[] = {"", "", "", "", "", "", "", ""};
    fake_sysfs(none, 8);
    char cpuinfo[FAKE_PATH + 16], text[2048] = "";
    static const int package[] = {0, 0, 1, 1, 0, 0, 1, 1}, core[] = {0, 1, 0, 1, 0, 1, 0, 1};
    for (int c = 0; c < 8; c++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "processor\t: %d\nmodel name\t: Fake CPU\nphysical id\t: %d\n"
                 "core id\t\t: %d\n\n", c, package[c], core[c]);
    snprintf(cpuinfo, sizeof cpuinfo, "%s/cpuinfo", fake_root);
    write_file(cpuinfo, text);
    struct envinfo_topology topo;
    cpu_set_t all = cpus_of("0-7");
    envinfo_topology_read(&topo, &all, fake_root, cpuinfo);
    CHECK(topo.core[0] == 0 && topo.core[4] == 0 && topo.core[2] == 2 &&
          topo.core[6] == 2 && topo.core[7] == 3);
    check_counts(&topo, "0-7", 8, 4, true);
    check_counts(&topo, "0-3", 4, 4, false);
    check_counts(&topo, "2,6", 2, 1, true); /* core 0 of package 1 */
    /* a processor without ids: the topology is unknown, no SMT is claimed */
    write_file(cpuinfo, "processor\t: 0\nphysical id\t: 0\ncore id\t: 0\n\n"
                        "processor\t: 1\n\n");
    cpu_set_t two = cpus_of("0-1");
    envinfo_topology_read(&topo, &two, fake_root, cpuinfo);
    CHECK(topo.core[0] == 0 && topo.core[1] == -1);
    CHECK(envinfo_topology_cores(&topo, &two) == 0);
    check_counts(&topo, "0-1", 2, 2, false);
    unlink(cpuinfo);
}

/* sysfs for some CPUs, cpuinfo for the rest; nothing at all. */
static void test_topology_mixed_and_missing(void)
{
    static const char *const siblings[] = {"0-1", "0-1", "", ""};
    fake_sysfs(siblings, 4);
    char cpuinfo[FAKE_PATH + 16];
    snprintf(cpuinfo, sizeof cpuinfo, "%s/cpuinfo", fake_root);
    write_file(cpuinfo, "processor: 0\nphysical id: 0\ncore id: 0\n\n"
                        "processor: 1\nphysical id: 0\ncore id: 0\n\n"
                        "processor: 2\nphysical id: 0\ncore id: 1\n\n"
                        "processor: 3\nphysical id: 0\ncore id: 2\n");
    struct envinfo_topology topo;
    cpu_set_t all = cpus_of("0-3");
    envinfo_topology_read(&topo, &all, fake_root, cpuinfo);
    CHECK(topo.core[0] == 0 && topo.core[1] == 0 && topo.core[2] == 2 &&
          topo.core[3] == 3);
    check_counts(&topo, "0-3", 4, 3, true);
    unlink(cpuinfo);
    envinfo_topology_read(&topo, &all, "/nonexistent", "/nonexistent");
    CHECK(topo.core[0] == -1 && envinfo_topology_cores(&topo, &all) == 0);
    check_counts(&topo, "0-3", 4, 4, false);
}

/* This machine: the cores counted are those sysfs gives the usable CPUs. */
static void test_topology_here(void)
{
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    struct envinfo_topology topo;
    envinfo_topology(&topo, &cpu.usable);
    int cores = envinfo_topology_cores(&topo, &cpu.usable);
    CHECK(cpu.physical_cores == (cores > 0 ? cores : cpu.logical));
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &cpu.usable) && topo.core[c] >= 0)
            CHECK_MSG(topo.core[c] <= c, "CPU %d in core %d", c, topo.core[c]);
}

static void test_timer(void)
{
    struct envinfo_timer t;
    envinfo_timer(&t);
    CHECK_MSG(t.tick > 0.0 && t.tick < 1e-3, "tick %g", t.tick);
    CHECK(t.wtick > 0.0);
}

static void test_affinity(void)
{
    char **aff = NULL;
    int n = -1;
    errmsg_t err;
    omp_set_dynamic(0); /* a dynamic runtime could hand out fewer threads */
    CHECK(envinfo_affinity(2, &aff, &n, &err) == STATUS_OK);
    CHECK(aff != NULL && n == 2);
    for (int i = 0; aff != NULL && i < n; i++) {
        char want[32]; /* named by thread number, not by pthread address */
        snprintf(want, sizeof want, "thread %d affinity ", i);
        CHECK_MSG(aff[i] != NULL && strncmp(aff[i], want, strlen(want)) == 0 &&
                      aff[i][strlen(want)] != '\0', "\"%s\"", aff[i] ? aff[i] : "");
    }
    envinfo_affinity_free(aff, n);
    /* the user's format wins (the runtime read it at start-up) */
    setenv("OMP_AFFINITY_FORMAT", "%n|%A", 1);
    omp_set_affinity_format("%n|%A");
    CHECK(envinfo_affinity(2, &aff, &n, &err) == STATUS_OK);
    CHECK_MSG(aff != NULL && n == 2 && strncmp(aff[1], "1|", 2) == 0, "\"%s\"",
              aff != NULL && n == 2 ? aff[1] : "");
    envinfo_affinity_free(aff, n);
    unsetenv("OMP_AFFINITY_FORMAT");
}

static void test_places_and_bind(void)
{
    struct envinfo_places pl;
    errmsg_t err;
    CHECK(envinfo_places(&pl, &err) == STATUS_OK);
    CHECK(pl.count == omp_get_num_places());
    for (int p = 0; p < pl.count; p++) {
        CHECK(pl.first[p + 1] - pl.first[p] == omp_get_place_num_procs(p));
        for (int i = pl.first[p]; i < pl.first[p + 1]; i++)
            CHECK(pl.procs[i] >= 0);
    }
    envinfo_places_free(&pl);
    CHECK(pl.count == 0 && pl.first == NULL && pl.procs == NULL);
    const char *bind = envinfo_proc_bind();
    CHECK_MSG(strcmp(bind, "false") == 0 || strcmp(bind, "true") == 0 ||
                  strcmp(bind, "primary") == 0 || strcmp(bind, "close") == 0 ||
                  strcmp(bind, "spread") == 0, "%s", bind);
}

static void test_omp_env(void)
{
    const char **vars = NULL;
    int n = 0, found = 0;
    errmsg_t err;
    setenv("OMP_TEST_X", "1", 1);
    setenv("NOT_OMP_TEST", "1", 1);
    CHECK(envinfo_omp_env(&vars, &n, &err) == STATUS_OK);
    for (int i = 0; i < n; i++) {
        CHECK(strncmp(vars[i], "OMP_", 4) == 0);
        found += strcmp(vars[i], "OMP_TEST_X=1") == 0;
        if (i > 0)
            CHECK(strcmp(vars[i - 1], vars[i]) < 0); /* sorted */
    }
    CHECK(found == 1);
    free(vars);
    unsetenv("OMP_TEST_X");
    unsetenv("NOT_OMP_TEST");
}

static void test_job(void)
{
    struct envinfo_job job;
    setenv("SLURM_JOB_ID", "123", 1);
    unsetenv("SLURM_ARRAY_TASK_ID");
    unsetenv("PBS_JOBID");
    envinfo_job(&job);
    CHECK(job.slurm_job_id != NULL && strcmp(job.slurm_job_id, "123") == 0);
    CHECK(job.slurm_array_task_id == NULL && job.pbs_jobid == NULL);
    unsetenv("SLURM_JOB_ID");
    /* SLURM_CPUS_PER_TASK: a positive count, else 0 */
    static const struct { const char *text; int want; } cpus[] = {
        {"16", 16}, {"1", 1}, {"0", 0}, {"-2", 0}, {"4x", 0}, {"", 0},
        {"99999999999", 0}};
    for (size_t i = 0; i < sizeof cpus / sizeof cpus[0]; i++) {
        setenv("SLURM_CPUS_PER_TASK", cpus[i].text, 1);
        envinfo_job(&job);
        CHECK_MSG(job.slurm_cpus_per_task == cpus[i].want, "\"%s\" gave %d",
                  cpus[i].text, job.slurm_cpus_per_task);
    }
    unsetenv("SLURM_CPUS_PER_TASK");
    envinfo_job(&job);
    CHECK(job.slurm_cpus_per_task == 0);
}

static void test_build(void)
{
    char compiler[ENVINFO_TEXT_MAX], version[512];
    envinfo_compiler(compiler, sizeof compiler);
    CHECK_MSG(strncmp(compiler, "gcc ", 4) == 0 || strncmp(compiler, "clang ", 6) == 0,
              "%s", compiler);
    CHECK(envinfo_cflags()[0] != '\0' && envinfo_git_commit()[0] != '\0');
    envinfo_version(version, sizeof version);
    CHECK(strncmp(version, "ompsweep ", 9) == 0);
    CHECK(strstr(version, envinfo_version_number()) != NULL);
}

static void test_stamps(void)
{
    char now[32], id[96];
    envinfo_utc_now(now, sizeof now);
    CHECK_MSG(strlen(now) == 20 && now[10] == 'T' && now[19] == 'Z', "%s", now);
    envinfo_run_id(id, sizeof id, "tag");
    CHECK(strncmp(id, "tag-", 4) == 0 && strchr(id + 4, 'Z') != NULL);
}

/* Remove the fake tree: cpuN/topology/thread_siblings_list. */
static void remove_fake_root(void)
{
    char path[FAKE_PATH + 64];
    for (int c = 0; c < 8; c++) {
        snprintf(path, sizeof path, "%s/cpu%d/topology/thread_siblings_list",
                 fake_root, c);
        unlink(path);
        snprintf(path, sizeof path, "%s/cpu%d/topology", fake_root, c);
        rmdir(path);
        snprintf(path, sizeof path, "%s/cpu%d", fake_root, c);
        rmdir(path);
    }
    rmdir(fake_root);
}

int main(void)
{
    snprintf(fake_root, sizeof fake_root, "%s", "/tmp/ompsweep-test-envinfo-XXXXXX");
    if (mkdtemp(fake_root) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_cpu);
    RUN(test_cpulist);
    RUN(test_topology_smt);
    RUN(test_topology_cpuinfo);
    RUN(test_topology_mixed_and_missing);
    RUN(test_topology_here);
    RUN(test_timer);
    RUN(test_affinity);
    RUN(test_places_and_bind);
    RUN(test_omp_env);
    RUN(test_job);
    RUN(test_build);
    RUN(test_stamps);
    remove_fake_root();
    return harness_report();
}
