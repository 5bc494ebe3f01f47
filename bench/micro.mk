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

CC       ?= cc
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2
CPPFLAGS := -Iinclude -D_GNU_SOURCE -MMD -MP
CFLAGS   := -std=c11 -O3 -march=native -fopenmp $(WARN)
LDFLAGS  := -fopenmp
LDLIBS   := -lm

OUT     := build/micro/$(notdir $(CC))
KERNELS := rng status nprandom blobs preprocess kmeans silhouette bogosort
BENCHES := micro_kmeans micro_silhouette micro_covariance micro_shuffle

LIB  := $(OUT)/libkernels.a
BINS := $(BENCHES:%=$(OUT)/%)

.PHONY: run build clean
run: build
	@for b in $(BINS); do $$b || exit 1; done

build: $(BINS)

$(OUT)/%.o: src/%.c | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(KERNELS:%=$(OUT)/%.o)
	$(AR) rcs $@ $^

$(OUT)/micro_%: bench/micro/micro_%.c $(LIB) | $(OUT)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(OUT):
	mkdir -p $@

clean:
	rm -rf build/micro

-include $(wildcard $(OUT)/*.d)
