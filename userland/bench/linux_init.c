/*
 * linux_init — the first process of the Linux side of `make bench`.
 *
 * tools/bench-linux boots Debian's Linux kernel under the same QEMU
 * machine as Weft, with an initramfs holding this program as /init and
 * the benchmark as /bench. We run /bench (passing on our own arguments,
 * which the kernel takes from after "--" on its command line), wait for
 * it, print its exit status, and power the machine off so that QEMU ends.
 *
 * Why a program of our own instead of a shell: it needs nothing else in
 * the initramfs, and it cannot let the kernel panic (which is what
 * happens when init exits) — every path ends in a power-off.
 *
 * The lines tools/bench-linux looks for, around what /bench prints:
 *   bench-linux: starting /bench
 *   bench-linux: bench exited with status N
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Only reached if reboot() failed: QEMU runs with -no-reboot and
	 * the kernel with panic=-1, so the panic that follows our exit
	 * still ends QEMU. */
	fprintf(stderr, "bench-linux: power off failed: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* /proc is not needed by the benchmark; mounted for the curious
	 * (and so that a failing run can be looked at with a changed init). */
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);

	/* Let the boot's deferred work settle first: about when init starts,
	 * Linux refines its TSC calibration and switches the clock source,
	 * which we do not want in the middle of a measurement. */
	sleep(1);

	argv[0] = "/bench";
	printf("bench-linux: starting /bench\n");
	pid_t pid = fork();
	if (pid < 0) {
		printf("bench-linux: fork: %s\n", strerror(errno));
		power_off();
		return 1;
	}
	if (pid == 0) {
		execv("/bench", argv);
		printf("bench-linux: exec /bench: %s\n", strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("bench-linux: bench exited with status %d\n", code);
	power_off();
	return code;
}
