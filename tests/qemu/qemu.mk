# Booting Weft in QEMU: the ESP image, `make run`, `make qemu-gdb`, and
# the in-kernel test groups run by tests/qemu/run.

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
$(ESP_IMG): $(BOOT_EFI) $(KERNEL_ELF)
	@rm -f $@.tmp
	@truncate -s 64M $@.tmp
	@mformat -i $@.tmp -F ::
	@mmd -i $@.tmp ::/EFI ::/EFI/BOOT ::/weft
	@mcopy -i $@.tmp $(BOOT_EFI) ::/EFI/BOOT/BOOTX64.EFI
	@mcopy -i $@.tmp $(KERNEL_ELF) ::/weft/kernel.elf
	@mv $@.tmp $@
	@echo "  ESP     $@"

# A copy of the image with this run's command line in weft/cmdline.txt.
define esp_with_cmdline
	cp $(ESP_IMG) $(1) && printf '%s\n' "$(2)" > $(1).cmdline && \
	mcopy -o -i $(1) $(1).cmdline ::/weft/cmdline.txt
endef

.PHONY: run-now qemu-gdb-now qemu-test
run-now: $(ESP_IMG)
	@$(call esp_with_cmdline,$(BUILD)/run.img,$(CMDLINE))
	@echo "weft: booting in QEMU ($(SMP) CPUs). Leave with Ctrl-A X."
	qemu-system-x86_64 $(QEMU_FLAGS) -drive format=raw,file=$(BUILD)/run.img -serial mon:stdio

qemu-gdb-now: $(ESP_IMG)
	@$(call esp_with_cmdline,$(BUILD)/run.img,$(CMDLINE))
	@echo "weft: QEMU waits for gdb on :1234. In another terminal:"
	@echo "  gdb $(KERNEL_ELF) -ex 'target remote :1234' -ex 'break kmain' -ex continue"
	qemu-system-x86_64 $(QEMU_FLAGS) -drive format=raw,file=$(BUILD)/run.img -serial mon:stdio -s -S

# In-kernel test groups, each in its own fresh boot.
QEMU_TEST_GROUPS ?= boot sched sync mm fault loader-no-kernel loader-bad-kernel

qemu-test: $(ESP_IMG)
	@tests/qemu/run --build $(BUILD) --image $(ESP_IMG) $(QEMU_TEST_GROUPS)
