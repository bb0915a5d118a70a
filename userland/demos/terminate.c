/*
 * Lesson: terminate a child.
 *
 * The child loops forever, never calling the kernel; only the timer
 * interrupt gets the CPU back from it. The parent kills it with SIGTERM,
 * and waitpid shows it was ended by a signal, not by exiting.
 *
 * Expected output (pid varies):
 *   child 43 is running (is_alive: yes)
 *   sent SIGTERM
 *   child 43 was killed by signal 15 (Terminated)
 *   is_alive: no
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int ready[2];
	char c;
	pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		write(ready[1], "r", 1); /* tell the parent we are running */
		for (volatile unsigned long n = 0;; n++)
			;
	}
	read(ready[0], &c, 1);
	/* kill with signal 0 sends nothing: it only asks "does it exist?" */
	printf("child %d is running (is_alive: %s)\n", pid,
	       kill(pid, 0) == 0 ? "yes" : "no");
	kill(pid, SIGTERM);
	printf("sent SIGTERM\n");
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("child %d was killed by signal %d (%s)\n", pid,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
	/* after waitpid the pid is gone (until the kernel reuses it) */
	printf("is_alive: %s\n", kill(pid, 0) == 0 ? "yes" : "no");
	return 0;
}
