# Host unit tests of poll/select, wait-queue watchers and socketpairs:
# built like the file-system tests (fs.mk, included before this file:
# make sorts the wildcard), from the same objects.
#
#   make poll-unit-test     build and run just these tests

POLL_UNIT_TESTS := $(BUILD)/unit/test_fs_poll

UNIT_TESTS += $(POLL_UNIT_TESTS)

$(POLL_UNIT_TESTS): \
$(BUILD)/unit/%: $(FS_UNIT_OBJDIR)/tests/unit/%.o $(FS_UNIT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(HOST_LDFLAGS) -lcmocka

.PHONY: poll-unit-test
poll-unit-test: $(POLL_UNIT_TESTS)
	@fail=0; for t in $(POLL_UNIT_TESTS); do \
		echo "# $$t"; CMOCKA_MESSAGE_OUTPUT=TAP $$t || fail=1; \
	done; exit $$fail
