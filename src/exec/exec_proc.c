/* exec_proc: see exec_proc.h. */
#include "exec/exec_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/openmp.h"
#include "exec/exec_tree.h"
#include "base/signals.h"

enum {
    EXEC_FAILED = 127,   /* exit status of a child whose execve failed */
    POLL_SLICE_MS = 50,  /* how often a pending signal or deadline is seen */
    READ_CHUNK = 8192
};
/* Between SIGTERM and SIGKILL, for a timeout or a passed-on signal. */
static const double GRACE_SECONDS = 2.0;
/* Output of processes the program left behind, read after it was reaped. */
static const double DRAIN_SECONDS = 1.0;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static bool executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int exec_proc_resolve(const char *program, char *path, size_t cap, errmsg_t *err)
{
    if (strchr(program, '/') != NULL) {
        if ((size_t)snprintf(path, cap, "%s", program) < cap && executable_file(path))
            return STATUS_OK;
        return errmsg_set(err, STATUS_USAGE, "exec: '%s' is not an executable file",
                          program);
    }
    const char *dirs = getenv("PATH");
    for (const char *p = dirs != NULL ? dirs : ""; program[0] != '\0'; p++) {
        size_t len = strcspn(p, ":");
        int n = snprintf(path, cap, "%.*s%s%s", (int)len, p, len > 0 ? "/" : "./",
                         program);
        if (n > 0 && (size_t)n < cap && executable_file(path))
            return STATUS_OK;
        p += len;
        if (*p == '\0')
            break;
    }
    return errmsg_set(err, STATUS_USAGE, "exec: '%s' is not an executable file "
                      "on PATH", program);
}

/* In the child of vfork, which shares our memory until execve while this
 * thread waits: only async-signal-safe system calls, no write to anything
 * of ours (errno aside), and every signal blocked until our handlers are
 * reset, so none of them runs in the child. */
static _Noreturn void start_program(const struct exec_spawn *sp, int out_w, int err_w,
                                    pid_t parent, const sigset_t *mask)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* ompsweep killed outright: no orphan */
    if (getppid() != parent)
        _exit(EXEC_FAILED);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
        dup2(out_w, STDOUT_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0)
        _exit(EXEC_FAILED);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3u, ~0u, 0u); /* runs.csv, a --bind child's pipe to its parent */
#endif
    if (sp->cpus != NULL)
        sched_setaffinity(0, sizeof *sp->cpus, sp->cpus);
    if (sp->dir != NULL && chdir(sp->dir) != 0)
        _exit(EXEC_FAILED);
    sigprocmask(SIG_SETMASK, mask, NULL); /* the program gets ours */
    execve(sp->path, sp->argv, sp->envp);
    static const char msg[] = "ompsweep: execve failed\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(EXEC_FAILED);
}

/* What one run's reading and waiting keeps track of. */
struct watch {
    const struct exec_spawn *sp;
    struct exec_outcome *out;
    pid_t pid;
    struct pollfd fds[3]; /* stdout, stderr, pidfd (-1 when unavailable) */
    char *line;
    size_t len;
    double started, deadline, kill_at, drain_until;
    bool reaped;
};

/* The last EXEC_TAIL_BYTES of a stream into tail. */
static void keep_tail(char *tail, const char *buf, size_t n)
{
    size_t len = strlen(tail);
    if (n >= EXEC_TAIL_BYTES) {
        buf += n - EXEC_TAIL_BYTES;
        n = EXEC_TAIL_BYTES;
    }
    if (len + n > EXEC_TAIL_BYTES) {
        size_t drop = len + n - EXEC_TAIL_BYTES;
        memmove(tail, tail + drop, len - drop);
        len -= drop;
    }
    memcpy(tail + len, buf, n);
    tail[len + n] = '\0';
}

