/* fake_study: see fake_study.h. */
#include "fake_study.h"

#include <stdlib.h>
#include <string.h>

#include "bogosort/bogosort_workload.h"
#include "elbow/elbow_workload.h"
#include "exec/exec_workload.h"

static const struct workload_kind *const rows[] = {&bogosort_kind, &elbow_kind, &exec_kind,
                                                    &fake_kind};
const struct registry fake_registry = {rows, 4};

int fake_study(const char *dir, int argc, char **argv, errmsg_t *err)
{
    /* -o DIR -q after the given words */
    char **words = calloc((size_t)argc + 4, sizeof *words);
    struct config *cfg = malloc(sizeof *cfg);
    struct study_request *req = malloc(sizeof *req);
    int rc = STATUS_NOMEM;
    if (words != NULL && cfg != NULL && req != NULL) {
        memcpy(words, argv, (size_t)argc * sizeof *words);
        words[argc] = "-o";
        words[argc + 1] = (char *)dir;
        words[argc + 2] = "-q";
        rc = config_parse_with(&fake_registry, argc + 3, words, cfg, err);
    }
    if (rc == STATUS_OK) {
        char key[CONFIG_KEY_LEN];
        bool agreed;
        config_key(cfg, key, sizeof key);
        config_study_request(cfg, key, argc + 3, words, req);
        fake_log_clear();
        rc = study_run(req, &agreed, err);
    }
    free(req);
    free(cfg);
    free(words);
    return rc;
}
