# Host unit tests of the scheduling policies (kernel/sched/policy_*.c,
# rbtree.c): exact traces on the fake arch of tests/unit/fake, built from
# the same sources as the kernel.
#
#   make policies-unit-test     build and run just these tests

POLICIES_UNIT_OBJDIR := $(BUILD)/unit/policies-obj

POLICIES_UNIT_SRCS := $(wildcard kernel/sched/*.c) $(wildcard kernel/sync/*.c) \
	tests/unit/fake/fake_arch.c tests/unit/fake/fake_console.c \
	tests/unit/fake/fake_panic.c tests/unit/fake/fake_heap.c
POLICIES_UNIT_OBJS := $(patsubst %.c,$(POLICIES_UNIT_OBJDIR)/%.o,$(POLICIES_UNIT_SRCS))
POLICIES_UNIT_TESTS := $(BUILD)/unit/test_policies

UNIT_TESTS += $(POLICIES_UNIT_TESTS)

$(POLICIES_UNIT_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit/test_policies: $(POLICIES_UNIT_OBJDIR)/tests/unit/test_policies.o \
		$(POLICIES_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS) -lcmocka

-include $(wildcard $(POLICIES_UNIT_OBJDIR)/*/*/*.d $(POLICIES_UNIT_OBJDIR)/*/*/*/*.d)

.PHONY: policies-unit-test
policies-unit-test: $(POLICIES_UNIT_TESTS)
	@CMOCKA_MESSAGE_OUTPUT=TAP $(POLICIES_UNIT_TESTS)
