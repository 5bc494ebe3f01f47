# ompsweep build. Knobs: CC=clang, ARCH=native (-march=$(ARCH); ARCH= builds
# portable code, ARCH=x86-64-v3 targets a cluster's oldest nodes),
# OPENMP_FLAGS=-fopenmp (-qopenmp for icx, -mp for nvc, -fopenmp=libomp for
# clang with LLVM's runtime), OPTIMIZE=0, DEBUG=1, SANITIZE=1 (ASan + UBSan),
# TSAN=1 (ThreadSanitizer with clang and LLVM's OpenMP runtime), MPI=1
# (hybrid MPI + OpenMP with mpicc, Debian's libopenmpi-dev).
#
# The user's CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS (command line or
# environment) are added after the required flags and never replace them:
# `make CFLAGS=-O2`, as package managers call it, still builds with C11 and
# OpenMP (and -O2 wins over the default -O3, being later).
#
# Each knob combination builds into its own directory under build/, and a
# change of flags rebuilds it, so switching knobs never links stale objects;
# ./ompsweep is copied from there.

CC           ?= cc
ARCH         ?= native
OPENMP_FLAGS ?= -fopenmp
OPTIMIZE     ?= 1
DEBUG        ?= 0
SANITIZE     ?= 0
TSAN         ?= 0
MPI          ?= 0
FUZZ_SECONDS ?= 60

