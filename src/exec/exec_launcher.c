/* exec_launcher: see exec_launcher.h. */
#include "exec/exec_launcher.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec_names.h"
#include "exec/exec_proc.h"

extern char **environ;

enum { NUMBER_TEXT = 32, VERSION_TEXT = 4096 };
static const double VERSION_TIMEOUT = 30.0; /* seconds for `LAUNCHER --version` */

/* What `--version` prints, by MPI (Intel's Hydra names MPICH's too: first). */
static const struct {
    const char *says;
    enum exec_launcher_kind kind;
} FLAVOURS[] = {
    {"Intel(R) MPI", EXEC_LAUNCHER_INTEL}, {"Open MPI", EXEC_LAUNCHER_OPENMPI},
    {"OpenRTE", EXEC_LAUNCHER_OPENMPI},    {"HYDRA", EXEC_LAUNCHER_MPICH},
    {"MPICH", EXEC_LAUNCHER_MPICH}};

enum exec_fit exec_cell_fit(const struct exec_cell *c)
{
    long want = (long)c->ranks * c->threads;
    if (want <= c->cores)
        return EXEC_FIT_CORES;
    return want <= c->cpus ? EXEC_FIT_CPUS : EXEC_FIT_OVER;
}

const char *exec_launcher_kind_name(enum exec_launcher_kind kind)
{
    static const char *const names[] = {"openmpi", "mpich", "intel", "srun", "custom"};
    return names[kind];
}

const char *exec_launcher_name(const struct exec_launcher *l)
{
    switch (l->kind) {
    case EXEC_LAUNCHER_OPENMPI: return "Open MPI's launcher";
    case EXEC_LAUNCHER_MPICH: return "MPICH's launcher";
    case EXEC_LAUNCHER_INTEL: return "Intel MPI's launcher";
    case EXEC_LAUNCHER_SRUN: return "srun";
    case EXEC_LAUNCHER_CUSTOM: break;
    }
    return "the --launcher command";
}

/* One word of a shell-like command from *p on: quotes ('...' literal,
 * "..." with \" and \\), a backslash escapes the next character outside
 * them. malloc'd into *word; *p after it. STATUS_USAGE for an open quote. */
static int next_word(const char **p, char **word, const char *spec, errmsg_t *err)
{
    size_t cap = strlen(*p) + 1, n = 0;
    char *w = malloc(cap), quote = 0;
    if (w == NULL)
        return errmsg_set(err, STATUS_NOMEM, "--launcher: out of memory");
    const char *s = *p;
    for (; *s != '\0' && (quote != 0 || (*s != ' ' && *s != '\t')); s++) {
        if (quote == 0 && (*s == '\'' || *s == '"'))
            quote = *s;
        else if (quote != 0 && *s == quote)
            quote = 0;
        else if (*s == '\\' && quote != '\'' && s[1] != '\0' &&
                 (quote == 0 || s[1] == '"' || s[1] == '\\'))
            w[n++] = *++s;
        else
            w[n++] = *s;
    }
    w[n] = '\0';
    *p = s;
    if (quote != 0) {
        free(w);
        return errmsg_set(err, STATUS_USAGE, "--launcher: '%s' has an unterminated %c "
                          "quote", spec, quote);
    }
    *word = w;
    return STATUS_OK;
}

static int split_words(struct exec_launcher *l, const char *spec, errmsg_t *err)
{
    for (const char *p = spec;;) {
        p += strspn(p, " \t");
        if (*p == '\0')
            break;
        if (l->nwords == EXEC_LAUNCHER_WORDS)
            return errmsg_set(err, STATUS_USAGE, "--launcher: more than %d words",
                              EXEC_LAUNCHER_WORDS);
        int rc = next_word(&p, &l->words[l->nwords], spec, err);
        if (rc != STATUS_OK)
            return rc;
        l->nwords++;
    }
    if (l->nwords == 0)
        return errmsg_set(err, STATUS_USAGE, "--launcher: empty command");
    return STATUS_OK;
}

/* A preset is one word naming mpirun, mpiexec or srun by its file name
 * (also "mpirun.openmpi", "mpiexec.hydra"). */
static bool preset(const struct exec_launcher *l, bool *srun)
{
    if (l->nwords != 1)
        return false;
    const char *slash = strrchr(l->words[0], '/');
    const char *name = slash != NULL ? slash + 1 : l->words[0];
    *srun = strcmp(name, "srun") == 0;
    return *srun || strcmp(name, "mpirun") == 0 || strcmp(name, "mpiexec") == 0 ||
           strncmp(name, "mpirun.", 7) == 0 || strncmp(name, "mpiexec.", 8) == 0;
}

