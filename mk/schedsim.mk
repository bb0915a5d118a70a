# tools/schedsim: the scheduling simulator and the scheduler-step
# benchmark, built on the host from the kernel's own kernel/sched (and the
# locks of kernel/sync, as the unit tests do) with a simulated
# machine (tools/schedsim/sim_arch.c). See docs/scheduling.md.
#
#   make schedsim          build/schedsim/schedsim
#   make schedsim-test     its verdicts on tools/schedsim/examples (in make test)
#   make bench-sched       instructions per pick_next + enqueue, 16 to 1M tasks
#
# Optimised, without sanitizers: the benchmark counts instructions, and
# the simulator may run long workloads. (The same sources run under
# AddressSanitizer in the unit tests.)

SCHEDSIM_DIR    := $(BUILD)/schedsim
SCHEDSIM        := $(SCHEDSIM_DIR)/schedsim
BENCH_SCHED     := $(SCHEDSIM_DIR)/bench_sched
SCHEDSIM_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O2 -I. -Itools/schedsim \
	-DKTHREAD_STACK_SIZE=65536 -MMD -MP

SCHEDSIM_CORE_SRCS := $(wildcard kernel/sched/*.c) $(wildcard kernel/sync/*.c) \
	tools/schedsim/sim_arch.c tools/schedsim/sim_support.c
SCHEDSIM_CORE_OBJS := $(patsubst %.c,$(SCHEDSIM_DIR)/obj/%.o,$(SCHEDSIM_CORE_SRCS))
SCHEDSIM_OBJS := $(SCHEDSIM_CORE_OBJS) $(patsubst %.c,$(SCHEDSIM_DIR)/obj/%.o,\
	tools/schedsim/schedsim.c tools/schedsim/workload.c tools/schedsim/gantt.c)
BENCH_SCHED_OBJS := $(SCHEDSIM_CORE_OBJS) $(SCHEDSIM_DIR)/obj/tools/schedsim/bench_sched.o

$(SCHEDSIM_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(SCHEDSIM_CFLAGS) -c $< -o $@

$(SCHEDSIM): $(SCHEDSIM_OBJS)
	$(HOST_CC) $^ -o $@

$(BENCH_SCHED): $(BENCH_SCHED_OBJS)
	$(HOST_CC) $^ -o $@

-include $(wildcard $(SCHEDSIM_DIR)/obj/*/*/*.d $(SCHEDSIM_DIR)/obj/*/*/*/*.d)

.PHONY: schedsim schedsim-test bench-sched
schedsim: $(SCHEDSIM)

schedsim-test: $(SCHEDSIM)
	@tools/schedsim/tests/run-tests $(SCHEDSIM)

# valgrind counts the instructions (apt-get install valgrind); without
# it, bench-sched says so and shows cycles instead.
bench-sched: $(BENCH_SCHED)
	@tools/schedsim/bench-sched $(BENCH_SCHED)

# The in-kernel "sched" tests once more under each other policy (the
# runner boots GROUP with test=GROUP; these .prepare scripts change the
# command line to test=sched sched=NAME).
QEMU_TEST_GROUPS += sched-prio sched-mlfq sched-fair
