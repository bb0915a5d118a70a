# Round-robin: three equal CPU-bound tasks, quantum 10 ticks. They take
# turns of one quantum in arrival order, so they all finish late but all
# start early: good response, poor turnaround.
#
#   schedsim --policy rr tools/schedsim/examples/rr.wl
#
# By hand: 0 A 10 B 20 C 30 A 40 B 50 C 60 A 70 B 80 C 90.
#   turnaround: A 70, B 80, C 90                 average 80.00
#   waiting (turnaround - 30 of cpu): 40, 50, 60 average 50.00
#   response: A 0, B 10, C 20                    average 10.00
# Each task but the last is preempted twice (the last turn ends with the
# task); C's first turn ends when it runs out of quantum too: 2 each.
A arrival=0 bursts=cpu:30
B arrival=0 bursts=cpu:30
C arrival=0 bursts=cpu:30
