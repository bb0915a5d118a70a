# The initramfs: every userland program in one cpio "newc" archive, which
# the ESP image carries as weft/initrd.cpio and the kernel unpacks into /.
#
#   /bin/*     USER_BIN      (init, sh, ps, ...)
#   /demos/*   USER_DEMOS
#   /tests/*   USER_TESTS    (the QEMU integration tests)
#   /bench/*   USER_BENCH
#   /etc /tmp /dev           (empty; the kernel provides the device files)
#
# The USER_* lists come from userland/userland.mk. Until it exists they
# are empty and the archive holds just the directories. They may be
# defined after this file is read, so the prerequisites are expanded a
# second time, when make needs them ($$ below), not when this is read.
#
# tools/mkinitramfs runs on every make (it is cheap) and replaces the
# archive only when its content changes: that way a program added to or
# removed from a list is noticed, and the ESP image is not rebuilt for
# nothing.

INITRD := $(BUILD)/initrd.cpio

.SECONDEXPANSION:
.PHONY: initrd initrd-always
initrd: $(INITRD)

$(INITRD): initrd-always tools/mkinitramfs $$(USER_BIN) $$(USER_DEMOS) $$(USER_TESTS) $$(USER_TEST_HELPERS) $$(USER_BENCH) $$(GREEN_DEMOS) $$(GREEN_MUSL_TESTS)
	@mkdir -p $(dir $@)
	@tools/mkinitramfs $@ \
		$(foreach f,$(USER_BIN),$(f):/bin/) \
		$(foreach f,$(USER_DEMOS),$(f):/demos/) \
		$(foreach f,$(USER_TESTS) $(USER_TEST_HELPERS),$(f):/tests/) \
		$(foreach f,$(GREEN_DEMOS),$(f):/demos/) \
		$(foreach f,$(GREEN_MUSL_TESTS),$(f):/tests/green/) \
		$(foreach f,$(USER_BENCH),$(f):/bench/)
