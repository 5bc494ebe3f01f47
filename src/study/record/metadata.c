/* metadata: metadata.json, one object per run in a JSON array; see metadata.h. */
#include "study/record/metadata.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/openmp.h"
#include "study/record/envinfo.h"
#include "study/record/output.h"

enum {
    READ_CHUNK = 64 * 1024, /* first buffer for the existing file */
    HOST_CAP = 256,
    MEMBER_INDENT = 4, /* the array's elements sit at 2, their members at 4 */
    NESTED_INDENT = 6, /* entries of a multi-line member */
    ELEMENT_INDENT = 2,
    SEED_TEXT = 24     /* UINT64_MAX has 20 digits */
};

/* Machine, build and OpenMP facts, gathered before the file is opened. */
struct facts {
    char host[HOST_CAP];
    char compiler[ENVINFO_TEXT_MAX];
    struct envinfo_cpu cpu;
    struct envinfo_timer timer;
    struct envinfo_places places;
    char **affinity;
    int naffinity;
    const char **omp_env;
    int nomp_env;
    struct envinfo_job job;
};

/* ---- reading the existing file ---------------------------------------- */

/* The whole file into a new buffer; *missing when it does not exist. */
static int read_all(const char *path, char **text, size_t *len, bool *missing,
                    errmsg_t *err)
{
    *text = NULL;
    *len = 0;
    *missing = false;
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        *missing = errno == ENOENT;
        return *missing ? STATUS_OK
                        : errmsg_set(err, STATUS_IO, "%s: cannot read: %s", path,
                                     strerror(errno));
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = STATUS_OK;
    while (rc == STATUS_OK && !feof(in) && !ferror(in)) {
        if (n == cap) {
            cap = cap > 0 ? 2 * cap : READ_CHUNK;
            char *grown = realloc(buf, cap);
            if (grown == NULL)
                rc = errmsg_set(err, STATUS_NOMEM, "%s: out of memory reading it", path);
            else
                buf = grown;
        }
        if (rc == STATUS_OK)
            n += fread(buf + n, 1, cap - n, in);
    }
    if (rc == STATUS_OK && ferror(in))
        rc = errmsg_set(err, STATUS_IO, "%s: read failed: %s", path, strerror(errno));
    fclose(in);
    if (rc != STATUS_OK) {
        free(buf);
        return rc;
    }
    *text = buf;
    *len = n;
    return STATUS_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A JSON array as this module writes it: first non-space '[' and last
 * non-space ']'. *body is what lies between them, trailing space trimmed
 * (empty for "[]"). */
static bool array_body(const char *text, size_t len, const char **body,
                       size_t *body_len)
{
    size_t first = 0, last = len;
    while (first < len && is_space(text[first]))
        first++;
    while (last > first && is_space(text[last - 1]))
        last--;
    if (last - first < 2 || text[first] != '[' || text[last - 1] != ']')
        return false;
    size_t end = last - 1;
    while (end > first + 1 && is_space(text[end - 1]))
        end--;
    *body = text + first + 1;
    *body_len = end - (first + 1);
    return true;
}

/* Read `path` and check it: *text (caller frees) is NULL when missing. */
static int load_existing(const char *path, char **text, const char **body,
                         size_t *body_len, errmsg_t *err)
{
    size_t len;
    bool missing;
    *body = NULL;
    *body_len = 0;
    int rc = read_all(path, text, &len, &missing, err);
    if (rc != STATUS_OK || missing)
        return rc;
    if (!array_body(*text, len, body, body_len)) {
        free(*text);
        *text = NULL;
        return errmsg_set(err, STATUS_USAGE, "%s: not a JSON array written by "
                          "ompsweep; refusing to overwrite", path);
    }
    return STATUS_OK;
}

int metadata_check(const char *path, errmsg_t *err)
{
    char *text;
    const char *body;
    size_t body_len;
    int rc = load_existing(path, &text, &body, &body_len, err);
    free(text);
    return rc;
}

/* ---- JSON output ------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (RFC 3629 table: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when invalid. */
static size_t utf8_length(const unsigned char *p)
{
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        lo = p[0] == 0xE0 ? 0xA0 : lo;
        hi = p[0] == 0xED ? 0x9F : hi;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        lo = p[0] == 0xF0 ? 0x90 : lo;
        hi = p[0] == 0xF4 ? 0x8F : hi;
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi) /* also stops at the terminating NUL */
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static void put_escaped_ascii(FILE *out, unsigned char c)
{
    switch (c) {
    case '"':  fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\b': fputs("\\b", out); break;
    case '\f': fputs("\\f", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
        if (c < 0x20)
            fprintf(out, "\\u%04x", (unsigned)c);
        else
            putc(c, out);
    }
}

/* `len` bytes of s as a JSON string. Valid UTF-8 passes through; an invalid
 * byte becomes U+FFFD, since one stray Latin-1 byte in argv would otherwise
 * make the whole history unreadable to strict parsers. */
static void put_text(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    putc('"', out);
    while (p < end) {
        size_t n = utf8_length(p);
        if (n == 0 || n > (size_t)(end - p)) {
            fputs("\\ufffd", out);
            p++;
        } else if (n == 1) {
            put_escaped_ascii(out, *p++);
        } else {
            fwrite(p, 1, n, out);
            p += n;
        }
    }
    putc('"', out);
}

/* A JSON string, or null for NULL. */
static void put_string(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("null", out);
    else
        put_text(out, s, strlen(s));
}

/* Finite doubles round-trip with 17 digits; JSON has no NaN or Inf. */
static void put_double(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, "%.17g", x);
    else
        fputs("null", out);
}

/* The members of one object, written one per line. */
struct object {
    FILE *out;
    bool first;
    int indent; /* of the members; 0: MEMBER_INDENT */
};

static void key(struct object *o, const char *name)
{
    fprintf(o->out, "%s%*s", o->first ? "\n" : ",\n", o->indent ? o->indent : MEMBER_INDENT, "");
    o->first = false;
    put_string(o->out, name);
    fputs(": ", o->out);
}

static void member_string(struct object *o, const char *name, const char *value)
{
    key(o, name);
    put_string(o->out, value);
}

static void member_int(struct object *o, const char *name, long long value)
{
    key(o, name);
    fprintf(o->out, "%lld", value);
}

static void member_bool(struct object *o, const char *name, bool value)
{
    key(o, name);
    fputs(value ? "true" : "false", o->out);
}

static void member_double(struct object *o, const char *name, double value)
{
    key(o, name);
    put_double(o->out, value);
}

/* An array of strings: one line when short lists read better that way
 * (caches, argv), one entry per line otherwise (affinity, warnings). */
static void member_strings(struct object *o, const char *name,
                           const char *const *values, int n, bool multiline)
{
    key(o, name);
    putc('[', o->out);
    for (int i = 0; i < n; i++) {
        if (multiline)
            fprintf(o->out, "%s\n%*s", i > 0 ? "," : "", NESTED_INDENT, "");
        else if (i > 0)
            fputs(", ", o->out);
        put_string(o->out, values[i]);
    }
    if (multiline && n > 0)
        fprintf(o->out, "\n%*s", MEMBER_INDENT, "");
    putc(']', o->out);
}

static void member_ints(struct object *o, const char *name, const int *values, int n)
{
    key(o, name);
    putc('[', o->out);
    for (int i = 0; i < n; i++)
        fprintf(o->out, "%s%d", i > 0 ? ", " : "", values[i]);
    putc(']', o->out);
}

/* A CPU list (or a set of place numbers) as a JSON string: "0-3,8". */
static void put_set(FILE *out, const cpu_set_t *set)
{
    putc('"', out);
    envinfo_cpulist_write(out, set);
    putc('"', out);
}

static void put_int_or_null(FILE *out, int value)
{
    if (value < 0)
        fputs("null", out);
    else
        fprintf(out, "%d", value);
}

/* {"thread": 0, "place": 0, "place_cpus": "0", "partition": "0-1",
 * "cpus": "0", "cpu": 0}: place and place_cpus null when not bound. */
static void put_thread(FILE *out, const struct affinity_thread *th)
{
    fprintf(out, "{\"thread\": %d, \"place\": ", th->thread);
    put_int_or_null(out, th->place);
    fputs(", \"place_cpus\": ", out);
    if (th->place < 0)
        fputs("null", out);
    else
        put_set(out, &th->place_cpus);
    fputs(", \"partition\": ", out);
    put_set(out, &th->partition);
    fputs(", \"cpus\": ", out);
    put_set(out, &th->cpus);
    fputs(", \"cpu\": ", out);
    put_int_or_null(out, th->cpu);
    putc('}', out);
}

/* One block's record: {"bind": .., "places": .., "threads": N, "cpus":
 * ["0", "1"], "team": [...]}: "cpus" (0.2) holds each thread's CPU list in
 * thread order, "team" one object per thread, on a line of its own. */
static void put_block_affinity(FILE *out, const struct affinity_record *r)
{
    fputs("{\"bind\": ", out);
    put_string(out, r->bind);
    fputs(", \"places\": ", out);
    put_string(out, r->places);
    fprintf(out, ", \"threads\": %d, \"cpus\": [", r->threads);
    for (int t = 0; t < r->team; t++) {
        fputs(t > 0 ? ", " : "", out);
        put_set(out, &r->thread[t].cpus);
    }
    fputs("], \"team\": [", out);
    for (int t = 0; t < r->team; t++) {
        fprintf(out, "%s\n%*s", t > 0 ? "," : "", NESTED_INDENT + ELEMENT_INDENT, "");
        put_thread(out, &r->thread[t]);
    }
    fputs("]}", out);
}

static void member_block_affinity(struct object *o, const struct metadata_run *run)
{
    key(o, "block_affinity");
    putc('[', o->out);
    for (int i = 0; i < run->naffinity; i++) {
        fprintf(o->out, "%s\n%*s", i > 0 ? "," : "", NESTED_INDENT, "");
        put_block_affinity(o->out, &run->affinity[i]);
    }
    if (run->naffinity > 0)
        fprintf(o->out, "\n%*s", MEMBER_INDENT, "");
    putc(']', o->out);
}

/* ---- the run's object ------------------------------------------------- */

/* "program": {"path": .., "size_bytes": .., ...}: the user's program. */
static void write_program(struct object *o, const struct metadata_program *p)
{
    struct object inner = {.out = o->out, .first = true, .indent = NESTED_INDENT};
    key(o, "program");
    putc('{', o->out);
    member_string(&inner, "path", p->path);
    member_int(&inner, "size_bytes", p->size_bytes);
    member_string(&inner, "mtime", p->mtime);
    member_string(&inner, "sha256", p->sha256);
    member_string(&inner, "openmp_runtime", p->elf ? p->openmp_runtime : NULL);
    if (p->has_version)
        member_string(&inner, "version", p->version);
    if (p->has_launcher) {
        member_string(&inner, "launcher", p->launcher);
        member_string(&inner, "launcher_kind", p->launcher_kind);
        member_string(&inner, "launcher_version", p->launcher_version[0] ? p->launcher_version
                                                                         : NULL);
    }
    member_string(&inner, "result_text", p->result_text);
    member_bool(&inner, "result_text_cut", p->result_text_cut);
    fprintf(o->out, "\n%*s}", MEMBER_INDENT, "");
}

static void write_build(struct object *o, const struct facts *f, bool program)
{
    member_string(o, "version", envinfo_version_number());
    member_string(o, "git_commit", envinfo_git_commit());
    member_string(o, program ? "ompsweep_compiler" : "compiler", f->compiler);
    member_string(o, program ? "ompsweep_cflags" : "cflags", envinfo_cflags());
    member_bool(o, "optimized", envinfo_optimized());
    member_bool(o, "sanitized", envinfo_sanitized());
}

static void write_machine(struct object *o, const struct facts *f)
{
    const char *caches[ENVINFO_CACHE_MAX];
    for (int i = 0; i < f->cpu.ncaches; i++)
        caches[i] = f->cpu.caches[i];
    member_string(o, "host", f->host);
    member_string(o, "cpu_model", f->cpu.model);
    member_int(o, "logical_cpus", f->cpu.logical);
    key(o, "usable_cpus");
    put_set(o->out, &f->cpu.usable);
    member_string(o, "usable_cpus_from",
                  f->cpu.source == ENVINFO_CPUS_PLACES ? "omp_places" : "affinity_mask");
    member_int(o, "omp_num_procs", f->cpu.omp_procs);
    member_int(o, "physical_cores", f->cpu.physical_cores);
    member_bool(o, "smt", f->cpu.smt);
    member_strings(o, "caches", caches, f->cpu.ncaches, false);
    member_double(o, "timer_tick_s", f->timer.tick);
    member_double(o, "omp_wtick_s", f->timer.wtick);
}

/* "omp_env": {"OMP_NUM_THREADS": "4", ...} from "NAME=value" entries. */
static void write_omp_env(struct object *o, const struct facts *f)
{
    key(o, "omp_env");
    putc('{', o->out);
    for (int i = 0; i < f->nomp_env; i++) {
        const char *entry = f->omp_env[i];
        const char *eq = strchr(entry, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - entry) : strlen(entry);
        fprintf(o->out, "%s\n%*s", i > 0 ? "," : "", NESTED_INDENT, "");
        put_text(o->out, entry, name_len);
        fputs(": ", o->out);
        put_string(o->out, eq != NULL ? eq + 1 : "");
    }
    if (f->nomp_env > 0)
        fprintf(o->out, "\n%*s", MEMBER_INDENT, "");
    putc('}', o->out);
}

static void write_openmp(struct object *o, const struct facts *f)
{
    write_omp_env(o, f);
    member_string(o, "omp_proc_bind", envinfo_proc_bind());
    key(o, "omp_places");
    putc('[', o->out);
    for (int p = 0; p < f->places.count; p++) {
        fputs(p > 0 ? ", [" : "[", o->out);
        for (int i = f->places.first[p]; i < f->places.first[p + 1]; i++)
            fprintf(o->out, "%s%d", i > f->places.first[p] ? ", " : "",
                    f->places.procs[i]);
        putc(']', o->out);
    }
    putc(']', o->out);
    member_int(o, "omp_max_threads", omp_get_max_threads());
    member_strings(o, "affinity", (const char *const *)f->affinity, f->naffinity,
                   true);
}

static void write_run(struct object *o, const struct metadata_run *run)
{
    char seed[SEED_TEXT];
    snprintf(seed, sizeof seed, "%" PRIu64, run->seed);
    member_strings(o, "command_line", (const char *const *)run->argv, run->argc,
                   false);
    member_string(o, "output_dir", run->output_dir);
    member_int(o, "ranks", run->ranks > 0 ? run->ranks : 1);
    member_int(o, "nodes", run->nodes > 0 ? run->nodes : 1);
    member_string(o, "mpi_library", run->mpi_library ? run->mpi_library : "none");
    member_ints(o, "threads", run->threads, run->nthreads); /* per rank */
    member_int(o, "repeats", run->repeats);
    member_int(o, "warmup", run->warmup);
    member_string(o, "seed", seed);
    member_string(o, "order", run->order);
    if (run->order_seeded)
        member_string(o, "order_seed", seed);
    member_string(o, "start_time", run->start_time);
    member_string(o, "end_time", run->end_time);
    member_block_affinity(o, run);
    member_strings(o, "warnings", run->warnings, run->nwarnings, true);
    member_bool(o, "interrupted", run->interrupted);
    member_int(o, "exit_status", run->exit_status);
}

static void write_object(FILE *out, const struct metadata_run *run,
                         const struct facts *f)
{
    struct object o = {.out = out, .first = true};
    fprintf(out, "%*s{", ELEMENT_INDENT, "");
    member_string(&o, "run_id", run->run_id);
    member_string(&o, "config_key", run->config_key);
    write_build(&o, f, run->program != NULL);
    if (run->program != NULL)
        write_program(&o, run->program);
    write_machine(&o, f);
    write_openmp(&o, f);
    member_string(&o, "slurm_job_id", f->job.slurm_job_id);
    member_string(&o, "slurm_array_task_id", f->job.slurm_array_task_id);
    member_string(&o, "pbs_jobid", f->job.pbs_jobid);
    write_run(&o, run);
    fprintf(out, "\n%*s}", ELEMENT_INDENT, "");
}

/* ---- gathering and writing -------------------------------------------- */

static void facts_free(struct facts *f)
{
    envinfo_places_free(&f->places);
    envinfo_affinity_free(f->affinity, f->naffinity);
    free(f->omp_env);
    f->affinity = NULL;
    f->omp_env = NULL;
}

static int facts_gather(struct facts *f, const struct metadata_run *run,
                        errmsg_t *err)
{
    int largest = run->nthreads > 0 ? 0 : omp_get_max_threads();
    for (int i = 0; i < run->nthreads; i++)
        largest = run->threads[i] > largest ? run->threads[i] : largest;
    memset(f, 0, sizeof *f);
    envinfo_hostname(f->host, sizeof f->host);
    envinfo_compiler(f->compiler, sizeof f->compiler);
    envinfo_cpu(&f->cpu);
    envinfo_timer(&f->timer);
    envinfo_job(&f->job);
    int rc = envinfo_places(&f->places, err);
    if (rc == STATUS_OK)
        rc = envinfo_affinity(largest, &f->affinity, &f->naffinity, err);
    if (rc == STATUS_OK)
        rc = envinfo_omp_env(&f->omp_env, &f->nomp_env, err);
    if (rc != STATUS_OK)
        facts_free(f);
    return rc;
}

/* Write the new file to `tmp`: the old elements (`body`, possibly empty),
 * then the new object. Every write, the flush, the sync and the close are
 * checked; fsync so that a crash after the rename cannot leave an empty file. */
static int write_file(const char *tmp, const char *body, size_t body_len,
                      const struct metadata_run *run, const struct facts *f,
                      errmsg_t *err)
{
    FILE *out = fopen(tmp, "w");
    if (out == NULL)
        return errmsg_set(err, STATUS_IO, "%s: cannot create: %s", tmp,
                          strerror(errno));
    putc('[', out);
    if (body_len > 0) {
        fwrite(body, 1, body_len, out);
        putc(',', out);
    }
    putc('\n', out);
    write_object(out, run, f);
    fputs("\n]\n", out);
    bool failed = fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0;
    int error = errno;
    if (fclose(out) != 0 && !failed) {
        failed = true;
        error = errno;
    }
    if (failed)
        return errmsg_set(err, STATUS_IO, "%s: write failed: %s", tmp,
                          strerror(error));
    return STATUS_OK;
}

/* Write the new file beside `path` and rename it over the old one. */
static int replace_file(const char *path, const char *body, size_t body_len,
                        const struct metadata_run *run, const struct facts *f,
                        errmsg_t *err)
{
    size_t cap = strlen(path) + OUTPUT_TMP_EXTRA;
    char *tmp = malloc(cap);
    if (tmp == NULL)
        return errmsg_set(err, STATUS_NOMEM, "%s: out of memory", path);
    int rc = output_tmp_path(tmp, cap, path, err);
    if (rc == STATUS_OK)
        rc = write_file(tmp, body, body_len, run, f, err);
    if (rc == STATUS_OK && output_replace(tmp, path) != 0)
        rc = errmsg_set(err, STATUS_IO, "%s: cannot replace: %s", path,
                        strerror(errno));
    if (rc != STATUS_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

int metadata_append(const char *path, const struct metadata_run *run,
                    errmsg_t *err)
{
    char *text;
    const char *body;
    size_t body_len;
    int rc = load_existing(path, &text, &body, &body_len, err);
    if (rc != STATUS_OK)
        return rc;
    struct facts f;
    rc = facts_gather(&f, run, err);
    if (rc == STATUS_OK) {
        rc = replace_file(path, body, body_len, run, &f, err);
        facts_free(&f);
    }
    free(text);
    return rc;
}