VERSION    := 0.2.0
# The commit: the one `git archive` wrote into .commit (make dist: a tarball
# has no .git, or sits in another repository), else git's, else unknown.
GIT_COMMIT := $(shell sed -n 's/^\([0-9a-f]\{12\}\)[0-9a-f]*$$/\1/p' .commit 2>/dev/null | grep . || \
                git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN         := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
REQ_CPPFLAGS := -Isrc -D_GNU_SOURCE -MMD -MP
REQ_CFLAGS    = -std=c11 $(OPENMP_FLAGS) $(WARN)
REQ_LDFLAGS   = $(OPENMP_FLAGS)
REQ_LDLIBS   := -lm

ifeq ($(OPTIMIZE),0)
  REQ_CFLAGS += -O0
else
  REQ_CFLAGS += -O3 $(if $(strip $(ARCH)),-march=$(ARCH))
endif
ifeq ($(DEBUG),1)
  REQ_CFLAGS += -g -fno-omit-frame-pointer
endif
ifeq ($(SANITIZE),1)
  REQ_CFLAGS   += -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  REQ_LDFLAGS  += -fsanitize=address,undefined
  REQ_CPPFLAGS += -DOMPSWEEP_SANITIZE=1
endif
# ThreadSanitizer understands OpenMP only through LLVM's runtime and its
# archer tool (Debian's libomp-dev); libgomp would report false races.
ifeq ($(TSAN),1)
  LLVM_LIB := $(shell llvm-config --libdir 2>/dev/null || echo /usr/lib/llvm-14/lib)
  override CC := clang
  override OPENMP_FLAGS := -fopenmp=libomp
  REQ_CFLAGS   += -g -fsanitize=thread
  REQ_CPPFLAGS += -DOMPSWEEP_SANITIZE=1
  REQ_LDFLAGS  += -fsanitize=thread -L$(LLVM_LIB) -Wl,-rpath,$(LLVM_LIB)
  TEST_ENV := OMP_TOOL_LIBRARIES=$(LLVM_LIB)/libarcher.so \
              TSAN_OPTIONS='halt_on_error=1 ignore_noninstrumented_modules=1 suppressions=$(CURDIR)/tests/tsan.supp'
endif

ifeq ($(MPI),1)
  override CC := mpicc
  REQ_CPPFLAGS += -DOMPSWEEP_MPI=1
endif

# The same answer on every node: no multiply-add contraction (gcc's ISO C
# default; clang contracts by default), so that builds for targets with and
# without FMA round alike. After the user's CFLAGS, so that no flag given
# for speed changes the results (docs/elbow.md, "The same answer on every
# node"); -ffast-math stops the build (src/elbow/detmath.c).
PIN_CFLAGS := -ffp-contract=off

ALL_CPPFLAGS = $(REQ_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(REQ_CFLAGS) $(CFLAGS) $(PIN_CFLAGS)
ALL_LDFLAGS  = $(REQ_LDFLAGS) $(LDFLAGS)
ALL_LDLIBS   = $(REQ_LDLIBS) $(LDLIBS)

BUILD := build/$(notdir $(CC))-o$(OPTIMIZE)-d$(DEBUG)-s$(SANITIZE)-t$(TSAN)-m$(MPI)-a$(or $(strip $(ARCH)),generic)

# make test also checks the MPI build when OpenMPI is installed (not under
# the sanitizers: MPI's own allocations would drown their reports).
MPI_BUILD := build/mpicc-o$(OPTIMIZE)-d$(DEBUG)-s0-t0-m1-a$(or $(strip $(ARCH)),generic)
ifeq ($(shell command -v mpicc >/dev/null 2>&1 && echo 1)$(MPI)$(SANITIZE)$(TSAN),1000)
  TEST_MPI := $(MPI_BUILD)/ompsweep
endif

# valgrind 3.19 stops at AVX-512 instructions that -march=native may emit,
# so its test runs a portable build (ARCH=) of the same sources.
VG_BUILD := build/$(notdir $(CC))-o$(OPTIMIZE)-d$(DEBUG)-s0-t0-m0-ageneric
ifeq ($(shell command -v valgrind >/dev/null 2>&1 && echo 1)$(MPI)$(SANITIZE)$(TSAN),1000)
  TEST_VG := $(VG_BUILD)/ompsweep
endif

# make test compares the results of builds for other targets and for the
# other compiler with this one's (tests/test_isa.sh): tests/isa_probe.c
# and the kernels it links, compiled into the build directory of those
# knobs, so each costs the kernels' objects only (and the portable and
# native ones share valgrind's and this build's). x86-64-v4 (AVX-512) runs
# where the CPU has it and is compiled only elsewhere; the other compiler's
# native build (where contraction would show) joins where it compiles
# OpenMP code.
ISA_KERNELS := base/rng base/status base/par elbow/detmath elbow/nprandom \
               elbow/blobs elbow/preprocess elbow/kmeans elbow/silhouette \
               elbow/rules elbow/elbow bogosort/bogosort
ifeq ($(MPI)$(SANITIZE)$(TSAN),000)
  ISA_X86    := $(filter x86_64,$(shell uname -m))
  ISA_V4      = $(if $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo y),x86-64-v4)
  ISA_ARCHES  = native generic $(if $(ISA_X86),x86-64-v2 x86-64-v3 $(ISA_V4))
  ISA_ALT_CC := $(if $(findstring clang,$(notdir $(CC))),gcc,clang)
  ISA_ALT_OK  = $(shell echo 'int main(void){return 0;}' | \
                  $(ISA_ALT_CC) -fopenmp -x c -o /dev/null - 2>/dev/null && echo y)
  ISA_CCS     = $(CC) $(if $(ISA_ALT_OK),$(ISA_ALT_CC))
  isa_arch    = $(if $(filter generic,$(1)),,$(1))
  isa_probe   = build/$(notdir $(1))-o$(OPTIMIZE)-d$(DEBUG)-s0-t0-m0-a$(2)/tests/isa_probe
  isa_arches  = $(if $(filter $(1),$(CC)),$(ISA_ARCHES),native)
  # each probe's kernels compile in parallel, unless make already does
  ISA_JOBS    = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
  ISA_LIST    = $(foreach c,$(ISA_CCS),$(foreach a,$(call isa_arches,$(c)),$(notdir $(c)):$(a)=$(call isa_probe,$(c),$(a))))
  ISA_NOTES   = $(if $(ISA_X86),$(if $(ISA_V4),,x86-64-v4 (the AVX-512 paths) compiled but not run: this CPU has no avx512f.)) \
                $(if $(ISA_ALT_OK),,$(ISA_ALT_CC) not compared: it cannot compile an OpenMP program here.)
  TEST_ISA   := isa-probes
endif

# Sources: src/main.c and src/config.c (the program's face) and one folder
# per layer (see the README's Layout section).
SRCS      := $(wildcard src/*.c src/*/*.c src/*/*/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
OBJ_DIRS  := $(sort $(dir $(LIB_OBJS))) $(BUILD)/tests/
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

# Baked into the binary (reported by --version and metadata.json): the
# flags as the compiler saw them.
BUILD_INFO = -DOMPSWEEP_VERSION='"$(VERSION)"' -DOMPSWEEP_GIT_COMMIT='"$(GIT_COMMIT)"' \
             -DOMPSWEEP_CFLAGS='"$(strip $(ALL_CFLAGS))"'

.PHONY: all run test clean ompsweep compare plots fuzz binary micro isa-probe isa-probes
all: ompsweep

# Phony so that switching knobs always refreshes ./ompsweep from the build
# directory of the knobs in force.
ompsweep: $(BUILD)/ompsweep
	@cmp -s $< $@ || cp $< $@

# The binary of the knobs in force, without touching ./ompsweep.
binary: $(BUILD)/ompsweep

ifneq ($(MPI),1)
$(MPI_BUILD)/ompsweep: FORCE
	@$(MAKE) --no-print-directory MPI=1 binary
endif
ifneq ($(strip $(ARCH)),)
$(VG_BUILD)/ompsweep: FORCE
	@$(MAKE) --no-print-directory ARCH= binary
endif

# The probe of the knobs in force, and those of every target and compiler
# that make test compares (see ISA_KERNELS).
isa-probe: $(BUILD)/tests/isa_probe
$(BUILD)/tests/isa_probe: $(BUILD)/tests/isa_probe.o $(ISA_KERNELS:%=$(BUILD)/%.o)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

isa-probes:
	@$(foreach c,$(ISA_CCS),$(foreach a,$(call isa_arches,$(c)),$(MAKE) --no-print-directory $(ISA_JOBS) \
	    CC=$(c) ARCH=$(call isa_arch,$(a)) $(if $(filter $(c),$(CC)),,OPENMP_FLAGS=-fopenmp) \
	    isa-probe &&)) true
	@$(if $(ISA_X86),$(if $(ISA_V4),,$(CC) $(ALL_CPPFLAGS) $(REQ_CFLAGS) $(PIN_CFLAGS) \
	    -march=x86-64-v4 -fsyntax-only src/elbow/kmeans.c src/elbow/silhouette.c src/elbow/preprocess.c))

$(BUILD)/ompsweep: $(BUILD)/main.o $(BUILD)/libompsweep.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/libompsweep.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c $(BUILD)/flags.stamp | $(OBJ_DIRS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Every object depends on the flags: the stamp changes (and rebuilds them)
# only when the flags do, e.g. `make CFLAGS=-O2` after a plain `make`.
FLAGS_TEXT = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(ALL_LDLIBS)
$(BUILD)/flags.stamp: FORCE | $(OBJ_DIRS)
	@echo '$(FLAGS_TEXT)' | cmp -s - $@ || echo '$(FLAGS_TEXT)' > $@

# Only envinfo.o sees the build facts; its stamp changes (and rebuilds it)
# only when they do, e.g. after a commit.
$(BUILD)/study/record/envinfo.o: ALL_CPPFLAGS += $(BUILD_INFO)
$(BUILD)/study/record/envinfo.o: $(BUILD)/buildinfo.stamp
$(BUILD)/buildinfo.stamp: FORCE | $(OBJ_DIRS)
	@echo '$(BUILD_INFO)' | cmp -s - $@ || echo '$(BUILD_INFO)' > $@

.PHONY: FORCE
FORCE:

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/flags.stamp | $(OBJ_DIRS)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(BUILD)/tests/harness.o $(BUILD)/libompsweep.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

# The tests of a registry with one more row link the fake workload.
FAKE_OBJS := $(BUILD)/tests/fake_workload.o $(BUILD)/tests/fake_study.o
$(BUILD)/tests/test_sweep $(BUILD)/tests/test_registry: $(BUILD)/tests/%: $(BUILD)/tests/%.o \
    $(FAKE_OBJS) $(BUILD)/tests/harness.o $(BUILD)/libompsweep.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(OBJ_DIRS):
	mkdir -p $@

# Where run, compare and plots put their tables: results/, ompsweep's
# default output directory, which git ignores. The committed reference run
# lives in reference/, which they never write unless told to
# (RESULTS=reference, see reference/README.md).
RESULTS ?= results

# The default study of this machine: both workloads over 1,2,4,... up to the
# number of logical CPUs, 11 timed repeats each (enough for a 95% confidence
# interval of the median), tables in $(RESULTS)/.
run: ompsweep
	./ompsweep all --repeats 11 -o '$(RESULTS)'

test: ompsweep $(TEST_BINS) $(TEST_MPI) $(TEST_VG) $(TEST_ISA)
	@$(TEST_ENV) OMPSWEEP=$(BUILD)/ompsweep OMPSWEEP_MPI=$(TEST_MPI) OMPSWEEP_VALGRIND=$(TEST_VG) \
	    OMPSWEEP_ISA='$(if $(TEST_ISA),$(ISA_LIST))' OMPSWEEP_ISA_NOTES='$(if $(TEST_ISA),$(strip $(ISA_NOTES)))' \
	    TEST_BIN_DIR=$(BUILD)/tests sh tests/run.sh

# ompsweep against the Python/joblib peer of the source notebook, side by
# side (needs python3-sklearn, python3-joblib; hyperfine for the cross-check).
compare: ompsweep
	bench/compare.sh --out '$(RESULTS)'

# Plots from the CSVs in $(RESULTS)/ (needs gnuplot-nox).
plots:
	bench/plots.sh '$(RESULTS)'

# Kernel micro-benchmarks: rate and fraction of a measured hardware limit.
micro:
	$(MAKE) -f bench/micro.mk CC=$(CC) ARCH=$(ARCH)

# libFuzzer harnesses (clang), each for FUZZ_SECONDS seconds.
fuzz:
	$(MAKE) -f tests/fuzz/fuzz.mk run FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf build ompsweep

# Keep test objects between runs (they are intermediate files to make).
.SECONDARY:

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

# ---------------------------------------------------------------------------
# Installing and releasing (GNU conventions; every path can be overridden):
#   make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=] [MANDIR=] [BASHCOMPDIR=]
#                [DATADIR=]
#       builds with the knobs in force and installs $(BINDIR)/ompsweep,
#       $(MANDIR)/man1/ompsweep.1, $(BASHCOMPDIR)/ompsweep (bash
#       completion), the plot script $(PLOTDIR)/plots.sh with its
#       csv.awk, and $(BINDIR)/ompsweep-plot, which runs it; DESTDIR is
#       prepended to every path (staged installs).
#       Pass install the same knobs as the build (CC=, ARCH=, MPI=, ...):
#       it rebuilds for the knobs it is given.
#   make uninstall      removes those files and $(PLOTDIR) (same variables).
#   make check-install  installs into a temporary DESTDIR, runs the installed
#       binary (--version and a tiny study) and ompsweep-plot (--help; the
#       plots of the tiny study where gnuplot is installed), formats the
#       installed man page, uninstalls, and fails if any file is left behind.
#   make dist [DIST_REF=HEAD]  ompsweep-$(VERSION).tar.gz of that commit
#       (git archive; the same commit gives the same bytes), the source
#       tarball of the package recipes (packaging/); prints its sha256.
#   make recipe-checksums [DIST_REF=HEAD]  make dist, then writes its sha256
#       and commit into the Spack recipe and the easyconfigs of $(VERSION)
#       (packaging/recipe-checksums.sh; a release does it in the commit
#       after its tag, see docs/install.md).
#   make check          the same as make test (Spack's --test runs it).
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DATADIR     ?= $(PREFIX)/share
PLOTDIR      = $(DATADIR)/ompsweep
INSTALL     ?= install
DIST_NAME   := ompsweep-$(VERSION)
DIST_REF    ?= HEAD

.PHONY: install uninstall check-install dist recipe-checksums check
check: test

install: all
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(BASHCOMPDIR)' \
	    '$(DESTDIR)$(PLOTDIR)'
	$(INSTALL) -m 755 ompsweep '$(DESTDIR)$(BINDIR)/ompsweep'
	$(INSTALL) -m 644 man/ompsweep.1 '$(DESTDIR)$(MANDIR)/man1/ompsweep.1'
	$(INSTALL) -m 644 completion/ompsweep '$(DESTDIR)$(BASHCOMPDIR)/ompsweep'
	$(INSTALL) -m 755 bench/plots.sh '$(DESTDIR)$(PLOTDIR)/plots.sh'
	$(INSTALL) -m 644 bench/csv.awk '$(DESTDIR)$(PLOTDIR)/csv.awk'
	sed 's|@PLOTDIR@|$(PLOTDIR)|g' bench/ompsweep-plot.in >'$(DESTDIR)$(BINDIR)/ompsweep-plot'
	chmod 755 '$(DESTDIR)$(BINDIR)/ompsweep-plot'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/ompsweep' '$(DESTDIR)$(MANDIR)/man1/ompsweep.1' \
	    '$(DESTDIR)$(BASHCOMPDIR)/ompsweep' '$(DESTDIR)$(BINDIR)/ompsweep-plot' \
	    '$(DESTDIR)$(PLOTDIR)/plots.sh' '$(DESTDIR)$(PLOTDIR)/csv.awk'
	-rmdir '$(DESTDIR)$(PLOTDIR)' 2>/dev/null

# The man page is formatted with whichever formatter is present: man -l,
# else mandoc, else groff.
check-install: all
	@set -e; \
	tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/ompsweep-install.XXXXXX"); \
	trap 'rm -rf "$$tmp"' EXIT; \
	root="$$tmp/root"; bin="$$root$(BINDIR)/ompsweep"; \
	page="$$root$(MANDIR)/man1/ompsweep.1"; \
	$(MAKE) --no-print-directory install DESTDIR="$$root" >/dev/null; \
	plot="$$root$(BINDIR)/ompsweep-plot"; \
	for f in "$$bin" "$$page" "$$root$(BASHCOMPDIR)/ompsweep" "$$plot" \
	         "$$root$(PLOTDIR)/plots.sh" "$$root$(PLOTDIR)/csv.awk"; do \
	    test -f "$$f" || { echo "check-install: $$f not installed"; exit 1; }; \
	done; \
	grep -q "'$(PLOTDIR)/plots.sh'" "$$plot" || \
	    { echo "check-install: $$plot does not name $(PLOTDIR)/plots.sh"; exit 1; }; \
	"$$bin" --version; \
	"$$bin" bogosort --rows 20 -t 1,2 -r 1 -w 0 -q -o "$$tmp/study" >"$$tmp/log" 2>&1 || \
	    { cat "$$tmp/log"; echo "check-install: the installed binary failed"; exit 1; }; \
	test "$$(grep -c ',true$$' "$$tmp/study/summary.csv")" -eq 2 || \
	    { echo "check-install: summary.csv lacks 2 verified rows"; exit 1; }; \
	"$$plot" --help | grep -q '^usage: ' || \
	    { echo "check-install: $$plot --help failed"; exit 1; }; \
	plots="ompsweep-plot --help"; \
	if command -v gnuplot >/dev/null; then \
	    "$$plot" "$$tmp/study" >"$$tmp/log" 2>&1 && test -s "$$tmp/study/plots/speedup.svg" || \
	        { cat "$$tmp/log"; echo "check-install: $$plot drew no plots"; exit 1; }; \
	    plots="ompsweep-plot drew $$(ls "$$tmp/study/plots" | wc -l) files"; \
	fi; \
	if command -v man >/dev/null; then fmt="man -l"; \
	elif command -v mandoc >/dev/null; then fmt=mandoc; \
	else fmt="groff -man -Tutf8"; fi; \
	MANPAGER=cat PAGER=cat $$fmt "$$page" 2>/dev/null | grep -q 'SYNOPSIS' || \
	    { echo "check-install: $$fmt cannot format $$page"; exit 1; }; \
	bash -c '. "$$0" && complete -p ompsweep' "$$root$(BASHCOMPDIR)/ompsweep" >/dev/null; \
	$(MAKE) --no-print-directory uninstall DESTDIR="$$root" >/dev/null; \
	left=$$(find "$$root" ! -type d); \
	test -z "$$left" || { echo "check-install: left after uninstall: $$left"; exit 1; }; \
	echo "check-install: ok (installed, ran, $$plots, formatted with $$fmt, uninstalled)"

dist:
	git archive --format=tar.gz --prefix=$(DIST_NAME)/ -o $(DIST_NAME).tar.gz $(DIST_REF)
	@echo "$(DIST_NAME).tar.gz: sha256 $$(sha256sum $(DIST_NAME).tar.gz | cut -d' ' -f1)"

recipe-checksums: dist
	@sh packaging/recipe-checksums.sh $(DIST_NAME).tar.gz $(VERSION) \
	    "$$(git rev-parse --short=12 '$(DIST_REF)^{commit}')"
