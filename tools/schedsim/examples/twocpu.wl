# Two CPUs, no load balancing. Tasks are placed when they arrive on the
# CPU with the fewest unfinished tasks (A cpu0, B cpu1, C cpu0, D cpu1)
# and stay there.
#
#   schedsim --policy rr --cpus 2 tools/schedsim/examples/twocpu.wl
#
# By hand:
#   cpu0: A 0-10, C 10-20, then idle -- while
#   cpu1: B and D take turns 0-80 (B ends at 70, D at 80).
#   A: turnaround 10, waiting 0,  response 0
#   B: turnaround 70, waiting 30, response 0
#   C: turnaround 20, waiting 10, response 10
#   D: turnaround 80, waiting 40, response 10
#   averages: turnaround 45.00, waiting 20.00, response 5.00
# A balancer moving D to cpu0 at 20 would end everything by 50.
A arrival=0 bursts=cpu:10
B arrival=0 bursts=cpu:40
C arrival=0 bursts=cpu:10
D arrival=0 bursts=cpu:40
