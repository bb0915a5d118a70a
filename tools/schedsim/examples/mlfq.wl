# MLFQ: a CPU hog H and an interactive task I that computes 1 tick and
# then waits 20 for I/O, five times. Quantum 10 ticks: slices and
# allotments of 10, 20, 40, 80 ticks on levels 0-3.
#
#   schedsim --policy mlfq tools/schedsim/examples/mlfq.wl
#
# By hand (both start at the top, H first in the file):
#   0-10   H uses its top allotment: down to level 1
#   10-11  I (level 0), then I/O until 31
#   11-31  H at level 1 uses that allotment (20): down to level 2
#   31     I is back, at level 0, above H: it runs at once, 31-32
#   32-52  H (level 2); I back at 52 preempts it   52-53 I
#   53-73  H (its level-2 allotment of 40 ends at 73: level 3)  73-74 I
#   74-94  H; I back at 94: 94-95 I, its last tick: I ends at 95
#   95-205 H alone, the rest of its 200.
# I used 5 ticks, less than the top allotment, so it never moved down and
# never waited for the CPU after its first turn.
#   H: turnaround 205, waiting 5 (I's 5 ticks), response 0, preempted 5
#   I: turnaround 95 = 5 cpu + 80 io + 10 waiting, response 10
#   averages: turnaround 150.00, waiting 7.50, response 5.00
H arrival=0 bursts=cpu:200
I arrival=0 bursts=cpu:1,io:20,cpu:1,io:20,cpu:1,io:20,cpu:1,io:20,cpu:1
