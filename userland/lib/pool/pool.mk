# pool.mk — userland/lib/pool: thread and process pools with futures
# (issue 4). Included at the end of userland/userland.mk, whose USER_*
# variables it uses.
#
#   $(POOL_LIB)    the library, musl-gcc, linked into the programs below
#   make pool-test the library's own stress tests, three ways: host gcc
#                  with ThreadSanitizer, host gcc with ASan+UBSan, and
#                  musl-gcc -static (what Weft runs); TAP output
#
# The guest test userland/tests/test_pool.c and the lessons that use the
# pool are built by the rule at the bottom; they are in USER_TESTS and
# USER_DEMOS like every other program.

POOL_DIR  := userland/lib/pool
POOL_SRCS := future.c queue.c thread_pool.c process_pool.c
POOL_HDRS := $(POOL_DIR)/pool.h $(POOL_DIR)/pool_internal.h
POOL_OUT  := $(USER_OUT)/lib/pool
POOL_LIB  := $(POOL_OUT)/libpool.a

# The programs that link the pool.
POOL_USERS := demos/thread_pool demos/process_pool demos/log_analysis \
	tests/test_pool

$(POOL_OUT)/musl/%.o: $(POOL_DIR)/%.c $(POOL_HDRS)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -c -o $@ $<

$(POOL_LIB): $(patsubst %.c,$(POOL_OUT)/musl/%.o,$(POOL_SRCS))
	rm -f $@
	ar rcs $@ $^

$(addprefix $(USER_OUT)/,$(POOL_USERS)): $(USER_OUT)/%: userland/%.c $(POOL_LIB) $(POOL_DIR)/pool.h $(USER_TEST_HDR)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -I$(POOL_DIR) -static -o $@ $< $(POOL_LIB)

# The stress tests: the library compiled into each test binary directly.
POOL_STRESS_SRC  := $(POOL_DIR)/tests/test_pool_stress.c
POOL_HOST_CC     ?= $(or $(HOST_CC),gcc)
POOL_HOST_FLAGS  := -std=gnu11 -Wall -Wextra -Werror -g -O1 -pthread -I$(POOL_DIR) -Iuserland/tests
POOL_TSAN        := -fsanitize=thread
POOL_ASAN        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
POOL_STRESS_BINS := $(POOL_OUT)/tsan/test_pool_stress $(POOL_OUT)/asan/test_pool_stress \
	$(POOL_OUT)/musl/test_pool_stress
POOL_ALL_SRCS    := $(addprefix $(POOL_DIR)/,$(POOL_SRCS))

$(POOL_OUT)/tsan/test_pool_stress: $(POOL_STRESS_SRC) $(POOL_ALL_SRCS) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(POOL_HOST_CC) $(POOL_HOST_FLAGS) $(POOL_TSAN) -o $@ $(POOL_STRESS_SRC) $(POOL_ALL_SRCS)
$(POOL_OUT)/asan/test_pool_stress: $(POOL_STRESS_SRC) $(POOL_ALL_SRCS) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(POOL_HOST_CC) $(POOL_HOST_FLAGS) $(POOL_ASAN) -o $@ $(POOL_STRESS_SRC) $(POOL_ALL_SRCS)
$(POOL_OUT)/musl/test_pool_stress: $(POOL_STRESS_SRC) $(POOL_LIB) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -I$(POOL_DIR) -Iuserland/tests -static -o $@ $(POOL_STRESS_SRC) $(POOL_LIB)

.PHONY: pool-test
# Every binary runs even if an earlier one failed; the target fails if any did.
pool-test: $(POOL_STRESS_BINS)
	@fail=0; for t in $^; do \
		echo "# $$t"; $$t || { echo "# FAILED: $$t"; fail=1; }; \
	done; exit $$fail
