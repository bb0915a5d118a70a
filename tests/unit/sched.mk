# Host unit tests of the scheduler core and kernel synchronisation:
# kernel/sched and kernel/sync built unchanged, against the fake arch in
# tests/unit/fake (ucontext switches, a virtual clock).
#
#   make sched-unit-test     build and run just these tests

SCHED_UNIT_OBJDIR := $(BUILD)/unit/sched-obj

SCHED_UNIT_KERNEL_SRCS := $(wildcard kernel/sched/*.c) $(wildcard kernel/sync/*.c)
SCHED_UNIT_FAKE_SRCS := tests/unit/fake/fake_arch.c \
	tests/unit/fake/fake_console.c tests/unit/fake/fake_panic.c \
	tests/unit/fake/fake_heap.c
SCHED_UNIT_TEST_NAMES := test_sched test_sleep test_sync test_ktests_on_host \
	test_trace

SCHED_UNIT_LIB_OBJS := $(patsubst %.c,$(SCHED_UNIT_OBJDIR)/%.o,\
	$(SCHED_UNIT_KERNEL_SRCS) $(SCHED_UNIT_FAKE_SRCS))
SCHED_UNIT_TESTS := $(addprefix $(BUILD)/unit/,$(SCHED_UNIT_TEST_NAMES))

UNIT_TESTS += $(SCHED_UNIT_TESTS)

$(SCHED_UNIT_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# The in-kernel tests of sched and sync, run on the host too.
SCHED_UNIT_KTEST_OBJS := $(SCHED_UNIT_OBJDIR)/kernel/ktest/test_sched.o \
	$(SCHED_UNIT_OBJDIR)/kernel/ktest/test_sync.o
$(BUILD)/unit/test_ktests_on_host: $(SCHED_UNIT_KTEST_OBJS)

$(SCHED_UNIT_TESTS): \
$(BUILD)/unit/%: $(SCHED_UNIT_OBJDIR)/tests/unit/%.o $(SCHED_UNIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS) -lcmocka

-include $(wildcard $(SCHED_UNIT_OBJDIR)/*/*/*.d $(SCHED_UNIT_OBJDIR)/*/*/*/*.d)

.PHONY: sched-unit-test
sched-unit-test: $(SCHED_UNIT_TESTS)
	@fail=0; for t in $(SCHED_UNIT_TESTS); do \
		CMOCKA_MESSAGE_OUTPUT=TAP $$t || fail=1; \
	done; exit $$fail
