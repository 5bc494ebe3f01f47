/* Tests of the launcher command lines (exec/exec_launcher.c): how each
 * preset lays a cell out (a core per thread, hardware threads, unbound when
 * oversubscribed), how the variables reach every rank, and how a custom
 * command is split into words and gets {ranks} and {threads}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec_launcher.h"
#include "harness.h"

/* The words of argv joined by single spaces. */
static void joined(char **argv, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; argv != NULL && argv[i] != NULL && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? " " : "", argv[i]);
}

static char *const VARS[] = {"OMP_NUM_THREADS=2", "OMP_SCHEDULE=static,4", "MY_VAR=a b"};
static char *const ARGS[] = {"/bin/prog", "100", "x"};

/* The command line of preset `kind` for a cell on `cpus` CPUs of `cores` cores. */
static void line_of(enum exec_launcher_kind kind, const char *word, int ranks, int threads,
                    int cpus, int cores, char *buf, size_t cap)
{
    struct exec_launcher l;
    memset(&l, 0, sizeof l);
    l.kind = kind;
    l.words[0] = (char *)word;
    l.nwords = 1;
    struct exec_cell c = {ranks, threads, cpus, cores};
    char **argv = exec_launcher_argv(&l, &c, VARS, 3, ARGS, 3);
    CHECK(argv != NULL);
    joined(argv, buf, cap);
    exec_launcher_argv_free(argv);
}

static void test_fit(void)
{
    struct exec_cell c = {2, 4, 16, 8};
    CHECK(exec_cell_fit(&c) == EXEC_FIT_CORES);
    c = (struct exec_cell){2, 8, 16, 8};
    CHECK(exec_cell_fit(&c) == EXEC_FIT_CPUS);
    c = (struct exec_cell){4, 8, 16, 8};
    CHECK(exec_cell_fit(&c) == EXEC_FIT_OVER);
}

static void test_openmpi(void)
{
    char got[1024];
    line_of(EXEC_LAUNCHER_OPENMPI, "mpirun", 1, 2, 2, 2, got, sizeof got);
    CHECK_STR(got, "mpirun -np 1 --map-by slot:PE=2 --bind-to core -x OMP_NUM_THREADS "
                   "-x OMP_SCHEDULE -x MY_VAR /bin/prog 100 x");
    line_of(EXEC_LAUNCHER_OPENMPI, "mpirun", 2, 2, 4, 2, got, sizeof got);
    CHECK_STR(got, "mpirun -np 2 --map-by slot:PE=2 --use-hwthread-cpus --bind-to hwthread "
                   "-x OMP_NUM_THREADS -x OMP_SCHEDULE -x MY_VAR /bin/prog 100 x");
    line_of(EXEC_LAUNCHER_OPENMPI, "/opt/bin/mpiexec", 4, 1, 2, 2, got, sizeof got);
    CHECK_STR(got, "/opt/bin/mpiexec -np 4 --oversubscribe --bind-to none "
                   "-x OMP_NUM_THREADS -x OMP_SCHEDULE -x MY_VAR /bin/prog 100 x");
}

static void test_hydra(void)
{
    char got[1024];
    line_of(EXEC_LAUNCHER_MPICH, "mpiexec", 2, 4, 8, 8, got, sizeof got);
    CHECK_STR(got, "mpiexec -n 2 -bind-to core:4 -genv OMP_NUM_THREADS 2 -genv "
                   "OMP_SCHEDULE static,4 -genv MY_VAR a b /bin/prog 100 x");
    line_of(EXEC_LAUNCHER_MPICH, "mpiexec", 2, 4, 8, 4, got, sizeof got);
    CHECK(strstr(got, " -bind-to hwthread:4 ") != NULL);
    line_of(EXEC_LAUNCHER_MPICH, "mpiexec", 4, 4, 8, 4, got, sizeof got);
    CHECK(strstr(got, "mpiexec -n 4 -bind-to none -genv") == got);
    line_of(EXEC_LAUNCHER_INTEL, "mpirun", 2, 4, 8, 8, got, sizeof got);
    CHECK(strstr(got, "mpirun -n 2 -genv I_MPI_PIN_DOMAIN omp -genv OMP_NUM_THREADS 2 ") == got);
    line_of(EXEC_LAUNCHER_INTEL, "mpirun", 4, 4, 8, 8, got, sizeof got);
    CHECK(strstr(got, "mpirun -n 4 -genv I_MPI_PIN off -genv") == got);
}

static void test_srun(void)
{
    char got[1024];
    line_of(EXEC_LAUNCHER_SRUN, "srun", 4, 8, 2, 2, got, sizeof got);
    CHECK_STR(got, "srun --ntasks=4 --cpus-per-task=8 --cpu-bind=cores --export=ALL "
                   "/bin/prog 100 x");
}

/* A custom command: shell-like words, placeholders, nothing added. */
static void test_custom(void)
{
    struct exec_launcher l;
    errmsg_t err;
    char got[1024];
    CHECK(exec_launcher_init(&l, "sh -c 'echo {ranks}' \"a \\\"b\\\"\" c\\ d "
                             "n={ranks}x{threads}", &err) == STATUS_OK);
    CHECK(l.kind == EXEC_LAUNCHER_CUSTOM);
    struct exec_cell c = {3, 5, 2, 2};
    char **argv = exec_launcher_argv(&l, &c, VARS, 3, ARGS, 1);
    joined(argv, got, sizeof got);
    CHECK_STR(got, "sh -c echo 3 a \"b\" c d n=3x5 /bin/prog");
    CHECK(argv != NULL && strcmp(argv[2], "echo 3") == 0 && strcmp(argv[3], "a \"b\"") == 0);
    exec_launcher_argv_free(argv);
    exec_launcher_free(&l);
}

static void test_refused(void)
{
    struct exec_launcher l;
    errmsg_t err;
    CHECK(exec_launcher_init(&l, "sh -np 4", &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "has no {ranks}") != NULL);
    exec_launcher_free(&l);
    CHECK(exec_launcher_init(&l, "sh 'unterminated {ranks}", &err) == STATUS_USAGE);
    CHECK(strstr(err.text, "unterminated ' quote") != NULL);
    exec_launcher_free(&l);
    CHECK(exec_launcher_init(&l, "   ", &err) == STATUS_USAGE);
    exec_launcher_free(&l);
    CHECK(exec_launcher_init(&l, "/nonexistent/mpirun", &err) == STATUS_USAGE);
    CHECK_STR(err.text, "--launcher: '/nonexistent/mpirun' is not an executable file");
    exec_launcher_free(&l);
}

int main(void)
{
    RUN(test_fit);
    RUN(test_openmpi);
    RUN(test_hydra);
    RUN(test_srun);
    RUN(test_custom);
    RUN(test_refused);
    return harness_report();
}
