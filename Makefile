# ompsweep build. Knobs: CC=clang, OPTIMIZE=0, DEBUG=1, SANITIZE=1.
# Each knob combination builds into its own directory under build/, so
# switching knobs never links stale objects; ./ompsweep is copied from there.

CC       ?= cc
OPTIMIZE ?= 1
DEBUG    ?= 0
SANITIZE ?= 0

VERSION    := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
CPPFLAGS := -Iinclude -D_GNU_SOURCE -MMD -MP
CFLAGS   := -std=c11 -fopenmp $(WARN)
LDLIBS   := -lm

ifeq ($(OPTIMIZE),0)
  CFLAGS += -O0
else
  CFLAGS += -O3 -march=native
endif
ifeq ($(DEBUG),1)
  CFLAGS += -g -fno-omit-frame-pointer
endif
ifeq ($(SANITIZE),1)
  CFLAGS  += -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
  CPPFLAGS += -DOMPSWEEP_SANITIZE=1
endif
LDFLAGS += -fopenmp

BUILD := build/$(notdir $(CC))-o$(OPTIMIZE)-d$(DEBUG)-s$(SANITIZE)

SRCS     := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

# Baked into the binary (reported by --version and metadata.json).
BUILD_INFO := -DOMPSWEEP_VERSION='"$(VERSION)"' -DOMPSWEEP_GIT_COMMIT='"$(GIT_COMMIT)"' \
              -DOMPSWEEP_CFLAGS='"$(CFLAGS)"' -DOMPSWEEP_OPTIMIZED=$(if $(filter 0,$(OPTIMIZE)),0,1)

.PHONY: all run test clean ompsweep
all: ompsweep

# Phony so that switching knobs always refreshes ./ompsweep from the build
# directory of the knobs in force.
ompsweep: $(BUILD)/ompsweep
	@cmp -s $< $@ || cp $< $@

$(BUILD)/ompsweep: $(BUILD)/main.o $(BUILD)/libompsweep.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libompsweep.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Only envinfo.o sees the build facts; the stamp changes (and rebuilds it)
# only when they do, e.g. after a commit.
$(BUILD)/envinfo.o: CPPFLAGS += $(BUILD_INFO)
$(BUILD)/envinfo.o: $(BUILD)/buildinfo.stamp
$(BUILD)/buildinfo.stamp: FORCE | $(BUILD)
	@echo '$(BUILD_INFO)' | cmp -s - $@ || echo '$(BUILD_INFO)' > $@

.PHONY: FORCE
FORCE:

$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(BUILD)/tests/harness.o $(BUILD)/libompsweep.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# The default study of this machine: both workloads over 1,2,4,... up to the
# number of logical CPUs, 5 timed repeats each, tables in results/.
run: ompsweep
	./ompsweep all -o results

test: ompsweep $(TEST_BINS)
	@OMPSWEEP=$(BUILD)/ompsweep TEST_BIN_DIR=$(BUILD)/tests sh tests/run.sh

clean:
	rm -rf build ompsweep

# Keep test objects between runs (they are intermediate files to make).
.SECONDARY:

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
