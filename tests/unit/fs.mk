# Host unit tests of the file side: kernel/fs and kernel/ipc built
# unchanged, with the scheduler and locks (kernel/sched, kernel/sync) on
# the fake arch, and tests/unit/fake/fs_fake_proc.c standing in for
# kernel/proc and uaccess.
#
#   make fs-unit-test     build and run just these tests

FS_UNIT_OBJDIR := $(BUILD)/unit/fs-obj

FS_UNIT_KERNEL_SRCS := $(wildcard kernel/fs/*.c) $(wildcard kernel/ipc/*.c) \
	$(wildcard kernel/sched/*.c) $(wildcard kernel/sync/*.c)
FS_UNIT_FAKE_SRCS := tests/unit/fake/fake_arch.c \
	tests/unit/fake/fake_console.c tests/unit/fake/fake_panic.c \
	tests/unit/fake/fake_heap.c tests/unit/fake/fs_fake_proc.c
FS_UNIT_TEST_NAMES := test_fs_vfs test_fs_initramfs test_fs_pipe test_fs_tty \
	test_fs_syscalls

FS_UNIT_LIB_OBJS := $(patsubst %.c,$(FS_UNIT_OBJDIR)/%.o,\
	$(FS_UNIT_KERNEL_SRCS) $(FS_UNIT_FAKE_SRCS))
FS_UNIT_TESTS := $(addprefix $(BUILD)/unit/,$(FS_UNIT_TEST_NAMES))

UNIT_TESTS += $(FS_UNIT_TESTS)

$(FS_UNIT_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(FS_UNIT_TESTS): \
$(BUILD)/unit/%: $(FS_UNIT_OBJDIR)/tests/unit/%.o $(FS_UNIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS) -lcmocka

-include $(wildcard $(FS_UNIT_OBJDIR)/*/*/*.d $(FS_UNIT_OBJDIR)/*/*/*/*.d)

.PHONY: fs-unit-test
fs-unit-test: $(FS_UNIT_TESTS)
	@fail=0; for t in $(FS_UNIT_TESTS); do \
		echo "# $$t"; CMOCKA_MESSAGE_OUTPUT=TAP $$t || fail=1; \
	done; exit $$fail