/* The --version output, lines joined by '\n', bounded. */
struct version_text {
    char text[VERSION_TEXT];
    size_t len;
};

static void take_line(void *ctx, const char *line, size_t len)
{
    struct version_text *v = ctx;
    if (v->len + len + 2 < sizeof v->text)
        v->len += (size_t)snprintf(v->text + v->len, sizeof v->text - v->len, "%s\n", line);
}

/* The line of `text` that holds `at` (the first line when `at` is text),
 * into out. */
static void line_at(const char *text, const char *at, char *out, size_t cap)
{
    while (at > text && at[-1] != '\n')
        at--;
    at += strspn(at, "\n");
    snprintf(out, cap, "%.*s", (int)strcspn(at, "\n"), at);
}

/* Which MPI an mpirun or mpiexec is: run it with --version (untimed). */
static int detect(struct exec_launcher *l, errmsg_t *err)
{
    char version[] = "--version";
    char *argv[] = {l->words[0], version, NULL};
    struct version_text *v = calloc(1, sizeof *v);
    struct exec_outcome *o = calloc(1, sizeof *o);
    struct exec_spawn sp = {.path = l->path, .argv = argv, .envp = environ,
                            .timeout = VERSION_TIMEOUT, .on_line = take_line, .ctx = v};
    int rc = v != NULL && o != NULL ? exec_proc_run(&sp, o, err)
                                    : errmsg_set(err, STATUS_NOMEM, "out of memory");
    if (rc == STATUS_OK && v->len == 0) /* some print it on stderr */
        take_line(v, o->tail, strlen(o->tail));
    for (size_t i = 0; rc == STATUS_OK && i < sizeof FLAVOURS / sizeof *FLAVOURS; i++) {
        const char *at = strstr(v->text, FLAVOURS[i].says);
        if (at != NULL) {
            l->kind = FLAVOURS[i].kind;
            line_at(v->text, at, l->version, sizeof l->version);
            break;
        }
    }
    if (rc == STATUS_OK && l->version[0] == '\0') {
        char said[EXEC_LAUNCHER_VERSION];
        line_at(v->text, v->text, said, sizeof said);
        rc = errmsg_set(err, STATUS_USAGE, "--launcher %s: '%s --version' names neither "
                        "Open MPI, MPICH nor Intel MPI (it said: '%s'); give the command "
                        "with {ranks} instead, e.g. --launcher '%s -np {ranks}'", l->words[0],
                        l->words[0], said, l->words[0]);
    }
    free(v);
    free(o);
    return rc;
}

int exec_launcher_init(struct exec_launcher *l, const char *spec, errmsg_t *err)
{
    memset(l, 0, sizeof *l);
    bool srun = false;
    int rc = split_words(l, spec, err);
    if (rc != STATUS_OK)
        return rc;
    bool is_preset = preset(l, &srun);
    if (!is_preset && strstr(spec, EXEC_RANKS_PLACEHOLDER) == NULL)
        return errmsg_set(err, STATUS_USAGE, "--launcher: '%s' is no preset (mpirun, "
                          "mpiexec, srun) and has no %s: every rank count would start "
                          "the same command", spec, EXEC_RANKS_PLACEHOLDER);
    errmsg_t why;
    if (exec_proc_resolve(l->words[0], l->path, sizeof l->path, &why) != STATUS_OK)
        return errmsg_set(err, STATUS_USAGE, "--launcher: '%s' is not an executable "
                          "file%s", l->words[0], strchr(l->words[0], '/') ? "" : " on PATH");
    l->kind = srun ? EXEC_LAUNCHER_SRUN : EXEC_LAUNCHER_CUSTOM;
    return is_preset && !srun ? detect(l, err) : STATUS_OK;
}

void exec_launcher_free(struct exec_launcher *l)
{
    for (int i = 0; i < l->nwords; i++)
        free(l->words[i]);
    l->nwords = 0;
}

/* A command line being built; `failed` once memory ran out. */
struct line {
    char **v;
    int n, cap;
    bool failed;
};

static void push(struct line *ln, char *word) /* takes word */
{
    if (word != NULL && ln->n + 1 >= ln->cap) {
        int cap = ln->cap ? 2 * ln->cap : 32;
        char **grown = realloc(ln->v, (size_t)cap * sizeof *grown);
        if (grown != NULL) {
            ln->v = grown;
            ln->cap = cap;
        }
    }
    if (word == NULL || ln->n + 1 >= ln->cap) {
        free(word);
        ln->failed = true;
        return;
    }
    ln->v[ln->n++] = word;
    ln->v[ln->n] = NULL;
}

