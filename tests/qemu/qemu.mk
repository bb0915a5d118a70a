# Booting Weft in QEMU: the ESP image, `make run`, `make qemu-gdb`, and
# the tests run by tests/qemu/run (in-kernel test groups and guest test
# programs). tools/weft-run boots one program; see docs/weft-run.md.

# The initramfs ($(INITRD)) goes into the ESP image, so it is defined first.
include mk/initramfs.mk

OVMF      := /usr/share/ovmf/OVMF.fd
ESP_IMG   := $(BUILD)/esp.img
CMDLINE   ?=
SMP       ?= 2
QEMU_MEM  ?= 256M

# The machine every boot uses. -no-reboot turns a triple fault into an
# exit (status 0, which the runner treats as failure); isa-debug-exit lets
# the kernel end QEMU with a status.
QEMU_FLAGS := -machine q35 -cpu max -m $(QEMU_MEM) -smp $(SMP) \
	-bios $(OVMF) -nic none -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# A plain FAT image (no partition table): the firmware boots
# EFI/BOOT/BOOTX64.EFI from it; the loader reads weft/*.
$(ESP_IMG): $(BOOT_EFI) $(KERNEL_ELF) $(INITRD)
	@rm -f $@.tmp
	@truncate -s 64M $@.tmp
	@mformat -i $@.tmp -F ::
	@mmd -i $@.tmp ::/EFI ::/EFI/BOOT ::/weft
	@mcopy -i $@.tmp $(BOOT_EFI) ::/EFI/BOOT/BOOTX64.EFI
	@mcopy -i $@.tmp $(KERNEL_ELF) ::/weft/kernel.elf
	@mcopy -i $@.tmp $(INITRD) ::/weft/initrd.cpio
	@mv $@.tmp $@
	@echo "  ESP     $@"

# A copy of the image with this run's command line in weft/cmdline.txt.
define esp_with_cmdline
	cp $(ESP_IMG) $(1) && printf '%s\n' "$(2)" > $(1).cmdline && \
	mcopy -o -i $(1) $(1).cmdline ::/weft/cmdline.txt
endef

.PHONY: run-now run-init-now qemu-gdb-now qemu-test weft-run-image
run-now: run-init-now

qemu-gdb-now: $(ESP_IMG)
	@$(call esp_with_cmdline,$(BUILD)/run.img,$(CMDLINE))
	@echo "weft: QEMU waits for gdb on :1234. In another terminal:"
	@echo "  gdb $(KERNEL_ELF) -ex 'target remote :1234' -ex 'break kmain' -ex continue"
	qemu-system-x86_64 $(QEMU_FLAGS) -drive format=raw,file=$(BUILD)/run.img -serial mon:stdio -s -S

# `make run` once the kernel runs init: boot /bin/init on this terminal
# through tools/weft-run (Ctrl-A X leaves). Already built, hence --no-build.
run-init-now: $(ESP_IMG)
	@tools/weft-run --no-build --build $(BUILD) --image $(ESP_IMG) --interactive \
		--smp $(SMP) --mem $(QEMU_MEM) --cmdline "$(CMDLINE)"

# What tools/weft-run needs built before it boots (it runs `make deps
# weft-run-image` itself unless given --no-build).
weft-run-image: $(ESP_IMG) $(INITRD)

# The QEMU tests, each in its own fresh boot: in-kernel test groups
# (test=GROUP), and every guest test program (/tests/NAME, run as init by
# tools/weft-run). `=`, not `:=`: USER_TESTS may be defined after this file.
QEMU_TEST_GROUPS ?= boot sched sched-prio sched-mlfq sched-fair smp sync deadlock mm fs poll mqueue \
	fault loader-no-kernel loader-bad-kernel
QEMU_GUEST_TESTS ?= $(addprefix guest:/tests/,$(sort $(notdir $(USER_TESTS)))) \
	$(addprefix guest:/tests/green/,$(notdir $(GREEN_MUSL_TESTS)))
# Host scripts that boot through weft-run and check its results
# (tests/qemu/scripts/NAME).
QEMU_SCRIPT_TESTS ?= script:trace_smp2
QEMU_TESTS ?= $(QEMU_TEST_GROUPS) $(QEMU_GUEST_TESTS) $(QEMU_SCRIPT_TESTS)

qemu-test: $(ESP_IMG)
	@tests/qemu/run --build $(BUILD) --image $(ESP_IMG) $(QEMU_TESTS)

# Tests of the test tools themselves (no QEMU): weft-run's console parser
# on recorded logs, its command line, how tests/qemu/run judges guest
# test programs, and the scheduler-trace converter (tools/weft-trace).
.PHONY: tools-test
tools-test:
	@tools/tests/test-weft-run && tools/tests/test-qemu-run && tools/tests/test-weft-trace
