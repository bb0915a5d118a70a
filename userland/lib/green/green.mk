# green.mk — userland/lib/green: cooperative green threads (issue 6).
# Included by the top-level Makefile, which defines BUILD and HOST_CC.
#
#   make green-test    the tests, three ways: host gcc with ASan+UBSan,
#                      and musl-gcc -static (what Weft runs); TAP output
#   make green-demos   the lessons in userland/demos/green_*.c (musl, static)
#   make green-demo-run  build and run them on the host
#   make bench-green   the benchmark table (-O2, glibc for swapcontext)

GREEN_DIR     := userland/lib/green
GREEN_OUT     := $(BUILD)/green
GREEN_HOST_CC ?= $(or $(HOST_CC),gcc)
GREEN_MUSL_CC ?= musl-gcc
GREEN_SRCS    := switch.S stack.c greenlet.c hub.c task.c sleep.c io.c channel.c
GREEN_HDRS    := $(wildcard $(GREEN_DIR)/*.h $(GREEN_DIR)/tests/*.h)
GREEN_TEST_NAMES := test_switch test_sched test_io
GREEN_DEMO_NAMES := $(basename $(notdir $(wildcard userland/demos/green_*.c)))
GREEN_WARN    := -std=gnu11 -Wall -Wextra -Werror

# One build of the library and its tests per variant:
#   $(1) name  $(2) compiler  $(3) compile flags  $(4) link flags
define GREEN_VARIANT
GREEN_$(1)_OBJS := $$(patsubst %,$(GREEN_OUT)/$(1)/obj/%.o,$$(basename $(GREEN_SRCS)))
GREEN_$(1)_LIB  := $(GREEN_OUT)/$(1)/libgreen.a

$(GREEN_OUT)/$(1)/obj/%.o: $(GREEN_DIR)/%.c $(GREEN_HDRS)
	@mkdir -p $$(@D)
	$(2) $(GREEN_WARN) $(3) -c -o $$@ $$<
$(GREEN_OUT)/$(1)/obj/%.o: $(GREEN_DIR)/%.S
	@mkdir -p $$(@D)
	$(2) $(3) -c -o $$@ $$<
$$(GREEN_$(1)_LIB): $$(GREEN_$(1)_OBJS)
	rm -f $$@
	ar rcs $$@ $$^
$(GREEN_OUT)/$(1)/test_%: $(GREEN_DIR)/tests/test_%.c $$(GREEN_$(1)_LIB) $(GREEN_HDRS)
	$(2) $(GREEN_WARN) $(3) -o $$@ $$< $$(GREEN_$(1)_LIB) $(4)
endef

# Host tests run under AddressSanitizer and UBSan. ASan keeps its own
# record of which stack is running; greenlet.c announces every switch to
# it (__sanitizer_start/finish_switch_fiber), so no plain variant is needed.
GREEN_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all
$(eval $(call GREEN_VARIANT,host,$(GREEN_HOST_CC),-O1 -g $(GREEN_ASAN) -fno-omit-frame-pointer,$(GREEN_ASAN) -lm))
$(eval $(call GREEN_VARIANT,musl,$(GREEN_MUSL_CC),-O2 -g -static,-static))
$(eval $(call GREEN_VARIANT,bench,$(GREEN_HOST_CC),-O2 -g,-lm))

GREEN_TESTS      := $(addprefix $(GREEN_OUT)/host/,$(GREEN_TEST_NAMES))
GREEN_MUSL_TESTS := $(addprefix $(GREEN_OUT)/musl/,$(GREEN_TEST_NAMES))
GREEN_DEMOS      := $(addprefix $(GREEN_OUT)/demos/,$(GREEN_DEMO_NAMES))

.PHONY: green-test green-demos green-demo-run bench-green

# Every binary runs even if an earlier one failed; the target fails if any did.
green-test: $(GREEN_TESTS) $(GREEN_MUSL_TESTS)
	@fail=0; for t in $^; do \
		echo "# $$t"; $$t || { echo "# FAILED: $$t"; fail=1; }; \
	done; exit $$fail

$(GREEN_OUT)/demos/green_%: userland/demos/green_%.c $(GREEN_musl_LIB) $(GREEN_HDRS)
	@mkdir -p $(@D)
	$(GREEN_MUSL_CC) $(GREEN_WARN) -O2 -static -I$(GREEN_DIR) -o $@ $< $(GREEN_musl_LIB)

green-demos: $(GREEN_DEMOS)

green-demo-run: $(GREEN_DEMOS)
	@for d in $^; do echo "=== $$d"; $$d || exit 1; done

GREEN_BENCH := $(GREEN_OUT)/bench/bench_green
$(GREEN_BENCH): $(GREEN_DIR)/bench/bench_green.c $(GREEN_DIR)/bench/baseline_switch.S $(GREEN_bench_LIB) $(GREEN_HDRS)
	$(GREEN_HOST_CC) $(GREEN_WARN) -O2 -g -o $@ $(GREEN_DIR)/bench/bench_green.c \
		$(GREEN_DIR)/bench/baseline_switch.S $(GREEN_bench_LIB) -lm

bench-green: $(GREEN_BENCH)
	$(GREEN_BENCH)
