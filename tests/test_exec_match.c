/* Tests of what exec reads from a program's output: numbers as programs
 * print them, result texts compared as written or within a tolerance, the
 * resolution of a printed time; and of the facts recorded about the
 * program (SHA-256, the OpenMP runtime of an ELF file). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "exec/exec_match.h"
#include "exec/exec_program.h"
#include "exec/exec_reference.h"
#include "harness.h"

static void test_numbers_as_printed(void)
{
    double v = -1;
    CHECK(exec_number("1,000,000", &v) && v == 1e6);
    CHECK(exec_number("497,653", &v) && v == 497653);
    CHECK(exec_number("  3.919028e+05 ", &v) && v == 3.919028e5);
    CHECK(exec_number("+12.5", &v) && v == 12.5);
    CHECK(exec_number("-3", &v) && v == -3);
    CHECK(exec_number("1.5E-3", &v) && fabs(v - 1.5e-3) < 1e-18);
    CHECK(exec_number(".25", &v) && v == 0.25);
    CHECK(!exec_number("1,00", &v));      /* not groups of three */
    CHECK(!exec_number("1,0000", &v));
    CHECK(!exec_number("12 s", &v));      /* units are the pattern's job */
    CHECK(!exec_number("", &v));
    CHECK(!exec_number("nan", &v));
    CHECK(!exec_number("1e999", &v));     /* not finite */
    CHECK(!exec_number("0x1f", &v));
}

static void test_resolution(void)
{
    CHECK_NEAR(exec_number_resolution("3.8"), 0.1, 1e-15);
    CHECK_NEAR(exec_number_resolution("12.34"), 0.01, 1e-15);
    CHECK_NEAR(exec_number_resolution("34"), 1.0, 0);
    CHECK_NEAR(exec_number_resolution("1,234"), 1.0, 0);
    CHECK_NEAR(exec_number_resolution("1.234e-02"), 1e-5, 1e-20);
    CHECK_NEAR(exec_number_resolution("2.009"), 0.001, 1e-15);
    CHECK(exec_number_resolution("fast") == 0.0);
}

static bool agree(const char *a, const char *b, const struct exec_tolerance *tol,
                  struct exec_diff *d)
{
    return exec_text_agree(a, strlen(a), b, strlen(b), tol, d);
}

static void test_texts_compared(void)
{
    struct exec_diff d;
    struct exec_tolerance rel = {1e-3, 0}, abs = {0, 1e-10};
    CHECK(agree("checksum 42\n", "checksum 42\n", NULL, &d));
    CHECK(!agree("checksum 42\n", "checksum 43\n", NULL, &d));
    CHECK_STR(d.a, "42");
    CHECK_STR(d.b, "43");
    CHECK(d.numbers);
    /* as written, 1.0 and 1.00 differ; within a tolerance they agree */
    CHECK(!agree("x=1.0\n", "x=1.00\n", NULL, &d));
    CHECK(agree("x=1.0\n", "x=1.00\n", &rel, &d));
    CHECK(agree("8.003553e-11\n", "8.001e-11\n", &rel, &d));
    CHECK(!agree("8.003553e-11\n", "9.1e-11\n", &rel, &d));
    CHECK_STR(d.b, "9.1e-11");
    CHECK(agree("8.003553e-11\n", "9.1e-11\n", &abs, &d));
    CHECK(agree("1,000,000 lookups\n", "1,000,500 lookups\n", &rel, &d));
    CHECK(!agree("1,000,000 lookups\n", "1,002,000 lookups\n", &rel, &d));
    CHECK_STR(d.a, "1,000,000");
    /* the words between the numbers count, tolerance or not */
    CHECK(!agree("Valid 1\n", "Invalid 1\n", &rel, &d));
    CHECK(!d.numbers);
    CHECK_STR(d.a, "Valid 1");
    CHECK_STR(d.b, "Invalid 1");
    CHECK(!agree("1\n", "1\n2\n", &rel, &d));
    CHECK_STR(d.a, "(no more matches)");
    CHECK_STR(d.b, "2");
    /* a sign belongs to a number after a space or '=', not inside a word */
    CHECK(agree("e=-1.0\n", "e=-1.0001\n", &rel, &d));
    CHECK(!agree("e=-1.0\n", "e=+1.0\n", &rel, &d));
    CHECK(agree("x-1\n", "x-1\n", &rel, &d));
}

