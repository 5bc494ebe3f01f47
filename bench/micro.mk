# Micro-benchmarks of the kernels (bench/micro/*.c): k-means++ seeding and
# the Lloyd step, the silhouette, the PCA covariance, the bogosort shuffle.
# Each prints its rate and that rate as a fraction of a limit measured on
# the spot: a hardware limit, or for the shuffle the minimal loop of one
# shuffle (see the comment atop each file).
#
# From the repository root:
#     make -f bench/micro.mk         build, then run them all
#     make -f bench/micro.mk build   build only, into build/micro/
# Same flags as the default build; CC=clang works too. The white-box
# benchmarks include the kernel's .c file (its kernels are static), so they
# link against an archive: only the other modules they need come from it.

CC           ?= cc
ARCH         ?= native
OPENMP_FLAGS ?= -fopenmp
WARN         := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
REQ_CPPFLAGS := -Isrc -D_GNU_SOURCE -MMD -MP
REQ_CFLAGS   := -std=c11 -O3 $(if $(strip $(ARCH)),-march=$(ARCH)) $(OPENMP_FLAGS) $(WARN)
ALL_CPPFLAGS  = $(REQ_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS    = $(REQ_CFLAGS) $(CFLAGS) -ffp-contract=off
ALL_LDFLAGS   = $(OPENMP_FLAGS) $(LDFLAGS)
ALL_LDLIBS    = -lm $(LDLIBS)

OUT     := build/micro/$(notdir $(CC))
# The kernel modules the benchmarks link, by their path under src/.
KERNELS := base/rng base/status elbow/detmath elbow/nprandom elbow/blobs \
           elbow/preprocess elbow/kmeans elbow/silhouette bogosort/bogosort
BENCHES := micro_kmeans micro_silhouette micro_covariance micro_shuffle

LIB  := $(OUT)/libkernels.a
BINS := $(BENCHES:%=$(OUT)/%)

.PHONY: run build clean
run: build
	@for b in $(BINS); do $$b || exit 1; done

build: $(BINS)

$(OUT)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(KERNELS:%=$(OUT)/%.o)
	$(AR) rcs $@ $^

$(OUT)/micro_%: bench/micro/micro_%.c $(LIB) | $(OUT)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(ALL_LDLIBS)

$(OUT):
	mkdir -p $@

clean:
	rm -rf build/micro

-include $(wildcard $(OUT)/*.d $(OUT)/*/*.d)
