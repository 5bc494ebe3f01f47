/* filelock: see filelock.h. */
#include "study/record/filelock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char UNLOCKED_WARNING[] =
    "appends are not locked on this file system; give concurrent jobs "
    "separate output directories";

/* Set once a file had to be used unlocked; only the appending thread of
 * rank 0 locks files, so no atomics are needed. */
static bool unlocked_seen;

/* The errors by which a file system says it does not serve a kind of lock,
 * as opposed to a failure of this file or descriptor. */
static bool unsupported(int e)
{
    return e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS;
}

static int lock_flock(int fd)
{
    int rc;
    while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
        continue; /* a SIGINT is recorded by its handler; keep waiting */
    return rc;
}

/* One write lock over the whole file, however long it grows (l_len 0). */
static int lock_fcntl(int fd, short type)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    int rc;
    while ((rc = fcntl(fd, type == F_UNLCK ? F_SETLK : F_SETLKW, &fl)) != 0 &&
           errno == EINTR)
        continue;
    return rc;
}

/* The first lock of a descriptor: find which kind the file system serves. */
static int probe(int fd, enum filelock_kind *kind, const char *path, errmsg_t *err)
{
    if (lock_flock(fd) == 0) {
        *kind = FILELOCK_FLOCK;
        return STATUS_OK;
    }
    if (!unsupported(errno))
        return errmsg_set(err, STATUS_IO, "%s: cannot lock: %s", path, strerror(errno));
    if (lock_fcntl(fd, F_WRLCK) == 0) {
        *kind = FILELOCK_FCNTL;
        return STATUS_OK;
    }
    if (!unsupported(errno))
        return errmsg_set(err, STATUS_IO, "%s: cannot lock: %s", path, strerror(errno));
    *kind = FILELOCK_NONE;
    unlocked_seen = true;
    return STATUS_OK;
}

int filelock_acquire(int fd, enum filelock_kind *kind, const char *path,
                     errmsg_t *err)
{
    int rc = 0;
    switch (*kind) {
    case FILELOCK_UNTRIED: return probe(fd, kind, path, err);
    case FILELOCK_FLOCK: rc = lock_flock(fd); break;
    case FILELOCK_FCNTL: rc = lock_fcntl(fd, F_WRLCK); break;
    case FILELOCK_NONE: return STATUS_OK;
    }
    if (rc != 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot lock: %s", path, strerror(errno));
    return STATUS_OK;
}

void filelock_release(int fd, enum filelock_kind kind)
{
    /* Failures are ignored: the lock goes with the descriptor at close. */
    if (kind == FILELOCK_FLOCK)
        (void)flock(fd, LOCK_UN);
    else if (kind == FILELOCK_FCNTL)
        (void)lock_fcntl(fd, F_UNLCK);
}

bool filelock_unlocked(void) { return unlocked_seen; }

const char *filelock_unlocked_warning(void) { return UNLOCKED_WARNING; }
