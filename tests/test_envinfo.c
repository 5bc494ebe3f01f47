/* Tests of the envinfo module: CPU topology, timer tick, OpenMP places and
 * affinity, OMP_ variables and job ids, plus the original time stamps. */
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>

#include "study/envinfo.h"
#include "harness.h"

static void test_cpu(void)
{
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    CHECK(cpu.model[0] != '\0');
    CHECK(cpu.logical == omp_get_num_procs());
    CHECK_MSG(cpu.physical_cores >= 1 && cpu.physical_cores <= cpu.logical,
              "physical %d, logical %d", cpu.physical_cores, cpu.logical);
    CHECK(cpu.smt == (cpu.logical > cpu.physical_cores));
    CHECK(cpu.online >= 0);
    CHECK(cpu.ncaches >= 0 && cpu.ncaches <= ENVINFO_CACHE_MAX);
    for (int i = 0; i < cpu.ncaches; i++)
        CHECK_MSG(cpu.caches[i][0] == 'L' && strchr(cpu.caches[i], ' ') != NULL,
                  "cache \"%s\"", cpu.caches[i]);
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
    for (int i = 0; aff != NULL && i < n; i++)
        CHECK(aff[i] != NULL && aff[i][0] != '\0');
    envinfo_affinity_free(aff, n);
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

int main(void)
{
    RUN(test_cpu);
    RUN(test_timer);
    RUN(test_affinity);
    RUN(test_places_and_bind);
    RUN(test_omp_env);
    RUN(test_job);
    RUN(test_build);
    RUN(test_stamps);
    return harness_report();
}
