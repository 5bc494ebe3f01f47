/* exec_program: see exec_program.h. */
#include "exec/exec_program.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/sha256.h"
#include "exec/exec_launcher.h"
#include "exec/exec_options.h"
#include "exec/exec_proc.h"

enum { READ_CHUNK = 1 << 16, DYNAMIC_MAX = 1 << 16 };
static const double VERSION_TIMEOUT = 60.0; /* seconds for --program-version */
/* DT_NEEDED names that are OpenMP runtimes: GNU, LLVM, Intel, NVIDIA. */
static const char *const RUNTIMES[] = {"libgomp", "libomp", "libiomp", "libnvomp"};

static bool read_at(int fd, void *buf, size_t n, off_t at)
{
    return pread(fd, buf, n, at) == (ssize_t)n;
}

static bool is_runtime(const char *name)
{
    for (size_t i = 0; i < sizeof RUNTIMES / sizeof *RUNTIMES; i++)
        if (strncmp(name, RUNTIMES[i], strlen(RUNTIMES[i])) == 0)
            return true;
    return false;
}

/* The NEEDED names of one dynamic section, its string table in strtab. */
static void needed_names(int fd, const Elf64_Shdr *dyn, const Elf64_Shdr *strtab,
                         char *out, size_t cap)
{
    size_t n = dyn->sh_size / sizeof(Elf64_Dyn), used = strlen(out);
    char name[256];
    for (size_t i = 0; i < n && i < DYNAMIC_MAX; i++) {
        Elf64_Dyn d;
        if (!read_at(fd, &d, sizeof d, (off_t)(dyn->sh_offset + i * sizeof d)) ||
            d.d_tag == DT_NULL)
            break;
        if (d.d_tag != DT_NEEDED || d.d_un.d_val >= strtab->sh_size)
            continue;
        ssize_t got = pread(fd, name, sizeof name - 1, (off_t)(strtab->sh_offset + d.d_un.d_val));
        name[got > 0 ? strnlen(name, (size_t)got) : 0] = '\0';
        if (is_runtime(name) && used + strlen(name) + 2 < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? " " : "", name);
    }
}

bool exec_program_openmp_runtime(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    Elf64_Ehdr eh;
    bool ok = read_at(fd, &eh, sizeof eh, 0) && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
              eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_shentsize == sizeof(Elf64_Shdr) &&
              eh.e_shnum > 0;
    for (int i = 0; ok && i < eh.e_shnum; i++) {
        Elf64_Shdr sh, str;
        if (!read_at(fd, &sh, sizeof sh, (off_t)(eh.e_shoff + (size_t)i * sizeof sh)))
            break;
        if (sh.sh_type == SHT_DYNAMIC && sh.sh_link < eh.e_shnum &&
            read_at(fd, &str, sizeof str, (off_t)(eh.e_shoff + sh.sh_link * sizeof str)))
            needed_names(fd, &sh, &str, out, cap);
    }
    close(fd);
    return ok;
}

/* Size, time and digest of the file. */
static int describe_file(struct metadata_program *p, errmsg_t *err)
{
    struct stat st;
    int fd = open(p->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return errmsg_set(err, STATUS_USAGE, "exec: %s: cannot read: %s", p->path, strerror(e));
    }
    p->size_bytes = (long long)st.st_size;
    struct tm tm;
    strftime(p->mtime, sizeof p->mtime, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&st.st_mtime, &tm));
    struct sha256 h;
    sha256_init(&h);
    char *buf = malloc(READ_CHUNK);
    ssize_t got = buf != NULL ? 0 : -1;
    while (buf != NULL && (got = read(fd, buf, READ_CHUNK)) > 0)
        sha256_update(&h, buf, (size_t)got);
    free(buf);
    close(fd);
    if (got < 0)
        return errmsg_set(err, STATUS_USAGE, "exec: %s: cannot read it whole", p->path);
    sha256_final_hex(&h, p->sha256);
    return STATUS_OK;
}

/* Lines of the version command's output, '\n'-joined, into version. */
static void take_version_line(void *ctx, const char *line, size_t len)
{
    struct metadata_program *p = ctx;
    size_t used = strlen(p->version);
    if (used + len + 2 < sizeof p->version)
        snprintf(p->version + used, sizeof p->version - used, "%s%s", used ? "\n" : "", line);
}

static int run_version(const struct exec_options *opt, struct metadata_program *p, errmsg_t *err)
{
    extern char **environ;
    char sh[] = "/bin/sh", c[] = "-c";
    char *argv[] = {sh, c, (char *)opt->program_version, NULL};
    struct exec_spawn sp = {.path = sh, .argv = argv, .envp = environ,
                            .dir = opt->chdir, .timeout = VERSION_TIMEOUT,
                            .on_line = take_version_line, .ctx = p};
    struct exec_outcome *o = calloc(1, sizeof *o);
    if (o == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    int rc = exec_proc_run(&sp, o, err);
    if (rc == STATUS_OK && (o->exit_code != 0 || o->signal != 0 || o->timed_out))
        rc = errmsg_set(err, STATUS_USAGE, "--program-version: '%s' failed (exit "
                        "status %d%s)", opt->program_version, o->exit_code,
                        o->timed_out ? ", timed out" : "");
    free(o);
    p->has_version = true;
    return rc;
}

/* The launcher: as given, which MPI it is, what its --version said. */
static int describe_launcher(const struct exec_options *opt, struct metadata_program *p,
                             errmsg_t *err)
{
    struct exec_launcher *l = malloc(sizeof *l);
    if (l == NULL)
        return errmsg_set(err, STATUS_NOMEM, "exec: out of memory");
    int rc = exec_launcher_init(l, opt->launcher, err);
    if (rc == STATUS_OK) {
        p->has_launcher = true;
        snprintf(p->launcher, sizeof p->launcher, "%s", opt->launcher);
        snprintf(p->launcher_kind, sizeof p->launcher_kind, "%s",
                 exec_launcher_kind_name(l->kind));
        snprintf(p->launcher_version, sizeof p->launcher_version, "%s", l->version);
    }
    exec_launcher_free(l);
    free(l);
    return rc;
}

int exec_program_describe(const void *opts, struct metadata_program *out,
                          errmsg_t *err)
{
    const struct exec_options *opt = opts;
    char found[PATH_MAX];
    memset(out, 0, sizeof *out);
    int rc = exec_proc_resolve(opt->command[0], found, sizeof found, err);
    if (rc != STATUS_OK)
        return rc;
    if (realpath(found, out->path) == NULL)
        snprintf(out->path, sizeof out->path, "%s", found);
    rc = describe_file(out, err);
    out->elf = rc == STATUS_OK &&
               exec_program_openmp_runtime(out->path, out->openmp_runtime,
                                           sizeof out->openmp_runtime);
    if (rc == STATUS_OK && opt->program_version != NULL)
        rc = run_version(opt, out, err);
    if (rc == STATUS_OK && opt->launcher != NULL)
        rc = describe_launcher(opt, out, err);
    return rc;
}
