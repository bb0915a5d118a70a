# The kernel: kernel/ (portable) + arch/x86_64/ (the machine), linked by
# linker.ld into a higher-half ELF that the loader reads from the ESP.

KERNEL_ELF := $(BUILD)/kernel/kernel.elf

KERNEL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	-ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-I. -Iarch/x86_64 -DWEFT_DEBUG -MMD -MP
KERNEL_ASFLAGS := -g -I. -Iarch/x86_64 -MMD -MP

KERNEL_C := $(wildcard kernel/*.c kernel/*/*.c arch/x86_64/*.c)
KERNEL_S := $(wildcard arch/x86_64/*.S)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/kernel/%.o,$(KERNEL_C)) \
	$(patsubst %.S,$(BUILD)/kernel/%.o,$(KERNEL_S))

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) linker.ld
	$(LD) -n -nostdlib -z max-page-size=4096 -z noexecstack -T linker.ld -o $@ $(KERNEL_OBJS)

-include $(KERNEL_OBJS:.o=.d)
