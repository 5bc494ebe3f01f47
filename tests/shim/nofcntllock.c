/* LD_PRELOAD shim for the lock tests: fcntl(2) record locks fail as where no
 * lock manager answers (NFS without lockd, Lustre without -o flock); every
 * other fcntl command goes through to the C library. The errno is
 * SHIM_LOCK_ERRNO (a number; ENOLCK when unset).
 * Build: cc -shared -fPIC -o nofcntllock.so nofcntllock.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

typedef int (*fcntl_fn)(int, int, ...);

static bool is_lock(int cmd)
{
    return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK ||
           cmd == F_OFD_SETLKW;
}

/* The third argument is an int or a pointer; passed on as a pointer-sized
 * value, as the C library's own wrappers do on Linux. */
static int shim(const char *name, int fd, int cmd, void *arg)
{
    if (is_lock(cmd)) {
        const char *text = getenv("SHIM_LOCK_ERRNO");
        errno = text != NULL && *text != '\0' ? atoi(text) : ENOLCK;
        return -1;
    }
    fcntl_fn real = (fcntl_fn)dlsym(RTLD_NEXT, name);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return shim("fcntl", fd, cmd, arg);
}

/* glibc 2.28 and later may bind a program's fcntl calls to this name. */
int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return shim("fcntl64", fd, cmd, arg);
}
