# The fair policy: A at nice 0 (weight 1024) and B at nice 5 (weight
# 336) both compute 60 ticks. Turns are one quantum (10 ticks); the next
# turn goes to the smaller virtual runtime, which grows by 1 per tick for
# A and by 1024/336 = 3.05 per tick for B.
#
#   schedsim --policy fair tools/schedsim/examples/fair.wl
#
# By hand (virtual runtimes in ticks):
#   0-10   A  (A 10)           10-20  B  (B 30.5)
#   20-50  A three turns, as 20, 30 < 30.5 (A 40)
#   50-60  B  (B 61)           60-80  A two turns, and A is done (60)
#   80-120 B alone.
# While both ran, A got 3 ticks for each of B's: 1024/336.
#   A: turnaround 80, waiting 20, response 0, preempted 2
#   B: turnaround 120, waiting 60, response 10, preempted 2
#   averages: turnaround 100.00, waiting 40.00, response 5.00
A arrival=0 nice=0 bursts=cpu:60
B arrival=0 nice=5 bursts=cpu:60
