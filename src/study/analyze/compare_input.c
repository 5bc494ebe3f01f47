/* compare_input: see compare_input.h. */
#include "study/analyze/compare_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/analyze/cells.h"
#include "study/record/output.h"

enum {
    FACT_VALUES_MAX = 4,   /* distinct values kept per fact */
    FACT_VALUE_MAX = 256,  /* one value */
    METADATA_MAX = 64 << 20 /* larger metadata.json files are not read */
};

/* sha256 and openmp_runtime: exec's program (metadata.json "program"). */
static const char *const fact_keys[COMPARE_FACTS] = {"cpu_model", "compiler", "cflags",
                                                     "sha256", "openmp_runtime"};

const char *compare_fact_name(int i) { return fact_keys[i]; }

/* Distinct values of each fact seen so far. */
struct fact_set {
    char v[COMPARE_FACTS][FACT_VALUES_MAX][FACT_VALUE_MAX];
    int n[COMPARE_FACTS];
};

/* Append the rows of one runs file to the side. */
static int add_file(struct compare_side *s, const char *path, errmsg_t *err)
{
    struct run_row *rows;
    size_t n;
    int rc = csv_runs_read(path, &rows, &n, err);
    if (rc != STATUS_OK)
        return rc;
    struct run_row *grown = realloc(s->rows, (s->n + n + 1) * sizeof *grown);
    if (grown == NULL) {
        free(rows);
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    }
    s->rows = grown;
    memcpy(s->rows + s->n, rows, n * sizeof *rows);
    s->n += n;
    free(rows);
    char **paths = realloc(s->paths, ((size_t)s->nfiles + 1) * sizeof *paths);
    if (paths == NULL)
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    s->paths = paths;
    if ((s->paths[s->nfiles] = strdup(path)) == NULL)
        return errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    s->nfiles++;
    return STATUS_OK;
}

/* The string value after `"key": ` at p, into out (escapes kept as
 * written); false when the value is no string (null). */
static bool json_string_at(const char *p, char *out, size_t cap)
{
    size_t k = 0;
    p += strspn(p, " \t\r\n");
    if (*p++ != '"')
        return false;
    for (; *p != '\0' && *p != '"' && k + 2 < cap; p++) {
        if (*p == '\\' && p[1] != '\0')
            out[k++] = *p++;
        out[k++] = *p;
    }
    out[k] = '\0';
    return true;
}

static void keep_value(struct fact_set *f, int i, const char *value)
{
    for (int j = 0; j < f->n[i]; j++)
        if (strcmp(f->v[i][j], value) == 0)
            return;
    if (f->n[i] < FACT_VALUES_MAX)
        snprintf(f->v[i][f->n[i]++], FACT_VALUE_MAX, "%s", value);
}

/* Every `"key": "value"` of the facts in a metadata.json text. Only these
 * keys are looked at: the file is written by ompsweep, one object per run. */
static void scan_facts(const char *text, struct fact_set *f)
{
    char pattern[64], value[FACT_VALUE_MAX];
    for (int i = 0; i < COMPARE_FACTS; i++) {
        int len = snprintf(pattern, sizeof pattern, "\"%s\":", fact_keys[i]);
        for (const char *p = strstr(text, pattern); p != NULL; p = strstr(p + len, pattern)) {
            if (json_string_at(p + len, value, sizeof value))
                keep_value(f, i, value);
        }
    }
}

/* The facts of the metadata.json beside `runs_path`, if there is one: a
 * missing or unreadable file is no error (runs files travel alone). */
static void read_facts(const char *runs_path, struct fact_set *f)
{
    char path[OUTPUT_PATH_MAX];
    const char *slash = strrchr(runs_path, '/');
    int dir_len = slash != NULL ? (int)(slash - runs_path) : 1;
    snprintf(path, sizeof path, "%.*s/metadata.json", dir_len,
             slash != NULL ? runs_path : ".");
    FILE *in = fopen(path, "rb");
    struct stat st;
    if (in == NULL)
        return;
    char *text = NULL;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && st.st_size < METADATA_MAX)
        text = calloc((size_t)st.st_size + 1, 1);
    if (text != NULL && fread(text, 1, (size_t)st.st_size, in) == (size_t)st.st_size)
        scan_facts(text, f);
    free(text);
    fclose(in);
}

static int compare_text(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void join_facts(struct compare_side *s, struct fact_set *f)
{
    for (int i = 0; i < COMPARE_FACTS; i++) {
        qsort(f->v[i], (size_t)f->n[i], FACT_VALUE_MAX, compare_text);
        size_t used = 0;
        s->facts[i][0] = '\0';
        for (int j = 0; j < f->n[i] && used < COMPARE_FACT_TEXT; j++)
            used += (size_t)snprintf(s->facts[i] + used, COMPARE_FACT_TEXT - used,
                                     "%s%s", j ? " | " : "", f->v[i][j]);
    }
}

/* The side and facts a directory's runs files go to. */
struct side_facts {
    struct compare_side *s;
    struct fact_set *f;
};

static int add_found(void *ctx, const char *path, errmsg_t *err)
{
    struct side_facts *sf = ctx;
    read_facts(path, sf->f);
    return add_file(sf->s, path, err);
}

/* A directory: its runs.csv, else those of its subdirectories. */
static int add_directory(struct compare_side *s, const char *dir, struct fact_set *f,
                         errmsg_t *err)
{
    struct side_facts sf = {s, f};
    return output_runs_files(dir, add_found, &sf, err);
}

static int add_item(struct compare_side *s, const char *item, struct fact_set *f,
                    errmsg_t *err)
{
    struct stat st;
    if (item[0] == '\0')
        return errmsg_set(err, STATUS_USAGE, "compare: empty %s path", s->name);
    if (stat(item, &st) == 0 && S_ISDIR(st.st_mode))
        return add_directory(s, item, f, err);
    read_facts(item, f);
    return add_file(s, item, err);
}

int compare_side_load(struct compare_side *s, const char *name, const char *arg,
                      errmsg_t *err)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    char *copy = strdup(arg);
    struct fact_set *f = calloc(1, sizeof *f);
    int rc = copy != NULL && f != NULL ? STATUS_OK
                                       : errmsg_set(err, STATUS_NOMEM, "compare: out of memory");
    char *save = NULL;
    for (char *item = copy != NULL ? strtok_r(copy, ",", &save) : NULL;
         item != NULL && rc == STATUS_OK; item = strtok_r(NULL, ",", &save))
        rc = add_item(s, item, f, err);
    if (rc == STATUS_OK && s->nfiles == 0)
        rc = errmsg_set(err, STATUS_USAGE, "compare: no %s runs file given", name);
    if (rc == STATUS_OK) /* failed runs measured again by --resume drop out */
        rc = cells_filter(s->rows, &s->n, err);
    if (rc == STATUS_OK)
        join_facts(s, f);
    free(copy);
    free(f);
    if (rc != STATUS_OK)
        compare_side_free(s);
    return rc;
}

void compare_side_free(struct compare_side *s)
{
    free(s->rows);
    s->rows = NULL;
    s->n = 0;
    for (int i = 0; i < s->nfiles; i++)
        free(s->paths[i]);
    free(s->paths);
    s->paths = NULL;
    s->nfiles = 0;
}