/* stdout bytes into lines; an overlong line goes out in pieces. */
static void take_stdout(struct watch *w, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n')
            w->line[w->len++] = buf[i] != '\0' ? buf[i] : ' ';
        if (buf[i] == '\n' || w->len == EXEC_LINE_MAX) {
            w->line[w->len] = '\0';
            w->sp->on_line(w->sp->ctx, w->line, w->len);
            w->len = 0;
        }
    }
}

static void read_pipe(struct watch *w, int which)
{
    char buf[READ_CHUNK];
    ssize_t got = read(w->fds[which].fd, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (got <= 0) {
        close(w->fds[which].fd);
        w->fds[which].fd = -1;
        return;
    }
    if (w->sp->show_output) {
        ssize_t ignored = write(STDERR_FILENO, buf, (size_t)got);
        (void)ignored;
    }
    if (which == 0)
        take_stdout(w, buf, (size_t)got);
    keep_tail(which == 0 ? w->out->out_tail : w->out->tail, buf, (size_t)got);
}

/* The deadlines: --timeout, then SIGKILL after the grace period. Each
 * signal goes to every process of the run (an MPI launcher's ranks too). */
static void enforce(struct watch *w, double now)
{
    int sig = signals_pending();
    if (sig != 0 && w->out->interrupted == 0 && !w->reaped) {
        w->out->interrupted = sig;
        exec_tree_signal(w->pid, sig);
        w->kill_at = now + GRACE_SECONDS;
    }
    if (w->deadline > 0 && now >= w->deadline && !w->out->timed_out && !w->reaped) {
        w->out->timed_out = true;
        exec_tree_signal(w->pid, SIGTERM);
        w->kill_at = now + GRACE_SECONDS;
    }
    if (w->kill_at > 0 && now >= w->kill_at && !w->reaped) {
        exec_tree_signal(w->pid, SIGKILL);
        w->kill_at = 0;
    }
}

/* The program has ended: stop what it left in its group, reap it, then
 * end what it left elsewhere (adopted by us: see exec_tree.h). */
static void reap(struct watch *w)
{
    int ws;
    double ended = now_seconds(); /* the pidfd saw it end; the rest is ours */
    kill(-w->pid, SIGKILL); /* the group outlives a zombie leader: no reuse */
    while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    exec_tree_sweep();
    double now = now_seconds();
    w->out->seconds = (w->fds[2].fd >= 0 ? ended : now) - w->started;
    w->out->exit_code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    w->out->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
    w->reaped = true;
    w->drain_until = now + DRAIN_SECONDS;
    if (w->fds[2].fd >= 0)
        close(w->fds[2].fd);
    w->fds[2].fd = -1;
}

static void watch_loop(struct watch *w)
{
    for (;;) {
        double now = now_seconds();
        enforce(w, now);
        bool pipes = w->fds[0].fd >= 0 || w->fds[1].fd >= 0;
        if (w->reaped && (!pipes || now >= w->drain_until))
            break;
        if (!pipes && !w->reaped && w->fds[2].fd < 0) {
            reap(w); /* no pidfd: the closed pipes mean it is ending */
            continue;
        }
        int ready = poll(w->fds, 3, POLL_SLICE_MS);
        if (ready <= 0)
            continue;
        for (int i = 0; i < 2; i++)
            if (w->fds[i].fd >= 0 && w->fds[i].revents != 0)
                read_pipe(w, i);
        if (w->fds[2].fd >= 0 && w->fds[2].revents != 0)
            reap(w);
    }
    for (int i = 0; i < 2; i++)
        if (w->fds[i].fd >= 0)
            close(w->fds[i].fd);
    if (w->len > 0) { /* a last line without its newline */
        w->line[w->len] = '\0';
        w->sp->on_line(w->sp->ctx, w->line, w->len);
    }
}

static int open_pipes(int out[2], int errp[2], errmsg_t *err)
{
    if (pipe2(out, O_CLOEXEC) != 0)
        return errmsg_set(err, STATUS_IO, "exec: cannot create a pipe: %s",
                          strerror(errno));
    if (pipe2(errp, O_CLOEXEC) != 0) {
        close(out[0]), close(out[1]);
        return errmsg_set(err, STATUS_IO, "exec: cannot create a pipe: %s",
                          strerror(errno));
    }
    return STATUS_OK;
}

/* LLVM's and Intel's runtimes (libomp, libiomp5) have it; libgomp not. */
extern void kmp_set_blocktime(int msec) __attribute__((weak));

/* After a parallel region (the affinity record of a block) the idle OpenMP
 * threads of ompsweep spin-wait for the next one: libgomp for 300000 spins
 * (GOMP_SPINCOUNT; 20 ms on a 2-core VM) or, under OMP_WAIT_POLICY=active,
 * for minutes; LLVM's runtime for 200 ms (KMP_BLOCKTIME). On a small
 * machine they take a CPU from the program being timed. A blocktime of 0
 * makes LLVM's threads sleep as soon as a region ends (not under
 * OMP_WAIT_POLICY=active: its infinite blocktime wins); the OpenMP 5.0 soft
 * pause ends libgomp's threads whatever the policy, and the next region
 * starts them again. Cheap when they are quiet already. */
void exec_proc_quiet_runtime(void)
{
    if (kmp_set_blocktime != NULL)
        kmp_set_blocktime(0);
    omp_pause_resource_all(omp_pause_soft);
}

/* vfork, not fork: this thread waits until the child has called execve,
 * and no page table of ours is copied nor any page of ours write-protected
 * for copy-on-write (which cost every run a copy of our mappings and page
 * faults on both sides, inside the timed interval). Signals stay blocked
 * across it (see start_program); the parent's mask is restored after. */
static pid_t start_child(const struct exec_spawn *sp, int out_w, int err_w,
                         double *started)
{
    sigset_t all, mask;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &mask);
    pid_t parent = getpid();
    *started = now_seconds();
    pid_t pid = vfork();
    if (pid == 0)
        start_program(sp, out_w, err_w, parent, &mask);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &mask, NULL);
    errno = saved;
    return pid;
}

