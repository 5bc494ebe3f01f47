/* filelock: an exclusive whole-file lock that works on as many file systems
 * as possible, for the appenders of runs.csv, elbow.csv and metadata.json.
 *
 * flock(2) first. Where the file system does not serve it (ENOLCK,
 * EOPNOTSUPP, ENOSYS: Lustre without -o flock, some NFS set-ups), fcntl(2)
 * F_SETLKW on the whole file, which NFS serves through its lock manager.
 * Where neither works the file is used unlocked: the caller goes on and
 * filelock_unlocked() reports it, so a single writer is never refused.
 *
 * The kind that worked is kept by the caller per open descriptor, so each
 * later lock costs one system call. Beware of fcntl semantics: closing
 * ANY descriptor of the file in this process drops the lock, so read a
 * locked file through the locked descriptor, never through fopen(). */
#ifndef OMPSWEEP_STUDY_RECORD_FILELOCK_H
#define OMPSWEEP_STUDY_RECORD_FILELOCK_H

#include <stdbool.h>

#include "base/status.h"

enum filelock_kind {
    FILELOCK_UNTRIED = 0, /* no lock taken on this descriptor yet */
    FILELOCK_FLOCK,
    FILELOCK_FCNTL,
    FILELOCK_NONE         /* neither is supported here: unlocked */
};

/* Block until `fd` (open for writing: fcntl write locks need it) of file
 * `path` is locked exclusively, or found unlockable. *kind starts as
 * FILELOCK_UNTRIED for a new descriptor and is kept for the next calls.
 * STATUS_OK, or STATUS_IO "PATH: cannot lock: REASON" for errors other than
 * "locks not supported" (a bad descriptor, an I/O error). Signals do not
 * break the wait. */
int filelock_acquire(int fd, enum filelock_kind *kind, const char *path,
                     errmsg_t *err);

/* Drop the lock taken by filelock_acquire (nothing for FILELOCK_NONE). */
void filelock_release(int fd, enum filelock_kind kind);

/* True once any file of this process had to be used without a lock. */
bool filelock_unlocked(void);

/* The warning for that case, ready for warnings_add("%s", ...). */
const char *filelock_unlocked_warning(void);

#endif
