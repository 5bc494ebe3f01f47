/* output: see output.h. */
#include "study/record/output.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    OUTPUT_DIR_MODE = 0755,
    HOST_MAX = 256 /* ".tmp." HOST "." PID stays within OUTPUT_TMP_EXTRA */
};

static int make_one(const char *path, errmsg_t *err)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return errmsg_set(err, STATUS_IO, "--output: '%s' exists and is not "
                              "a directory", path);
        return STATUS_OK;
    }
    if (mkdir(path, OUTPUT_DIR_MODE) != 0 && errno != EEXIST)
        return errmsg_set(err, STATUS_IO, "--output: cannot create '%s': %s", path,
                          strerror(errno));
    return STATUS_OK;
}

int output_prepare(const char *dir, errmsg_t *err)
{
    char path[OUTPUT_PATH_MAX];
    if (strlen(dir) >= sizeof path)
        return errmsg_set(err, STATUS_IO, "--output: path too long");
    strcpy(path, dir);
    /* Create each parent in turn, like mkdir -p. */
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = make_one(path, err);
        *p = '/';
        if (rc != STATUS_OK)
            return rc;
    }
    int rc = make_one(path, err);
    if (rc != STATUS_OK)
        return rc;
    if (access(path, W_OK | X_OK) != 0)
        return errmsg_set(err, STATUS_IO, "--output: cannot write to '%s': %s",
                          path, strerror(errno));
    return STATUS_OK;
}

int output_path(char *buf, size_t cap, const char *dir, const char *name,
                errmsg_t *err)
{
    if ((size_t)snprintf(buf, cap, "%s/%s", dir, name) >= cap)
        return errmsg_set(err, STATUS_USAGE, "--output: path too long");
    return STATUS_OK;
}

int output_runs_files(const char *dir, output_file_fn fn, void *ctx, errmsg_t *err)
{
    char path[OUTPUT_PATH_MAX];
    struct stat st;
    if (output_path(path, sizeof path, dir, "runs.csv", err) != STATUS_OK)
        return STATUS_USAGE;
    if (stat(path, &st) == 0)
        return fn(ctx, path, err);
    glob_t g;
    if (output_path(path, sizeof path, dir, "*/runs.csv", err) != STATUS_OK)
        return STATUS_USAGE;
    if (glob(path, 0, NULL, &g) != 0)
        return errmsg_set(err, STATUS_USAGE, "%s: no runs.csv in this directory "
                          "or its subdirectories", dir);
    int rc = STATUS_OK;
    for (size_t i = 0; i < g.gl_pathc && rc == STATUS_OK; i++)
        rc = fn(ctx, g.gl_pathv[i], err);
    globfree(&g);
    return rc;
}

/* Whether the process `name` (decimal digits) names is gone: no such
 * process on this host. Our own, a live one (a writer at work, or a
 * process id used again) and one we may not signal count as alive. */
static bool process_gone(const char *name)
{
    char *end;
    errno = 0;
    long pid = strtol(name, &end, 10);
    if (end == name || *end != '\0' || errno == ERANGE || pid <= 0 || pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* This host's name, "unknown" when it has none. */
static void host_name(char *host, size_t cap)
{
    if (gethostname(host, cap) != 0 || host[0] == '\0')
        snprintf(host, cap, "unknown");
    host[cap - 1] = '\0';
}

static void remove_stale(const char *path, const char *host)
{
    char dir[OUTPUT_PATH_MAX], prefix[OUTPUT_PATH_MAX + OUTPUT_TMP_EXTRA];
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    int dlen = slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path);
    if ((size_t)dlen >= sizeof dir ||
        (size_t)snprintf(prefix, sizeof prefix, "%s.tmp.%s.", base, host) >= sizeof prefix)
        return;
    snprintf(dir, sizeof dir, "%.*s", dlen, slash != NULL ? path : ".");
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    size_t plen = strlen(prefix);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, prefix, plen) == 0 && process_gone(e->d_name + plen))
            (void)unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

void output_remove_stale(const char *path)
{
    char host[HOST_MAX];
    host_name(host, sizeof host);
    remove_stale(path, host);
}

int output_tmp_path(char *buf, size_t cap, const char *path, errmsg_t *err)
{
    char host[HOST_MAX];
    host_name(host, sizeof host);
    if ((size_t)snprintf(buf, cap, "%s.tmp.%s.%ld", path, host,
                         (long)getpid()) >= cap)
        return errmsg_set(err, STATUS_IO, "%s: path too long", path);
    remove_stale(path, host);
    return STATUS_OK;
}

int output_replace(const char *tmp, const char *path)
{
    const char *stop = getenv("OMPSWEEP_TEST_STOP");
    const char *slash = strrchr(path, '/');
    if (stop != NULL && strcmp(stop, slash != NULL ? slash + 1 : path) == 0)
        raise(SIGSTOP);
    return rename(tmp, path);
}

int output_commit(FILE *out, const char *tmp, const char *path, errmsg_t *err)
{
    bool failed = fflush(out) != 0 || ferror(out);
    failed = fclose(out) != 0 || failed;
    if (failed || output_replace(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return errmsg_set(err, STATUS_IO, "%s: write failed: %s", path, strerror(e));
    }
    return STATUS_OK;
}

int output_table_open(struct output_table *t, const char *dir, const char *name,
                      errmsg_t *err)
{
    t->out = NULL;
    int rc = output_path(t->path, sizeof t->path, dir, name, err);
    if (rc == STATUS_OK)
        rc = output_prepare(dir, err);
    if (rc == STATUS_OK)
        rc = output_tmp_path(t->tmp, sizeof t->tmp, t->path, err);
    if (rc == STATUS_OK && (t->out = fopen(t->tmp, "w")) == NULL)
        rc = errmsg_set(err, STATUS_IO, "%s: cannot create: %s", t->tmp, strerror(errno));
    return rc;
}
