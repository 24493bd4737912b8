# atstrace: top-level build. `make help` lists the targets.

ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD    := build
BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Itools -I$(OBJ) -MMD -MP
LDSTATIC := -static
LDSTATIC_BPF := -Wl,-Bstatic -lbpf -lelf -lz -Wl,-Bdynamic
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibpf

LIB_SRCS := $(wildcard tools/lib/*.c)
LIB_OBJS := $(patsubst tools/lib/%.c,$(OBJ)/lib/%.o,$(LIB_SRCS))
TOOLS    := atsflr atsoracle atstrace atsfloor
BPF_OBJS := $(OBJ)/atstrace.bpf.o
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all deps check kernel kernel-vanilla series-check lab test test-debug demo bench clean help
.DELETE_ON_ERROR:

all: $(addprefix $(BIN)/,$(TOOLS))

help:
	@echo "make deps     install the Debian packages the project needs (root)"
	@echo "make          build the tools as static binaries in $(BIN)/"
	@echo "make check    unit tests (cmocka), no root, no VM"
	@echo "make kernel   build lab-6.12-vanilla and lab-6.12 (cached outside the clone)"
	@echo "make series-check  git am + checkpatch + build at every patch of kernel-patch/"
	@echo "make lab      fetch Debian's kernels for the lab, build the initramfs images"
	@echo "make test     check + the lab's end-to-end scenarios -> $(BUILD)/results/e2e.json"
	@echo "make test-debug  the series' scenarios on a lockdep + KASAN kernel -> $(BUILD)/results/e2e-debug.json"
	@echo "make demo     the main job, on the built-in lab"
	@echo "make bench    tracing overhead, side by side in one boot -> $(BUILD)/results/bench.json"

deps:
	@scenarios/deps.sh

$(OBJ)/lib/%.o: tools/lib/%.c $(wildcard tools/lib/*.h) | $(OBJ)/lib
	$(CC) $(CFLAGS) -c $< -o $@

$(OBJ)/%.o: tools/%.c $(wildcard tools/lib/*.h) | $(OBJ)/lib
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN)/atsflr: $(OBJ)/atsflr.o $(LIB_OBJS) | $(BIN)
	$(CC) $(LDSTATIC) -o $@ $^ -lpthread

# BPF: clang -target bpf against bpf/kernel_types.h (CO-RE, no vmlinux.h),
# DWARF stripped (BTF kept), then a skeleton the loader embeds.
$(OBJ)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(OBJ)/lib
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	llvm-strip -g $@

$(OBJ)/%.skel.h: $(OBJ)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* > $@

$(OBJ)/atstrace.o: tools/atstrace.c $(OBJ)/atstrace.skel.h $(wildcard tools/lib/*.h) bpf/atstrace.h
	$(CC) $(CFLAGS) -Ibpf -c $< -o $@

ATSTRACE_OBJS := $(OBJ)/atstrace_cli.o $(OBJ)/atstrace_report.o $(OBJ)/probe_plan.o \
		 $(OBJ)/prog_stats.o

$(OBJ)/atstrace_cli.o $(OBJ)/atstrace_report.o $(OBJ)/probe_plan.o: CFLAGS += -Ibpf
$(OBJ)/atstrace_report.o $(OBJ)/probe_plan.o: $(wildcard bpf/*.h)

$(BIN)/atstrace: $(OBJ)/atstrace.o $(ATSTRACE_OBJS) $(LIB_OBJS) | $(BIN)
	$(CC) $(LDSTATIC) -o $@ $^ -lbpf -lelf -lz

$(OBJ)/atsfloor.o: tools/atsfloor.c $(OBJ)/floor.skel.h $(wildcard tools/lib/*.h)
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN)/atsfloor: $(OBJ)/atsfloor.o $(OBJ)/prog_stats.o $(LIB_OBJS) | $(BIN)
	$(CC) $(LDSTATIC) -o $@ $^ -lbpf -lelf -lz

$(BIN)/atsoracle: $(OBJ)/atsoracle.o $(OBJ)/atsoracle_parse.o $(LIB_OBJS) | $(BIN)
	$(CC) $(LDSTATIC) -o $@ $^

$(OBJ)/lib $(BIN) $(BUILD)/tests:
	mkdir -p $@

# Unit tests: cmocka, linked against the same objects as the tools.
$(BUILD)/tests/%: tests/%.c $(LIB_OBJS) $(OBJ)/atsoracle_parse.o $(ATSTRACE_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -Ibpf -Wno-unused-parameter -o $@ $(filter %.c %.o,$^) -lcmocka $(LDSTATIC_BPF)

# the probe plan's test opens the BPF object through its skeleton
$(BUILD)/tests/test_atstrace_plan: $(OBJ)/atstrace.skel.h

check: $(TESTS)
	@scenarios/run-unit-tests.sh $(TESTS)

kernel:
	@scenarios/kernel/build.sh all

kernel-vanilla:
	@scenarios/kernel/build.sh vanilla

# kernel-patch/: git am, checkpatch --strict, a build after every patch
series-check: deps
	@scenarios/kernel/build.sh vanilla
	@scenarios/kernel/check-series.sh

lab: all
	@scenarios/kernel/fetch-debian.sh
	@for k in build/kernels/*; do \
		case $$k in *.skip|*.tree) continue;; esac; \
		scenarios/lab/initramfs.sh $$(basename $$k) >/dev/null || exit 2; \
	done
	@if [ -d build/kernels/lab-6.12.tree ]; then scenarios/reset-nesting/build-module.sh lab-6.12; fi

test: deps
	@scenarios/test.sh

# The series' scenarios on a lockdep + KASAN build (outside make test's budget)
test-debug: deps
	@scenarios/test.sh --debug

demo: deps
	@scenarios/demo.sh

# Tracing cost, side by side in one boot, and what the series costs a reset
# (lab-6.12 vs its vanilla twin, alternating boots); outside make test.
bench: deps all
	@scenarios/kernel/build.sh
	@$(MAKE) -s lab
	@scenarios/lab/run.sh --timeout 1200 --out $(BUILD)/results/bench debian-6.12 bench
	@cp $(BUILD)/results/bench/bench.json $(BUILD)/results/bench.json
	@scenarios/bench/report.sh $(BUILD)/results/bench.json
	@rm -rf $(BUILD)/results/reset-cost
	@for r in 1 2; do for k in lab-6.12-vanilla lab-6.12; do \
		scenarios/lab/run.sh --out $(BUILD)/results/reset-cost/$$k-$$r $$k reset-cost || exit 1; \
	done; done
	@scenarios/reset-cost/report.sh $(BUILD)/results/reset-cost

clean:
	rm -rf $(BUILD)

# header dependencies, written by the compiler (-MMD)
-include $(wildcard $(OBJ)/*.d $(OBJ)/lib/*.d $(BUILD)/tests/*.d)
