/* exec_tree: see exec_tree.h. */
#include "exec/exec_tree.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
    TREE_MAX = 4096,   /* processes of one run followed; a run of MPI ranks has far fewer */
    STAT_TEXT = 512,   /* /proc/PID/stat up to the parent's id */
    SWEEP_ROUNDS = 16  /* adoptions followed: a killed stray's children come next */
};

/* One process of the machine and its parent. */
struct proc_link {
    pid_t pid, ppid;
};

void exec_tree_adopt(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* The parent of `pid` from /proc/PID/stat ("pid (comm) state ppid ..."; the
 * command may hold spaces and parentheses, so read after the last ')'). */
static bool parent_of(pid_t pid, pid_t *ppid)
{
    char path[64], text[STAT_TEXT];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *close = strrchr(text, ')');
    int parent;
    char state;
    if (close == NULL || sscanf(close + 1, " %c %d", &state, &parent) != 2)
        return false;
    *ppid = (pid_t)parent;
    return true;
}

/* Every process of /proc with its parent, into a malloc'd array (NULL and
 * 0 when /proc cannot be read or memory runs out). */
static struct proc_link *all_processes(size_t *count)
{
    *count = 0;
    DIR *dir = opendir("/proc");
    size_t cap = 256;
    struct proc_link *links = dir != NULL ? malloc(cap * sizeof *links) : NULL;
    for (struct dirent *e; links != NULL && (e = readdir(dir)) != NULL;) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid_t pid = (pid_t)atoi(e->d_name), ppid;
        if (!parent_of(pid, &ppid))
            continue; /* ended meanwhile */
        if (*count == cap) {
            struct proc_link *grown = realloc(links, 2 * cap * sizeof *grown);
            if (grown == NULL)
                break;
            links = grown;
            cap *= 2;
        }
        links[(*count)++] = (struct proc_link){pid, ppid};
    }
    if (dir != NULL)
        closedir(dir);
    return links;
}

size_t exec_tree_descendants(pid_t root, pid_t *out, size_t cap)
{
    size_t nlinks, n = 0;
    struct proc_link *links = all_processes(&nlinks);
    /* breadth first: the children of `of`, then of each process found */
    pid_t of = root;
    for (size_t next = 0; links != NULL; of = out[next++]) {
        for (size_t i = 0; i < nlinks && n < cap; i++)
            if (links[i].ppid == of && links[i].pid != root)
                out[n++] = links[i].pid;
        if (next >= n)
            break;
    }
    free(links);
    return n;
}

void exec_tree_signal(pid_t root, int sig)
{
    pid_t *tree = malloc(TREE_MAX * sizeof *tree);
    size_t n = tree != NULL ? exec_tree_descendants(root, tree, TREE_MAX) : 0;
    kill(-root, sig);
    kill(root, sig);
    for (size_t i = 0; i < n; i++)
        kill(tree[i], sig);
    free(tree);
}

/* Reap children that have ended; false when this process has no child
 * left at all. */
static bool children_left(void)
{
    int ws;
    for (;;) {
        pid_t r = waitpid(-1, &ws, WNOHANG);
        if (r > 0)
            continue;
        if (r < 0 && errno == EINTR)
            continue;
        return r == 0;
    }
}

int exec_tree_sweep(void)
{
    int killed = 0;
    pid_t self = getpid();
    pid_t *tree = NULL;
    for (int round = 0; round < SWEEP_ROUNDS && children_left(); round++) {
        if (tree == NULL && (tree = malloc(TREE_MAX * sizeof *tree)) == NULL)
            break;
        size_t n = exec_tree_descendants(self, tree, TREE_MAX);
        for (size_t i = 0; i < n; i++)
            kill(tree[i], SIGKILL);
        killed += (int)n;
        int ws;
        for (size_t i = 0; i < n; i++) /* ours by now, or soon adopted */
            while (waitpid(tree[i], &ws, 0) < 0 && errno == EINTR)
                ;
    }
    free(tree);
    return killed;
}
