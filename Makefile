# Weft — make run | make test | make bench | make qemu-gdb | make clean
#
# Every entry point first checks the Debian packages it needs (mk/deps.mk)
# and installs the missing ones when run as root, then builds in a second
# make, so a fresh Debian 12 machine needs nothing but `make`.

BUILD   ?= build
HOST_CC ?= gcc
CC      := gcc
LD      := ld
OBJCOPY := objcopy

.DEFAULT_GOAL := all
.PHONY: all build run test bench qemu-gdb clean deps unit-test test-all bench-all

include mk/deps.mk

# Host builds: unit tests of the portable kernel core, with sanitizers.
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -I. -Itests/unit/fake
HOST_LDFLAGS := -fsanitize=address,undefined

# Each tests/unit/*.mk adds its test binaries to UNIT_TESTS.
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
include kernel/kernel.mk
include boot/boot.mk
include tests/qemu/qemu.mk
-include userland/lib/green/green.mk
-include userland/userland.mk
include mk/schedsim.mk

all: deps
	@$(MAKE) --no-print-directory build

build: $(KERNEL_ELF) $(BOOT_EFI) $(ESP_IMG) $(UNIT_TESTS) $(INITRD)

# `make run CMDLINE="sched=rr hz=100"` passes a kernel command line.
run: deps
	@$(MAKE) --no-print-directory run-now

qemu-gdb: deps
	@$(MAKE) --no-print-directory qemu-gdb-now

test: deps
	@$(MAKE) --no-print-directory build
	@tests/run-suites "$(MAKE) --no-print-directory" unit-test green-test tools-test \
		schedsim-test pool-test guest-test-native qemu-test

# `make bench`: Weft against Debian's Linux under the same QEMU machine,
# the kernel-thread context switch, then the green-thread table on the
# host (docs/bench.md). mk/bench.mk installs the Linux kernel it boots.
include mk/bench.mk

bench: deps bench-deps
	@$(MAKE) --no-print-directory bench-all

# The green-thread table comes even when a run of the report failed; the
# target fails then all the same.
bench-all: $(ESP_IMG) $(USER_BENCH) $(BENCH_LINUX_INIT) $(GREEN_BENCH)
	@tools/bench-report --build $(BUILD) --image $(ESP_IMG) --runs $(BENCH_RUNS); \
	status=$$?; echo; \
	tools/bench-scaling --build $(BUILD) --image $(ESP_IMG) --runs $(BENCH_SCALING_RUNS) || status=1; \
	echo; $(GREEN_BENCH) && exit $$status

unit-test: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
		echo "# $$t"; CMOCKA_MESSAGE_OUTPUT=TAP $$t || fail=1; \
	done; exit $$fail

clean:
	rm -rf $(BUILD)
