# The UEFI loader, BOOTX64.EFI, built with GNU-EFI (Debian's gnu-efi).
#
# GNU-EFI builds a UEFI application as an ordinary position-independent
# ELF shared object (its crt0 relocates itself at run time), then objcopy
# rewrites that ELF as a PE32+ "efi-app". Link with GNU ld: OVMF rejects
# the PE that ld.lld produces from this script.

BOOT_EFI_INC := /usr/include/efi
BOOT_EFI_LIB := /usr/lib

BOOT_EFI := $(BUILD)/boot/BOOTX64.EFI
BOOT_SO  := $(BUILD)/boot/BOOTX64.so

BOOT_C_SRCS := $(wildcard boot/*.c)
BOOT_S_SRCS := $(wildcard boot/*.S)
BOOT_OBJS   := $(patsubst boot/%.c,$(BUILD)/boot/%.o,$(BOOT_C_SRCS)) \
               $(patsubst boot/%.S,$(BUILD)/boot/%.o,$(BOOT_S_SRCS))

# -mno-red-zone: firmware interrupt handlers run on our stack.
# -fshort-wchar: UEFI strings are 16-bit (L"..." must match CHAR16).
# GNU_EFI_USE_MS_ABI: call firmware services directly through ms_abi
# function pointers instead of the uefi_call_wrapper() trampoline.
BOOT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	-ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -fno-builtin \
	-DGNU_EFI_USE_MS_ABI -I$(BOOT_EFI_INC) -I$(BOOT_EFI_INC)/x86_64 -Iboot

BOOT_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic \
	-T $(BOOT_EFI_LIB)/elf_x86_64_efi.lds

# Sections that make up the PE image; everything else is ELF bookkeeping.
BOOT_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

$(BUILD)/boot/%.o: boot/%.c boot/loader.h boot/bootinfo.h
	@mkdir -p $(dir $@)
	$(CC) $(BOOT_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.o: boot/%.S
	@mkdir -p $(dir $@)
	$(CC) $(BOOT_CFLAGS) -c $< -o $@

$(BOOT_SO): $(BOOT_OBJS)
	$(LD) $(BOOT_LDFLAGS) $(BOOT_EFI_LIB)/crt0-efi-x86_64.o $(BOOT_OBJS) \
		-o $@ -L$(BOOT_EFI_LIB) -lefi -lgnuefi

$(BOOT_EFI): $(BOOT_SO)
	$(OBJCOPY) $(BOOT_SECTIONS) --target efi-app-x86_64 $< $@

.PHONY: boot
boot: $(BOOT_EFI)
