# userland.mk — the user programs of Weft (issue 3), included by the
# top-level Makefile, which defines BUILD. Every program is an ordinary
# static musl binary: the same file runs on Weft and on the Linux host.
#
#   make userland            build everything below into $(BUILD)/userland/
#   make guest-test-native   build, then run every guest test on this host
#
# Lists for the initramfs and the QEMU runner:
#   USER_BIN           /bin:    init, sh, ps, kill, ls, cat, ...
#   USER_DEMOS         /demos:  the lessons (userland/demos/*.c, not green_*)
#   USER_TESTS         /tests:  test_* programs, each prints TAP
#   USER_TEST_HELPERS  /tests:  programs the tests exec (not tests themselves)
#   USER_BENCH         /bench:  the benchmarks (bench, cpu_scaling)

USER_CC     ?= musl-gcc
USER_CFLAGS ?= -std=gnu11 -O2 -Wall -Wextra -Werror
USER_OUT    := $(BUILD)/userland

USER_BIN_NAMES  := init sh ps kill ls cat echo sleep true false mkdir rm
USER_DEMO_NAMES := $(filter-out green_%,$(basename $(notdir $(wildcard userland/demos/*.c))))
USER_TEST_NAMES := $(basename $(notdir $(wildcard userland/tests/test_*.c)))

USER_BIN          := $(addprefix $(USER_OUT)/bin/,$(USER_BIN_NAMES))
USER_DEMOS        := $(addprefix $(USER_OUT)/demos/,$(USER_DEMO_NAMES))
USER_TESTS        := $(addprefix $(USER_OUT)/tests/,$(USER_TEST_NAMES))
USER_TEST_HELPERS := $(USER_OUT)/tests/exec_helper
USER_BENCH        := $(USER_OUT)/bench/bench $(USER_OUT)/bench/cpu_scaling

USER_SH_SRCS  := $(wildcard userland/sh/*.c)
USER_TEST_HDR := userland/tests/tap.h userland/tests/guest.h

.PHONY: userland guest-test-native

userland: $(USER_BIN) $(USER_DEMOS) $(USER_TESTS) $(USER_TEST_HELPERS) $(USER_BENCH)

# The shell is several files; every other command is one.
$(USER_OUT)/bin/sh: $(USER_SH_SRCS) userland/sh/sh.h
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $(USER_SH_SRCS)

$(USER_OUT)/bin/%: userland/bin/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $<

$(USER_OUT)/demos/%: userland/demos/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $<

$(USER_OUT)/tests/%: userland/tests/%.c $(USER_TEST_HDR)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $<

$(USER_OUT)/bench/%: userland/bench/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $<

# Every test runs even if an earlier one failed; the target fails if any
# did. test_sh runs the shell and the commands from ../bin, so they are
# prerequisites too.
guest-test-native: userland
	@fail=0; for t in $(USER_TESTS); do \
		echo "# $$t"; $$t || { echo "# FAILED: $$t"; fail=1; }; \
	done; exit $$fail

# The pool library (issue 4) and the programs that link it.
include userland/lib/pool/pool.mk
