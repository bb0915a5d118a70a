# First come, first served: every burst is shorter than the quantum
# (10 ticks), so round-robin never preempts and runs the tasks to the end
# in the order they arrived.
#
#   schedsim --policy rr tools/schedsim/examples/fcfs.wl
#
# By hand: A runs 0-8, B 8-12, C 12-18.
#   turnaround (done - arrival):  A 8, B 12, C 18     average 38/3 = 12.67
#   waiting (turnaround - cpu):   A 0, B 8,  C 12     average 20/3 = 6.67
#   response (first run - arrival) is the waiting here: average 6.67
# Put the long task last (A cpu:8 after C) and the averages drop: that is
# why shortest-job-first wins on turnaround.
A arrival=0 bursts=cpu:8
B arrival=0 bursts=cpu:4
C arrival=0 bursts=cpu:6
