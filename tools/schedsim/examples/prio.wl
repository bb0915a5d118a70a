# Static priority with aging. N0 (nice 0, level 19) computes 300 ticks;
# N10 (nice 10, level 9) needs 5; RT arrives at 15 as SCHED_FIFO with
# priority 10 (level 49) and computes 20. Quantum 10 ticks; an aging
# step every 2 quanta (ticks 20, 40, ...) lifts the longest waiter of
# each normal level one level up.
#
#   schedsim --policy prio tools/schedsim/examples/prio.wl
#
# By hand:
#   0-15    N0, the highest level ready
#   15-35   RT arrives and preempts at once (real time beats normal)
#   20      aging: N10 9 -> 10, and N0 (waiting too) 19 -> 20
#   35      RT ends; N0 runs (back to its own level, 19)
#   40..200 an aging step every 20 ticks: N10 at 11, 12, ... 19 at 200
#   205     N0's quantum ends (it started at 195) behind N10 at level 19:
#   205-210 N10 runs, within the bound (19 - 9) * 20 + 10 = 210 ticks
#   210-325 N0 finishes its 300.
#   N0:  turnaround 325, waiting 25, response 0, preempted 2
#   N10: turnaround 210, waiting 205, response 205
#   RT:  turnaround 20, waiting 0, response 0
#   averages: turnaround 185.00, waiting 76.67, response 68.33
N0 arrival=0 nice=0 bursts=cpu:300
N10 arrival=0 nice=10 bursts=cpu:5
RT arrival=15 policy=fifo prio=10 bursts=cpu:20
