# Two CPUs with load balancing (the kernel's own, from kernel/sched/sched.c).
# Tasks are placed when they arrive on the CPU with the fewest unfinished
# tasks (A cpu0, B cpu1, C cpu0, D cpu1); a CPU that runs out of work
# takes the thread that has waited longest on the busiest other CPU.
#
#   schedsim --policy rr --cpus 2 tools/schedsim/examples/twocpu.wl
#
# By hand:
#   cpu0: A 0-10, C 10-20; then it is idle and takes B, which has waited
#         on cpu1 since 10: B 20-50 on cpu0 -- while
#   cpu1: B 0-10, D 10-50 (D's quantum ends at 20 and 30 and 40, but
#         nothing else is ready on cpu1 any more, so D goes on).
#   A: turnaround 10, waiting 0,  response 0
#   B: turnaround 50, waiting 10, response 0 (preempted once, at 10)
#   C: turnaround 20, waiting 10, response 10
#   D: turnaround 50, waiting 10, response 10
#   averages: turnaround 32.50, waiting 7.50, response 5.00
# Without the balancer cpu0 would idle from 20 and everything would end
# at 80 (B at 70): average turnaround 45.00, waiting 20.00.
A arrival=0 bursts=cpu:10
B arrival=0 bursts=cpu:40
C arrival=0 bursts=cpu:10
D arrival=0 bursts=cpu:40
