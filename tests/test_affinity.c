/* Tests of the affinity records: which threads really share a CPU or a
 * core (on made-up topologies, SMT included), a record's round trip through
 * the line a child sends its parent, and a capture on this machine. */
#include <omp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cpulist.h"
#include "harness.h"
#include "study/record/affinity.h"
#include "study/record/envinfo.h"
#include "study/record/warnings.h"

enum { MAX_TEAM = 8 };

/* A record of n threads, thread t may run on lists[t]. */
static struct affinity_record team_of(struct affinity_thread *slots,
                                      const char *const *lists, int n)
{
    struct affinity_record r = {.threads = n, .team = n, .thread = slots};
    for (int t = 0; t < n; t++) {
        slots[t] = (struct affinity_thread){.thread = t, .place = -1, .cpu = -1};
        slots[t].cpus = cpus_of(lists[t]);
    }
    return r;
}

/* Cores of the made-up machine: core[c] for CPUs 0..n-1, -1 beyond. */
static void topology_of(struct envinfo_topology *topo, const int *core, int n)
{
    for (int c = 0; c < CPU_SETSIZE; c++)
        topo->core[c] = c < n ? core[c] : -1;
}

static void check_sharing(const struct envinfo_topology *topo,
                          const char *const *lists, int n, int cpus, int cores)
{
    struct affinity_thread slots[MAX_TEAM];
    struct affinity_record r = team_of(slots, lists, n);
    struct affinity_sharing sh;
    affinity_sharing(&r, topo, &sh);
    CHECK_MSG(sh.own_cpus == cpus && sh.own_cores == cores,
              "%d threads from \"%s\": own CPUs %d (want %d), own cores %d (want %d)",
              n, lists[0], sh.own_cpus, cpus, sh.own_cores, cores);
}

/* 2 cores x 2 hardware threads, CPUs 0 and 2 on core 0, 1 and 3 on core 1. */
static void test_sharing_smt(void)
{
    static const int core[] = {0, 1, 0, 1};
    struct envinfo_topology topo;
    topology_of(&topo, core, 4);
    /* close over places=threads: two threads on the siblings of core 0 */
    check_sharing(&topo, (const char *const[]){"0", "2"}, 2, 2, 1);
    /* spread, or close over places=cores: one core each */
    check_sharing(&topo, (const char *const[]){"0", "1"}, 2, 2, 2);
    check_sharing(&topo, (const char *const[]){"0,2", "1,3"}, 2, 2, 2);
    /* unbound: 3 threads on 4 CPUs must share a core, 5 a CPU too */
    check_sharing(&topo, (const char *const[]){"0-3", "0-3", "0-3"}, 3, 3, 2);
    check_sharing(&topo, (const char *const[]){"0-3", "0-3", "0-3", "0-3", "0-3"},
                  5, 4, 2);
    /* primary: every thread in the first place */
    check_sharing(&topo, (const char *const[]){"0,2", "0,2"}, 2, 2, 1);
    check_sharing(&topo, (const char *const[]){"0", "0", "0"}, 3, 1, 1);
}

/* Without SMT (this machine's case): close, spread or true never share. */
static void test_sharing_no_smt(void)
{
    static const int core[] = {0, 1};
    struct envinfo_topology topo;
    topology_of(&topo, core, 2);
    check_sharing(&topo, (const char *const[]){"0", "1"}, 2, 2, 2);
    check_sharing(&topo, (const char *const[]){"0-1", "0-1"}, 2, 2, 2);
    check_sharing(&topo, (const char *const[]){"0"}, 1, 1, 1);
    /* taskset -c 0, two threads */
    check_sharing(&topo, (const char *const[]){"0", "0"}, 2, 1, 1);
}

/* A first-come assignment would give thread 0 CPU 0 and leave thread 1
 * nothing; the matching moves thread 0 to CPU 1. Unknown cores: -1. */
static void test_sharing_needs_search(void)
{
    static const int core[] = {0, 1, 2, 3};
    struct envinfo_topology topo;
    topology_of(&topo, core, 4);
    check_sharing(&topo, (const char *const[]){"0-1", "0"}, 2, 2, 2);
    check_sharing(&topo, (const char *const[]){"0-2", "0-1", "0"}, 3, 3, 3);
    check_sharing(&topo, (const char *const[]){"0-1", "0-1", "0-1"}, 3, 2, 2);
    check_sharing(&topo, (const char *const[]){"0", "5"}, 2, 2, -1);
}

static bool same_thread(const struct affinity_thread *a, const struct affinity_thread *b)
{
    return a->thread == b->thread && a->place == b->place && a->cpu == b->cpu &&
           CPU_EQUAL(&a->place_cpus, &b->place_cpus) &&
           CPU_EQUAL(&a->partition, &b->partition) && CPU_EQUAL(&a->cpus, &b->cpus);
}

