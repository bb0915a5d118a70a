# I/O overlaps computation. A computes 10 ticks, waits 20 for I/O,
# computes 10 more; B computes 40. Round-robin, quantum 10 ticks.
#
#   schedsim --policy rr tools/schedsim/examples/io.wl
#
# By hand:
#   0-10   A runs; its burst ends with its quantum, so it starts its I/O
#          (a burst that ends on the quantum goes to I/O, not to the queue)
#   10-30  A in I/O; B runs two quanta (alone: nobody to give way to)
#   30     A's I/O is done and B's quantum ends: A queues first (I/O
#          completions come before the preempted task), so
#   30-40  A runs its last 10 and ends;  40-60 B runs its last 20.
#   A: turnaround 40 = 20 cpu + 20 io + 0 waiting, response 0
#   B: turnaround 60 = 40 cpu + 20 waiting (0-10 and 30-40), response 10
#   averages: turnaround 50.00, waiting 10.00, response 5.00
# Without the I/O overlap (run A's 20 ticks of CPU, then B's 40) the CPU
# would be busy the same 60 ticks -- the overlap is the 20 ticks A spent
# waiting for I/O while B used the CPU.
A arrival=0 bursts=cpu:10,io:20,cpu:10
B arrival=0 bursts=cpu:40
