/* child: see child.h. */
#include "study/run/child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/signals.h"

static const char ENV_RUN_ID[] = "OMPSWEEP_CHILD_RUN_ID";
static const char ENV_INDEX[] = "OMPSWEEP_CHILD_INDEX";
static const char ENV_FD[] = "OMPSWEEP_CHILD_FD";
static const char SELF_EXE[] = "/proc/self/exe";
enum { CHILD_EXEC_FAILED = 127, SIGNAL_EXIT_BASE = 128, MESSAGE_LINE_MAX = 1 << 20 };

void child_role(struct child_role *role)
{
    const char *id = getenv(ENV_RUN_ID), *index = getenv(ENV_INDEX), *fd = getenv(ENV_FD);
    memset(role, 0, sizeof *role);
    role->fd = -1;
    if (id == NULL || index == NULL || fd == NULL)
        return;
    role->active = true;
    snprintf(role->run_id, sizeof role->run_id, "%s", id);
    /* "INDEX COUNT ELAPSED" */
    if (sscanf(index, "%d %d %lf", &role->index, &role->count, &role->elapsed) != 3)
        role->count = role->index + 1, role->elapsed = 0.0;
    role->fd = atoi(fd);
    /* Programs the child runs must not take themselves for children. */
    unsetenv(ENV_RUN_ID), unsetenv(ENV_INDEX), unsetenv(ENV_FD);
}

/* In the forked process: the environment of the combination, then exec. */
static void exec_child(const struct child_request *req, int fd)
{
    char index[64], fdtext[16];
    snprintf(index, sizeof index, "%d %d %.3f", req->index, req->count, req->elapsed);
    snprintf(fdtext, sizeof fdtext, "%d", fd);
    bool ok = setenv(ENV_RUN_ID, req->run_id, 1) == 0 &&
              setenv(ENV_INDEX, index, 1) == 0 && setenv(ENV_FD, fdtext, 1) == 0 &&
              (req->bind == NULL || setenv("OMP_PROC_BIND", req->bind, 1) == 0) &&
              (req->places == NULL || setenv("OMP_PLACES", req->places, 1) == 0);
    if (ok) {
        execv(SELF_EXE, req->argv);
        execvp(req->argv[0], req->argv);
    }
    fprintf(stderr, "ompsweep: cannot re-execute itself: %s\n", strerror(errno));
    _exit(CHILD_EXEC_FAILED);
}

/* A pending SIGINT/SIGTERM of the parent goes to the child, once. */
static void forward_signal(pid_t pid, bool *forwarded)
{
    int sig = signals_pending();
    if (sig != 0 && !*forwarded) {
        kill(pid, sig);
        *forwarded = true;
    }
}

/* One message line: "W\t<warning>" or "A\t<affinity record>". */
static int take_line(char *line, struct warnings *warnings,
                     struct affinity_log *affinity, errmsg_t *err)
{
    if (strncmp(line, "W\t", 2) == 0) {
        warnings_keep(warnings, line + 2);
        return STATUS_OK;
    }
    if (strncmp(line, "A\t", 2) != 0)
        return STATUS_OK; /* not ours: ignore */
    int rc = affinity_log_parse(affinity, line + 2, err);
    return rc == STATUS_NOMEM ? rc : STATUS_OK; /* a malformed record: ignore */
}

/* Read the child's messages to their end, then reap it. */
static int collect(pid_t pid, int fd, struct warnings *warnings,
                   struct affinity_log *affinity, int *status, errmsg_t *err)
{
    char *buf = malloc(MESSAGE_LINE_MAX);
    size_t len = 0;
    bool forwarded = false;
    int rc = buf == NULL ? errmsg_set(err, STATUS_NOMEM, "out of memory") : STATUS_OK;
    for (;;) {
        ssize_t got = buf == NULL ? 0 : read(fd, buf + len, MESSAGE_LINE_MAX - 1 - len);
        if (got < 0 && errno == EINTR) {
            forward_signal(pid, &forwarded);
            continue;
        }
        if (got <= 0)
            break;
        len += (size_t)got;
        char *nl;
        while (rc == STATUS_OK && (nl = memchr(buf, '\n', len)) != NULL) {
            *nl = '\0';
            rc = take_line(buf, warnings, affinity, err);
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len);
        }
        if (len == MESSAGE_LINE_MAX - 1)
            len = 0; /* an overlong line: drop it */
    }
    free(buf);
    close(fd);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        forward_signal(pid, &forwarded);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : SIGNAL_EXIT_BASE + WTERMSIG(ws);
    return rc;
}

int child_run(const struct child_request *req, struct warnings *warnings,
              struct affinity_log *affinity, int *status, errmsg_t *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return errmsg_set(err, STATUS_IO, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return errmsg_set(err, STATUS_IO, "cannot start a child: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        exec_child(req, fds[1]);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    return collect(pid, fds[0], warnings, affinity, status, err);
}

void child_send(const struct child_role *role, const struct warnings *warnings,
                  const struct affinity_log *affinity)
{
    FILE *out = fdopen(role->fd, "w");
    if (out == NULL)
        return;
    for (int i = 0; i < warnings->n; i++)
        fprintf(out, "W\t%s\n", warnings->text[i]);
    for (int i = 0; i < affinity->n; i++) {
        fputs("A\t", out);
        affinity_record_write(out, &affinity->rec[i]);
        putc('\n', out);
    }
    fclose(out);
}