/* Feed the lines of `text` to the patterns; the scan's text and hash. */
static void scan(const char *pattern, const char *text, bool mask, struct exec_scan *s,
                 char *buf)
{
    struct exec_pattern p;
    errmsg_t err;
    CHECK(exec_pattern_compile(&p, "--result", pattern, &err) == STATUS_OK);
    exec_scan_start(s, buf, mask);
    char line[256];
    for (const char *at = text; *at != '\0';) {
        size_t n = strcspn(at, "\n");
        snprintf(line, sizeof line, "%.*s", (int)n, at);
        exec_scan_line(s, &p, 1, NULL, 0, line);
        at += n + (at[n] == '\n');
    }
    exec_pattern_free(&p);
}

static void test_scan_and_reference(void)
{
    char *b1 = malloc(EXEC_TEXT_MAX + 1), *b2 = malloc(EXEC_TEXT_MAX + 1), why[512];
    struct exec_scan s1, s2;
    struct exec_reference ref;
    errmsg_t err;
    struct exec_tolerance tol = {1e-3, 0};
    scan("Diff += (.*)", "MaxAbsDiff   = 2.546585e-11\nTotal\n", true, &s1, b1);
    scan("Diff += (.*)", "MaxAbsDiff   = 2.546000e-11\nTotal\n", true, &s2, b2);
    CHECK_STR(s1.text, "2.546585e-11\n");
    CHECK(s1.nresult == 1 && s1.matched[0] == 1);
    CHECK_MSG(s1.hash == s2.hash, "numbers masked: one checksum");
    CHECK(exec_reference_init(&ref, &err) == STATUS_OK);
    CHECK(exec_reference_check(&ref, &s1, "threads=1", &tol, why, sizeof why) == EXEC_SAME);
    CHECK(exec_reference_check(&ref, &s1, "threads=2", &tol, why, sizeof why) == EXEC_SAME);
    CHECK(exec_reference_check(&ref, &s2, "threads=2", &tol, why, sizeof why) == EXEC_WITHIN);
    CHECK_STR(why, "at threads=2 the --result text has '2.546000e-11' where the first "
                   "run (threads=1) has '2.546585e-11' (within --result-tolerance 0.001,0)");
    scan("Diff += (.*)", "MaxAbsDiff   = 2.6e-11\n", true, &s2, b2);
    CHECK(exec_reference_check(&ref, &s2, "threads=4", &tol, why, sizeof why) == EXEC_DIFFERENT);
    CHECK_STR(why, "at threads=4 the --result text has '2.6e-11' where the first run "
                   "(threads=1) has '2.546585e-11' (beyond --result-tolerance 0.001,0)");
    CHECK(exec_reference_check(&ref, &s2, "ranks=2 threads=1", &tol, why, sizeof why) ==
          EXEC_DIFFERENT);
    CHECK_STR(why, "at ranks=2 threads=1 the --result text has '2.6e-11' where the first "
                   "run (threads=1) has '2.546585e-11' (beyond --result-tolerance 0.001,0)");
    scan("Diff += (.*)", "MaxAbsDiff   = 2.546585e-11\n", false, &s1, b1);
    scan("Diff += (.*)", "MaxAbsDiff   = 2.546000e-11\n", false, &s2, b2);
    CHECK_MSG(s1.hash != s2.hash, "as written: two checksums");
    exec_reference_free(&ref);
    free(b1);
    free(b2);
}

static void sha_of(const void *data, size_t n, size_t repeat, char *hex)
{
    struct sha256 h;
    sha256_init(&h);
    for (size_t i = 0; i < repeat; i++)
        sha256_update(&h, data, n);
    sha256_final_hex(&h, hex);
}

/* The FIPS 180-2 examples and the empty message. */
static void test_sha256(void)
{
    char hex[SHA256_HEX];
    sha_of("", 0, 1, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_of("abc", 3, 1, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha_of(two, strlen(two), 1, hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha_of("a", 1, 1000000, hex); /* a million bytes, one at a time */
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_openmp_runtime(void)
{
    char found[256];
    /* ompsweep itself (tests/run.sh names it): libgomp (gcc) or libomp (clang) */
    const char *self = getenv("OMPSWEEP");
    CHECK(self != NULL && exec_program_openmp_runtime(self, found, sizeof found));
    CHECK_MSG(strncmp(found, "libgomp", 7) == 0 || strncmp(found, "libomp", 6) == 0,
              "got '%s'", found);
    CHECK(exec_program_openmp_runtime("/bin/sh", found, sizeof found));
    CHECK_STR(found, "");
    CHECK(!exec_program_openmp_runtime("tests/test_exec.sh", found, sizeof found));
    CHECK(!exec_program_openmp_runtime("/no/such/file", found, sizeof found));
}

int main(void)
{
    RUN(test_numbers_as_printed);
    RUN(test_resolution);
    RUN(test_texts_compared);
    RUN(test_scan_and_reference);
    RUN(test_sha256);
    RUN(test_openmp_runtime);
    return harness_report();
}
