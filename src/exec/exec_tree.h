/* exec_tree: every process a run started, however deep. An MPI launcher's
 * ranks are not in the launcher's process group (Open MPI's mpirun puts
 * each rank into a group of its own), so a signal to the group reaches the
 * launcher alone, and a launcher killed outright leaves its ranks running.
 * Here the processes are found through /proc (the parent of each one), a
 * signal goes to each of them, and ompsweep, the child subreaper of what it
 * starts, adopts and ends whatever outlives its parent. */
#ifndef OMPSWEEP_EXEC_EXEC_TREE_H
#define OMPSWEEP_EXEC_EXEC_TREE_H

#include <stddef.h>
#include <sys/types.h>

/* Make this process the subreaper of its descendants (PR_SET_CHILD_SUBREAPER):
 * a process whose parent ends is adopted by it, not by init. Idempotent. */
void exec_tree_adopt(void);

/* Up to `cap` descendants of `root` (not root itself) into out, parents
 * before their children; returns how many were found. */
size_t exec_tree_descendants(pid_t root, pid_t *out, size_t cap);

/* Send `sig` to root's process group, to root and to every descendant of
 * root, each by its own id. */
void exec_tree_signal(pid_t root, int sig);

/* Once the program has been reaped: kill (SIGKILL) and reap every other
 * child of this process and their descendants, i.e. what the program left
 * running and ompsweep adopted. Cheap when there is none. Returns how many
 * processes were killed. */
int exec_tree_sweep(void);

#endif
