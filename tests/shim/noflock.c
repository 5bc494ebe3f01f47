/* LD_PRELOAD shim for the lock tests: flock(2) fails as on a file system
 * that does not serve it (Lustre mounted without -o flock). The errno is
 * SHIM_LOCK_ERRNO (a number; ENOLCK when unset), so the tests can also try
 * EOPNOTSUPP, ENOSYS and an error that is not "unsupported".
 * Build: cc -shared -fPIC -o noflock.so noflock.c */
#include <errno.h>
#include <stdlib.h>

static int shim_errno(void)
{
    const char *text = getenv("SHIM_LOCK_ERRNO");
    return text != NULL && *text != '\0' ? atoi(text) : ENOLCK;
}

int flock(int fd, int operation)
{
    (void)fd;
    (void)operation;
    errno = shim_errno();
    return -1;
}
