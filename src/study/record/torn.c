/* torn: see torn.h. */
#include "study/record/torn.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "study/record/output.h"

enum {
    TORN_CHUNK = 16384,  /* bytes read at a time when scanning or copying */
    TORN_KEPT_MAX = 8,   /* repair warnings kept until taken */
    TORN_STAMP_MAX = 32
};

/* Warnings of the repairs made so far, oldest first. */
static struct {
    char text[TORN_KEPT_MAX][TORN_WARNING_TEXT];
    int n, taken;
} kept;

const char *torn_next_warning(void)
{
    return kept.taken < kept.n ? kept.text[kept.taken++] : NULL;
}

void torn_keep_warning(const char *text)
{
    if (kept.n == TORN_KEPT_MAX) { /* drop the oldest taken one, if any */
        if (kept.taken == 0)
            return;
        memmove(kept.text[0], kept.text[1], sizeof kept.text[0] * (TORN_KEPT_MAX - 1));
        kept.n--, kept.taken--;
    }
    snprintf(kept.text[kept.n++], TORN_WARNING_TEXT, "%s", text);
}

static void keep_warningf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void keep_warningf(const char *fmt, ...)
{
    char text[TORN_WARNING_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    torn_keep_warning(text);
}

/* Where the last record and the last line of the first `size` bytes end:
 * just past the last newline outside quotes (*record) and past the last
 * newline at all (*line); 0 when there is none. STATUS_IO on a read error. */
static int find_ends(int fd, off_t size, off_t *record, off_t *line,
                     const char *path, errmsg_t *err)
{
    char buf[TORN_CHUNK];
    bool quoted = false;
    *record = *line = 0;
    for (off_t at = 0; at < size;) {
        size_t want = size - at < (off_t)sizeof buf ? (size_t)(size - at) : sizeof buf;
        ssize_t n = pread(fd, buf, want, at);
        if (n <= 0)
            return errmsg_set(err, STATUS_IO, "%s: cannot read: %s", path,
                              n < 0 ? strerror(errno) : "file shrank");
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '"')
                quoted = !quoted; /* "" inside a value toggles twice */
            else if (buf[i] == '\n') {
                *line = at + i + 1;
                if (!quoted)
                    *record = *line;
            }
        }
        at += n;
    }
    return STATUS_OK;
}

/* Copy bytes [from, to) of fd into a new file `side`, synced. */
static int copy_out(int fd, off_t from, off_t to, const char *side)
{
    char buf[TORN_CHUNK];
    int out = open(side, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0)
        return -1;
    bool ok = true;
    for (off_t at = from; ok && at < to;) {
        size_t want = to - at < (off_t)sizeof buf ? (size_t)(to - at) : sizeof buf;
        ssize_t n = pread(fd, buf, want, at);
        ok = n > 0 && write(out, buf, (size_t)n) == n;
        at += n > 0 ? n : 0;
    }
    ok = ok && fsync(out) == 0;
    int e = errno;
    ok = close(out) == 0 && ok;
    if (!ok) {
        unlink(side);
        errno = e != 0 ? e : EIO;
        return -1;
    }
    return 0;
}

/* "PATH.torn-YYYYmmddTHHMMSSZ-PID" */
static int side_path(char *buf, size_t cap, const char *path, errmsg_t *err)
{
    char stamp[TORN_STAMP_MAX];
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    if ((size_t)snprintf(buf, cap, "%s.torn-%s-%ld", path, stamp, (long)getpid()) >= cap)
        return errmsg_set(err, STATUS_IO, "%s: path too long", path);
    return STATUS_OK;
}

/* Move bytes [keep, size) aside and cut them from the table. */
static int move_aside(int fd, const char *path, off_t keep, off_t size, errmsg_t *err)
{
    char side[OUTPUT_PATH_MAX + OUTPUT_TMP_EXTRA];
    int rc = side_path(side, sizeof side, path, err);
    if (rc != STATUS_OK)
        return rc;
    const char *slash = strrchr(side, '/');
    const char *name = slash != NULL ? slash + 1 : side;
    long long torn = (long long)(size - keep);
    if (copy_out(fd, keep, size, side) != 0)
        return errmsg_set(err, STATUS_IO, "%s: the last line is torn (%lld bytes "
                          "without a newline) and cannot be moved aside: %s: %s; "
                          "refusing to append: free some space and run again, or "
                          "cut it with 'truncate -s %lld %s'", path, torn, name,
                          strerror(errno), (long long)keep, path);
    if (ftruncate(fd, keep) != 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot cut the torn last line "
                          "(copied to %s): %s", path, name, strerror(errno));
    keep_warningf("%s: the last line was torn (%lld bytes without a newline: a "
                  "writer killed or out of space); moved to %s", path, torn, name);
    return STATUS_OK;
}

/* Whether bytes [from, to) are a whole record that lacks only its newline,
 * as `whole` judges; false without a judge or for more than a record. */
static bool lacks_newline_only(int fd, off_t from, off_t to, torn_whole_fn whole,
                               void *ctx)
{
    char buf[TORN_CHUNK];
    if (whole == NULL || to - from >= (off_t)sizeof buf)
        return false;
    ssize_t n = pread(fd, buf, (size_t)(to - from), from);
    if (n != to - from)
        return false;
    buf[n] = '\0';
    return whole(buf, ctx);
}

/* Give the last line its newline; a warning unless it is the header. */
static int add_newline(int fd, const char *path, off_t record, errmsg_t *err)
{
    ssize_t w = write(fd, "\n", 1);
    if (w != 1)
        return errmsg_set(err, STATUS_IO, "%s: write failed: %s", path,
                          w < 0 ? strerror(errno) : "short write");
    if (record > 0)
        keep_warningf("%s: the last row lacked its newline (a writer killed or "
                      "out of space just before it); newline added", path);
    return STATUS_OK;
}

int torn_repair(int fd, const char *path, torn_whole_fn whole, void *ctx,
                errmsg_t *err)
{
    struct stat st;
    char last;
    if (fstat(fd, &st) != 0)
        return errmsg_set(err, STATUS_IO, "%s: cannot stat: %s", path, strerror(errno));
    if (st.st_size == 0)
        return STATUS_OK;
    if (pread(fd, &last, 1, st.st_size - 1) != 1)
        return errmsg_set(err, STATUS_IO, "%s: cannot read: %s", path, strerror(errno));
    if (last == '\n')
        return STATUS_OK;
    off_t record, line;
    int rc = find_ends(fd, st.st_size, &record, &line, path, err);
    if (rc != STATUS_OK)
        return rc;
    if (record != line) /* an open quote further up: not a torn row alone */
        return errmsg_set(err, STATUS_IO, "%s: the last line has no newline and "
                          "the quotes before it do not balance; refusing to append "
                          "(look at the file's end; 'truncate -s %lld %s' cuts the "
                          "last line)", path, (long long)line, path);
    /* record 0: the header alone, which the caller checked */
    if (record == 0 || lacks_newline_only(fd, record, st.st_size, whole, ctx))
        return add_newline(fd, path, record, err);
    return move_aside(fd, path, record, st.st_size, err);
}
