# Fuzzing the input parsers with libFuzzer (clang). From the repository root:
#   make -f tests/fuzz/fuzz.mk                      build, then run every harness
#   make -f tests/fuzz/fuzz.mk run FUZZ_SECONDS=600 the same, 600 s per harness
#   make -f tests/fuzz/fuzz.mk build                only build into build/fuzz/
#   make -f tests/fuzz/fuzz.mk run-fuzz_csv         one harness
#   make -f tests/fuzz/fuzz.mk clean
# The sources are compiled here, with the sanitizers and coverage, apart from
# the main build. Each harness starts from tests/fuzz/corpus/<harness>/,
# copied to build/fuzz/corpus/<harness>/ (which keeps what the fuzzer finds
# between runs, so the repository's seeds are never modified). A crash, leak,
# undefined behaviour or broken invariant fails the run; its input is saved
# under build/fuzz/artifacts/<harness>/.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB  ?= 2048
# The main Makefile passes FUZZ_SECONDS through, empty when it was not set.
fuzz_seconds := $(or $(strip $(FUZZ_SECONDS)),60)

FUZZ_SRC := tests/fuzz
FUZZ_OUT := build/fuzz
FUZZ_OBJ := $(FUZZ_OUT)/obj

SANITIZERS   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CPPFLAGS := -Isrc -I$(FUZZ_SRC) -D_GNU_SOURCE -MMD -MP
FUZZ_CFLAGS  := -std=c11 -g -O1 -fno-omit-frame-pointer -fopenmp -Wall -Wextra \
                $(SANITIZERS)
# Sources are instrumented for coverage; only the link adds libFuzzer's main.
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined -fopenmp
FUZZ_LDLIBS  := -lm

HARNESSES := fuzz_options fuzz_threads fuzz_csv

# The src/ files each harness links, beside its own source and fuzz_check.c.
# The option parser reaches every workload through the registry.
LIB_SRCS          := $(patsubst src/%,%,$(filter-out src/main.c,$(wildcard src/*.c src/*/*.c src/*/*/*.c)))
fuzz_options_SRCS := $(LIB_SRCS)
fuzz_threads_SRCS := $(LIB_SRCS)
fuzz_csv_SRCS     := $(LIB_SRCS)

.PHONY: run build clean $(HARNESSES:%=run-%)
run: build
	@sh $(FUZZ_SRC)/run.sh $(fuzz_seconds) $(FUZZ_RSS_MB) $(HARNESSES)

build: $(HARNESSES:%=$(FUZZ_OUT)/%)

$(HARNESSES:%=run-%): run-%: $(FUZZ_OUT)/%
	@sh $(FUZZ_SRC)/run.sh $(fuzz_seconds) $(FUZZ_RSS_MB) $*

define harness_rule
$(FUZZ_OUT)/$(1): $(FUZZ_OBJ)/$(1).o $(FUZZ_OBJ)/fuzz_check.o $($(1)_SRCS:%.c=$(FUZZ_OBJ)/%.o)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $$@ $$^ $(FUZZ_LDLIBS)
endef
$(foreach h,$(HARNESSES),$(eval $(call harness_rule,$(h))))

$(FUZZ_OBJ)/%.o: src/%.c | $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OBJ)/%.o: $(FUZZ_SRC)/%.c | $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OBJ):
	mkdir -p $@

clean:
	rm -rf $(FUZZ_OUT)

-include $(wildcard $(FUZZ_OBJ)/*.d $(FUZZ_OBJ)/*/*.d)