/* A record as a child writes it, read back by the parent. */
static void test_record_line(void)
{
    struct affinity_thread slots[3];
    struct affinity_record r = team_of(slots, (const char *const[]){"0", "1", "0-3,8"}, 3);
    snprintf(r.bind, sizeof r.bind, "spread,close");
    slots[0].place = 0, slots[0].cpu = 0;
    slots[0].place_cpus = cpus_of("0"), slots[0].partition = cpus_of("0-1");
    slots[1].place = 2, slots[1].cpu = 1;
    slots[1].place_cpus = cpus_of("1"), slots[1].partition = cpus_of("2-3");
    r.threads = 4; /* the runtime gave 3 of 4 */
    char *line = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&line, &len);
    CHECK(out != NULL && affinity_record_write(out, &r));
    CHECK(out != NULL && fclose(out) == 0);
    CHECK_STR(line, "4\tspread,close\t-\t0 0 0 0 0-1 0;1 2 1 1 2-3 1;2 -1 -1 - - 0-3,8");
    struct affinity_log log = {0};
    errmsg_t err;
    CHECK(affinity_log_parse(&log, line, &err) == STATUS_OK);
    CHECK(log.n == 1);
    if (log.n == 1) {
        const struct affinity_record *got = &log.rec[0];
        CHECK_STR(got->bind, "spread,close");
        CHECK_STR(got->places, "");
        CHECK(got->threads == 4 && got->team == 3);
        for (int t = 0; t < 3 && got->team == 3; t++)
            CHECK_MSG(same_thread(&got->thread[t], &slots[t]), "thread %d", t);
    }
    free(line);
    affinity_log_free(&log);
}

/* What is not a record is refused and adds nothing. */
static void test_record_line_refused(void)
{
    static const char *const bad[] = {
        "", "x\t-\t-\t", "0\t-\t-\t", "2\t-\t-", "2\t-\t-\t\textra",
        "2\t-\t-\t0 0 0 0 0-1",           /* a field short */
        "2\t-\t-\t0 0 0 0 0-1 0 9",       /* a field too many */
        "1\t-\t-\t0 0 0 0 0 0;1 0 0 0 0 0", /* more threads than the block */
        "2\t-\t-\t0 0 0 0 0 0;",          /* an empty thread */
        "2\t-\t-\t0 -2 0 0 0 0",          /* place below -1 */
        "2\t-\t-\t0 0 0 0 0 1-0",         /* not a CPU list */
        "2\t-\t-\t-1 0 0 0 0 0"};         /* thread number below 0 */
    struct affinity_log log = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char line[128];
        errmsg_t err;
        snprintf(line, sizeof line, "%s", bad[i]);
        CHECK_MSG(affinity_log_parse(&log, line, &err) == STATUS_USAGE, "\"%s\"", bad[i]);
    }
    CHECK(log.n == 0);
    char empty_team[] = "2\t-\t-\t"; /* a team of none is a record */
    errmsg_t err;
    CHECK(affinity_log_parse(&log, empty_team, &err) == STATUS_OK);
    CHECK(log.n == 1 && log.rec[0].team == 0 && log.rec[0].threads == 2);
    affinity_log_free(&log);
}

/* This machine, as the tests run it: each thread's record is its own. */
static void test_capture_here(void)
{
    struct affinity_log log = {0};
    errmsg_t err;
    cpu_set_t usable;
    envinfo_usable_cpus(&usable);
    omp_set_dynamic(0);
    CHECK(affinity_log_capture(&log, "", "", 2, &err) == STATUS_OK);
    CHECK(affinity_log_capture(&log, "", "", 2, &err) == STATUS_OK); /* once */
    CHECK(affinity_log_capture(&log, "", "", 1, &err) == STATUS_OK);
    CHECK(log.n == 2);
    const struct affinity_record *r = &log.rec[0];
    CHECK(log.n == 2 && r->threads == 2 && r->team == 2);
    for (int t = 0; log.n == 2 && t < r->team; t++) {
        const struct affinity_thread *th = &r->thread[t];
        cpu_set_t inside;
        CPU_AND(&inside, &th->cpus, &usable);
        CHECK(th->thread == t);
        CHECK_MSG(CPU_COUNT(&th->cpus) > 0 && CPU_EQUAL(&inside, &th->cpus),
                  "thread %d may run outside the usable CPUs", t);
        CHECK_MSG(th->cpu < 0 || CPU_ISSET(th->cpu, &th->cpus), "thread %d on CPU %d",
                  t, th->cpu);
        if (th->place >= 0) /* bound: its place is where it may run */
            CHECK(CPU_EQUAL(&th->place_cpus, &th->cpus));
        else
            CHECK(CPU_COUNT(&th->place_cpus) == 0);
    }
    affinity_log_free(&log);
    CHECK(log.n == 0 && log.rec == NULL);
}

/* A capture warns only where threads share, and not twice what the
 * start-up check said: two threads on this process's CPUs share nothing
 * unless there are fewer CPUs or cores than two. */
static void test_capture_warnings(void)
{
    struct warnings w;
    warnings_init(&w);
    struct affinity_log log = {.warnings = &w, .startup_checked = true};
    errmsg_t err;
    struct envinfo_cpu cpu;
    envinfo_cpu(&cpu);
    int many = cpu.logical + 1;
    CHECK(affinity_log_capture(&log, "", "", many, &err) == STATUS_OK);
    CHECK_MSG(w.n == 0, "%s", w.n > 0 ? w.text[0] : ""); /* start-up said so */
    log.startup_checked = false; /* a child: no start-up check of its own */
    CHECK(affinity_log_capture(&log, "x", "", many, &err) == STATUS_OK);
    CHECK(w.n == 1);
    char want[128];
    snprintf(want, sizeof want, "%d threads under OMP_PROC_BIND=x: no more than %d "
             "can have a CPU to itself", many, cpu.logical);
    CHECK_MSG(w.n == 1 && strncmp(w.text[0], want, strlen(want)) == 0, "%s",
              w.n > 0 ? w.text[0] : "");
    affinity_log_free(&log);
}

int main(void)
{
    RUN(test_sharing_smt);
    RUN(test_sharing_no_smt);
    RUN(test_sharing_needs_search);
    RUN(test_record_line);
    RUN(test_record_line_refused);
    RUN(test_capture_here);
    RUN(test_capture_warnings);
    return harness_report();
}
