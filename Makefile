# atstrace: top-level build. `make help` lists the targets.

ARCH     ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD    := build
BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Itools -I$(OBJ)/bpf -I$(OBJ)/gen -MMD -MP
LDSTATIC := -static
# a cross build's libraries (make arm64): the target's libbpf, libelf and
# zlib unpacked into SYSROOT; the C library is the cross compiler's own
ifdef SYSROOT
CFLAGS   += -isystem $(SYSROOT)/usr/include
LDFLAGS  += -L$(SYSROOT)/usr/lib/$(TRIPLET)
endif
LDSTATIC_BPF := -Wl,-Bstatic -lbpf -lelf -lz -Wl,-Bdynamic
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibpf

# One folder per program: tools/<prog>/*.c make $(BIN)/<prog>, linked with
# the archive of tools/lib/ (what two or more programs share), from which
# each takes only the members it calls.
TOOLS    := atsflr atsoracle atstrace atsfloor
LIB      := $(OBJ)/lib/libtools.a
LIB_OBJS := $(patsubst tools/%.c,$(OBJ)/%.o,$(wildcard tools/lib/*.c))
tool_objs = $(patsubst tools/%.c,$(OBJ)/%.o,$(wildcard tools/$(1)/*.c))
TOOL_OBJS := $(foreach t,$(TOOLS),$(call tool_objs,$(t)))
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: FORCE all arm64 arm64-tests tools tests deps check kernel kernel-vanilla series-check lab test test-debug demo bench soak soak-short soak-resets mutants clean help
.DELETE_ON_ERROR:
.SECONDEXPANSION:
# named by patterns only, make would take them for intermediate and delete them
.SECONDARY: $(TOOL_OBJS)

all: tools arm64

tools: $(addprefix $(BIN)/,$(TOOLS))

# The same programs for arm64, static, from the same source (BPF object
# included): build/arm64/bin/. Cross-compiled with Debian's
# gcc-aarch64-linux-gnu against arm64 libbpf, libelf and zlib from Debian's
# own arm64 packages (lab/arm64-sysroot.sh: download only, cached).
# make check builds the unit tests for arm64 too and runs them under
# qemu-aarch64 (user mode): char is unsigned there, long alignment differs.
ARM64 := $(BUILD)/arm64
ARM64_MAKE = sysroot=$$(lab/arm64-sysroot.sh) && \
	$(MAKE) -s --no-print-directory ARCH=arm64 CC=aarch64-linux-gnu-gcc \
		TRIPLET=aarch64-linux-gnu SYSROOT=$$sysroot BUILD=$(ARM64)
arm64:
	@$(ARM64_MAKE) tools
arm64-tests:
	@$(ARM64_MAKE) tests
tests: $(TESTS)

help:
	@echo "make deps     install the Debian packages the project needs (root)"
	@echo "make          build the tools as static binaries in $(BIN)/ (and for arm64 in $(ARM64)/bin/)"
	@echo "make check    unit tests (cmocka; the arm64 build of them under qemu-aarch64), no VM"
	@echo "make kernel   build lab-6.12-vanilla and lab-6.12, and their arm64 twins (cached outside the clone)"
	@echo "make series-check  both series of kernel-patch/ (6.12, upstream): git am, checkpatch, kernel-doc, a build at every patch"
	@echo "make lab      fetch Debian's kernels for the lab, build the initramfs images"
	@echo "make test     check + the lab's end-to-end scenarios -> $(BUILD)/results/e2e.json"
	@echo "make test-debug  the series' scenarios on a lockdep + KASAN kernel -> $(BUILD)/results/e2e-debug.json"
	@echo "make demo     the main job, on the built-in lab"
	@echo "make bench    tracing overhead on instruction time (QEMU icount), side by side in one boot -> docs/performance.md"
	@echo "make soak     the long soak: SOAK_MINUTES (30) of resets, replaces and group races on lab-6.12-debug -> $(BUILD)/results/runs/soak@lab-6.12-debug"
	@echo "make soak-short   the soak for one minute on lab-6.12 (switch machine)"
	@echo "make soak-resets  the reset soak (1200 resets from separate processes) on lab-6.12 and its vanilla twin"
	@echo "make mutants  seeded bugs in the series and in atstrace, each run until a scenario kills it -> $(BUILD)/results/mutants.md"

deps:
	@lab/deps.sh

$(OBJ)/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# atstrace --version: the release below and, in a git clone, the commit.
# version.h is rewritten only when that changes, so nothing rebuilds for it.
VERSION  := 0.9.0
$(OBJ)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@rev=$$(git rev-parse --short=12 HEAD 2>/dev/null) && \
	{ git diff --quiet HEAD -- 2>/dev/null || rev=$$rev-dirty; }; \
	echo "#define ATSTRACE_VERSION \"$(VERSION)$${rev:+-g$$rev}\"" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
$(OBJ)/atstrace/atstrace_cli.o: $(OBJ)/gen/version.h
FORCE:

# atstrace shares its event and window definitions with the BPF side
$(OBJ)/atstrace/%.o: CFLAGS += -Ibpf

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $$(call tool_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDSTATIC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# what a program needs beyond libc; the BPF loaders take libbpf
$(BIN)/atsflr: LDLIBS := -lpthread
$(BIN)/atsfloor: LDLIBS := -lbpf -lelf -lz
$(BIN)/atstrace: LDLIBS := -lbpf -lelf -lz -lpthread

# BPF: clang -target bpf against bpf/kernel_types.h (CO-RE, no vmlinux.h),
# DWARF stripped (BTF kept), then a skeleton the loader embeds.
$(OBJ)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	llvm-strip -g $@

$(OBJ)/bpf/%.skel.h: $(OBJ)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* > $@

# each loader's skeleton, generated before the loader is compiled
$(OBJ)/atstrace/atstrace.o: $(OBJ)/bpf/atstrace.skel.h
$(OBJ)/atsfloor/atsfloor.o: $(OBJ)/bpf/floor.skel.h

# Unit tests: cmocka. tests/test_<name>.c links <name>.o, from whichever
# folder of tools/ holds <name>.c (none for a header of bpf/), and the
# members of tools/lib/ it calls.
tested_obj = $(patsubst tools/%.c,$(OBJ)/%.o,$(wildcard tools/*/$(1).c))
$(BUILD)/tests/test_%: tests/test_%.c $$(call tested_obj,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ibpf -Wno-unused-parameter $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(filter %.a,$^) -lcmocka $(TEST_LDLIBS)

# what a tested module calls beyond itself and tools/lib/
$(BUILD)/tests/test_atstrace_report: $(OBJ)/atstrace/ksyms.o
$(BUILD)/tests/test_prom_textfile: $(OBJ)/atstrace/atstrace_report.o $(OBJ)/atstrace/ksyms.o
$(BUILD)/tests/test_timeline: $(OBJ)/atstrace/atstrace_report.o $(OBJ)/atstrace/ksyms.o
$(BUILD)/tests/test_atstrace_cli: $(OBJ)/atstrace/hist_group.o $(OBJ)/atstrace/atstrace_report.o \
	$(OBJ)/atstrace/ksyms.o
$(BUILD)/tests/test_hist_group: $(OBJ)/atstrace/atstrace_report.o $(OBJ)/atstrace/ksyms.o
$(BUILD)/tests/test_probe_plan: TEST_LDLIBS := $(LDSTATIC_BPF)

# the probe plan's test opens the BPF object through its skeleton
$(BUILD)/tests/test_probe_plan: $(OBJ)/bpf/atstrace.skel.h

check: $(TESTS) tools arm64 arm64-tests
	@tests/run-unit-tests.sh $(TESTS) \
		--arm64 "$$(lab/arm64-sysroot.sh)" $(patsubst $(BUILD)/%,$(ARM64)/%,$(TESTS))
	@tests/check-systemd-units.sh
	@tests/check-arm64-binaries.sh

kernel:
	@lab/kernel/build.sh all
	@KERNEL_ARCH=arm64 lab/kernel/build.sh all
	@KERNEL_SOURCE=7.2 lab/kernel/build.sh all

kernel-vanilla:
	@lab/kernel/build.sh vanilla

# kernel-patch/6.12/ and kernel-patch/upstream/: git am, checkpatch --strict,
# the cited upstream commits, kernel-doc, a build after every patch
series-check: deps
	@lab/kernel/build.sh vanilla
	@KERNEL_SOURCE=7.2 lab/kernel/build.sh vanilla
	@lab/kernel/check-series.sh

lab: all
	@lab/kernel/fetch-debian.sh
	@for k in build/kernels/*; do \
		case $$k in *.skip|*.tree) continue;; esac; \
		lab/initramfs.sh $$(basename $$k) >/dev/null || exit 2; \
	done
	@for k in lab-6.12 lab-6.12-arm64; do \
		[ ! -d build/kernels/$$k.tree ] || \
		lab/build-module.sh $$k scenarios/reset-nesting/atsnest.c || exit 2; \
	done
	@for k in lab-6.12 lab-6.12-vanilla; do \
		[ ! -d build/kernels/$$k.tree ] || \
		lab/build-module.sh $$k scenarios/flr-unhooked/atsbareflr.c || exit 2; \
	done

test: deps
	@scenarios/test.sh

# The series' scenarios on a lockdep + KASAN build (outside make test's budget)
test-debug: deps
	@scenarios/test.sh --debug

demo: deps
	@scenarios/demo.sh

# Tracing cost, side by side in one boot: on instruction time (the icount
# machine: the figures that judge the targets), and on host time (noisy, for
# comparison: the default machine, whose two CPUs also give locked memory's
# per-CPU part, extended to 256 possible CPUs); docs/performance.md
# is rewritten from it. Then what the series costs a reset (lab-6.12 vs its
# vanilla twin, alternating boots). Outside make test.
BENCH := $(BUILD)/results/bench
bench: deps all
	@lab/kernel/build.sh
	@$(MAKE) -s lab
	@rm -rf $(BENCH) && mkdir -p $(BENCH)
	@lab/run.sh --machine icount --out $(BENCH)/icount debian-6.12 bench
	@lab/run.sh --append "atstrace.bench_parts=throughput,memlock atstrace.bench_rounds=3" \
		--out $(BENCH)/wallclock debian-6.12 bench
	@rm -rf $(BUILD)/results/reset-cost
	@for r in 1 2; do for k in lab-6.12-vanilla lab-6.12; do \
		lab/run.sh --out $(BUILD)/results/reset-cost/$$k-$$r $$k reset-cost || exit 1; \
	done; done
	@scenarios/reset-cost/report.sh $(BUILD)/results/reset-cost
	@scenarios/bench/figures.sh $(BENCH)/icount $(BENCH)/wallclock $(BENCH)/wallclock \
		>$(BUILD)/results/bench.json
	@scenarios/bench/report.sh $(BUILD)/results/bench.json \
		$(BUILD)/results/reset-cost/reset-cost.json >docs/performance.md
	@scenarios/bench/report.sh --targets $(BUILD)/results/bench.json
	@echo "bench: $(BUILD)/results/bench.json; docs/performance.md rewritten from it"

# Seeded bugs (tests/mutants/): each mutant of the series or of atstrace
# built (kernel mutants on a cached scratch copy of the lab tree, rebuilding
# only what they touch) and run against the scenarios its patch names, until
# one kills it -> build/results/mutants.md. Outside make test, which only
# checks that every mutant still applies and compiles.
mutants: deps all
	@lab/kernel/build.sh
	@KERNEL_ARCH=arm64 lab/kernel/build.sh
	@$(MAKE) -s lab
	@tests/mutants/run.sh

# The long soak (scenarios/soak): SOAK_MINUTES of VFIO FLRs, IOAS replaces,
# sysfs resets, hot resets and group open/close races behind the switch,
# atstrace in interval mode, on the lockdep + KASAN + kmemleak kernel. make
# test runs the same scenario for one minute on lab-6.12.
SOAK_MINUTES ?= 30
soak: deps all
	@SOAK_MINUTES=$(SOAK_MINUTES) scenarios/soak/long.sh

# The soak for one minute on lab-6.12 (switch machine), as make test ran it
# until lab-7.2's runs needed its time (issue 15)
soak-short: deps all
	@lab/kernel/build.sh
	@$(MAKE) -s lab
	@lab/run.sh --machine switch --out $(BUILD)/results/runs/soak@lab-6.12+switch lab-6.12 soak

# The reset soak, as make test ran it until lab-7.2's runs needed its time
# (issue 15): 1200 resets from separate processes under
# atstrace --assert, on both lab kernels (~5 min each)
soak-resets: deps all
	@lab/kernel/build.sh
	@$(MAKE) -s lab
	@for s in lab-6.12-vanilla:flagged lab-6.12:clean; do \
		lab/run.sh --expect $${s#*:} --out $(BUILD)/results/runs/reset-soak@$${s%%:*} \
			$${s%%:*} reset-soak || exit 1; \
	done

clean:
	rm -rf $(BUILD)

# header dependencies, written by the compiler (-MMD)
-include $(wildcard $(OBJ)/*/*.d $(BUILD)/tests/*.d)
