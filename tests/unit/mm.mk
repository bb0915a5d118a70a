# Host unit tests of the memory manager: the page allocator and the heap.
#
#   make mm-unit-test     build and run just these tests
#
# They link only the mm sources and their own fakes (tests/unit/fake/
# mm_fake_*.c: fake RAM and direct map, printk/kernel_bug/panic, a host
# spinlock), not the scheduler tests' fake arch, so the two sets of
# stand-ins never collide. Built with WEFT_DEBUG, as the kernel's debug
# build is, so that poisoning and its checks are tested; -pthread for the
# tests that hammer the allocators from several threads.

MM_UNIT_CFLAGS = $(HOST_CFLAGS) -DWEFT_DEBUG -pthread
MM_UNIT_LIBS   = $(HOST_LDFLAGS) -pthread -lcmocka
MM_UNIT_FAKES  = tests/unit/fake/mm_fake_arch.c tests/unit/fake/mm_fake_spinlock.c
MM_UNIT_HDRS   = kernel/mm/pmm.h kernel/mm/heap.h kernel/arch.h \
                 kernel/panic.h kernel/printk.h kernel/sync/spinlock.h \
                 boot/bootinfo.h

$(BUILD)/unit/test_pmm: tests/unit/test_pmm.c kernel/mm/pmm.c \
		$(MM_UNIT_FAKES) $(MM_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MM_UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(MM_UNIT_LIBS)

$(BUILD)/unit/test_heap: tests/unit/test_heap.c kernel/mm/heap.c \
		kernel/mm/pmm.c $(MM_UNIT_FAKES) $(MM_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MM_UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(MM_UNIT_LIBS)

UNIT_TESTS += $(BUILD)/unit/test_pmm $(BUILD)/unit/test_heap

.PHONY: mm-unit-test
mm-unit-test: $(BUILD)/unit/test_pmm $(BUILD)/unit/test_heap
	@fail=0; for t in $^; do \
		echo "# $$t"; CMOCKA_MESSAGE_OUTPUT=TAP $$t || fail=1; \
	done; exit $$fail