__attribute__((format(printf, 2, 3)))
static void pushf(struct line *ln, const char *fmt, ...)
{
    char *word = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&word, fmt, ap) < 0)
        word = NULL;
    va_end(ap);
    push(ln, word);
}

static void words(struct line *ln, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        push(ln, strdup(va_arg(ap, const char *)));
    va_end(ap);
}

/* Open MPI: ranks mapped by slot with `threads` cores each (PE) and bound
 * to them; hardware threads when the cell needs them; unbound when
 * oversubscribed. Each variable by name with -x (remote ranks get only
 * what -x names). */
static void openmpi_words(struct line *ln, const struct exec_cell *c, char *const *vars,
                          int nvars)
{
    pushf(ln, "%d", c->ranks);
    switch (exec_cell_fit(c)) {
    case EXEC_FIT_CORES:
        words(ln, 1, "--map-by");
        pushf(ln, "slot:PE=%d", c->threads);
        words(ln, 2, "--bind-to", "core");
        break;
    case EXEC_FIT_CPUS:
        words(ln, 1, "--map-by");
        pushf(ln, "slot:PE=%d", c->threads);
        words(ln, 3, "--use-hwthread-cpus", "--bind-to", "hwthread");
        break;
    case EXEC_FIT_OVER:
        words(ln, 3, "--oversubscribe", "--bind-to", "none");
        break;
    }
    for (int i = 0; i < nvars; i++) {
        words(ln, 1, "-x");
        pushf(ln, "%.*s", (int)strcspn(vars[i], "="), vars[i]);
    }
}

/* MPICH's and Intel MPI's Hydra: -genv NAME VALUE for each variable;
 * MPICH binds each rank to `threads` cores, Intel MPI to a domain of
 * OMP_NUM_THREADS CPUs; neither binds an oversubscribed cell. */
static void hydra_words(struct line *ln, const struct exec_launcher *l,
                        const struct exec_cell *c, char *const *vars, int nvars)
{
    enum exec_fit fit = exec_cell_fit(c);
    pushf(ln, "%d", c->ranks);
    if (l->kind == EXEC_LAUNCHER_MPICH && fit == EXEC_FIT_OVER)
        words(ln, 2, "-bind-to", "none");
    else if (l->kind == EXEC_LAUNCHER_MPICH) {
        words(ln, 1, "-bind-to");
        pushf(ln, "%s:%d", fit == EXEC_FIT_CORES ? "core" : "hwthread", c->threads);
    } else if (fit == EXEC_FIT_OVER)
        words(ln, 3, "-genv", "I_MPI_PIN", "off");
    else
        words(ln, 3, "-genv", "I_MPI_PIN_DOMAIN", "omp");
    for (int i = 0; i < nvars; i++) {
        size_t name = strcspn(vars[i], "=");
        words(ln, 1, "-genv");
        pushf(ln, "%.*s", (int)name, vars[i]);
        words(ln, 1, vars[i][name] == '=' ? vars[i] + name + 1 : "");
    }
}

/* The custom command's words, {ranks} and {threads} replaced. */
static void custom_words(struct line *ln, const struct exec_launcher *l,
                         const struct exec_cell *c)
{
    for (int i = 1; i < l->nwords; i++)
        push(ln, exec_substitute_cell(l->words[i], c->ranks, c->threads));
}

char **exec_launcher_argv(const struct exec_launcher *l, const struct exec_cell *c,
                          char *const *vars, int nvars, char *const *args, int nargs)
{
    struct line ln = {0};
    words(&ln, 1, l->words[0]);
    switch (l->kind) {
    case EXEC_LAUNCHER_OPENMPI:
        words(&ln, 1, "-np");
        openmpi_words(&ln, c, vars, nvars);
        break;
    case EXEC_LAUNCHER_MPICH:
    case EXEC_LAUNCHER_INTEL:
        words(&ln, 1, "-n");
        hydra_words(&ln, l, c, vars, nvars);
        break;
    case EXEC_LAUNCHER_SRUN: /* srun passes the whole environment on */
        pushf(&ln, "--ntasks=%d", c->ranks);
        pushf(&ln, "--cpus-per-task=%d", c->threads);
        words(&ln, 2, "--cpu-bind=cores", "--export=ALL");
        break;
    case EXEC_LAUNCHER_CUSTOM:
        custom_words(&ln, l, c);
        break;
    }
    for (int i = 0; i < nargs; i++)
        words(&ln, 1, args[i]);
    if (ln.failed) {
        exec_launcher_argv_free(ln.v);
        return NULL;
    }
    return ln.v;
}

void exec_launcher_argv_free(char **argv)
{
    for (int i = 0; argv != NULL && argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}