int exec_proc_run(const struct exec_spawn *sp, struct exec_outcome *out, errmsg_t *err)
{
    int po[2], pe[2];
    memset(out, 0, sizeof *out);
    struct watch w = {.sp = sp, .out = out, .line = malloc(EXEC_LINE_MAX + 1)};
    int rc = w.line == NULL ? errmsg_set(err, STATUS_NOMEM, "out of memory")
                            : open_pipes(po, pe, err);
    if (rc != STATUS_OK) {
        free(w.line);
        return rc;
    }
    exec_tree_adopt(); /* what outlives the program's own processes comes to us */
    exec_proc_quiet_runtime(); /* before the clock starts */
    w.pid = start_child(sp, po[1], pe[1], &w.started);
    close(po[1]), close(pe[1]);
    if (w.pid < 0) {
        close(po[0]), close(pe[0]), free(w.line);
        return errmsg_set(err, STATUS_IO, "exec: cannot start a process: %s",
                          strerror(errno));
    }
    /* Done by the child already; again here for a vfork that is a fork
     * (ThreadSanitizer's), so that no kill(-pid) can miss the group. */
    setpgid(w.pid, w.pid);
    w.deadline = sp->timeout > 0 ? w.started + sp->timeout : 0;
    w.fds[0] = (struct pollfd){.fd = po[0], .events = POLLIN};
    w.fds[1] = (struct pollfd){.fd = pe[0], .events = POLLIN};
#ifdef SYS_pidfd_open
    w.fds[2] = (struct pollfd){.fd = (int)syscall(SYS_pidfd_open, w.pid, 0), .events = POLLIN};
#else
    w.fds[2] = (struct pollfd){.fd = -1};
#endif
    watch_loop(&w);
    free(w.line);
    return STATUS_OK;
}
