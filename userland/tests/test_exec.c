/*
 * test_exec — execve replaces the program but keeps the process: the new
 * program gets exactly the argv and envp it was given, the same pid and
 * parent, descriptors without close-on-exec, and its exit status reaches
 * the parent. A failed execve returns to the caller. posix_spawn (fork
 * and exec in one call, as musl does it with clone(CLONE_VM|CLONE_VFORK))
 * starts a program the same way.
 *
 * The program we execute is exec_helper, found next to this test.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static char helper[512];
static char output[65536];

/*
 * Run the helper with argv/envp, its stdout into a pipe; returns its wait
 * status, *pid its pid, and what it printed in output[].
 */
static int run_helper(char *const argv[], char *const envp[], pid_t *pidp)
{
	int out[2], status = -1;
	if (pipe(out) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execve(helper, argv, envp);
		_exit(127);
	}
	close(out[1]);
	size_t len = 0;
	ssize_t r;
	while ((r = read(out[0], output + len, sizeof output - 1 - len)) > 0)
		len += r;
	output[len] = '\0';
	close(out[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (pidp)
		*pidp = pid;
	return status;
}

static bool has_line(const char *line)
{
	size_t n = strlen(line);
	for (const char *p = output; (p = strstr(p, line)); p++)
		if ((p == output || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void argv_and_envp_arrive(void)
{
	char *argv[] = { "helper", "one", "two words", "", "--exit", "0", NULL };
	char *envp[] = { "FOO=bar", "EMPTY=", "WITH SPACE=a b", NULL };
	int st = run_helper(argv, envp, NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	const char *want =
		"argc 6\nargv helper\nargv one\nargv two words\nargv \n"
		"argv --exit\nargv 0\nenvp FOO=bar\nenvp EMPTY=\n"
		"envp WITH SPACE=a b\n";
	const char *got = strstr(output, "argc ");
	CHECK(got && strcmp(got, want) == 0);
	if (!got || strcmp(got, want) != 0)
		DIAG("helper printed:\n%s", output);
}

static void empty_environment(void)
{
	char *argv[] = { "helper", NULL }, *envp[] = { NULL };
	int st = run_helper(argv, envp, NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strstr(output, "envp ") == NULL);
	CHECK(has_line("argc 1"));
}

/* 200 arguments of 100 bytes: 20 KB of argv on the new stack. */
static void many_arguments(void)
{
	enum { N = 200 };
	static char args[N][101];
	static char *argv[N + 2];
	argv[0] = "helper";
	for (int i = 0; i < N; i++) {
		memset(args[i], 'a' + i % 26, 100);
		snprintf(args[i], 8, "%05d", i);
		args[i][5] = '-';
		argv[i + 1] = args[i];
	}
	argv[N + 1] = NULL;
	char *envp[] = { NULL };
	int st = run_helper(argv, envp, NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(has_line("argc 201"));
	char line[128];
	snprintf(line, sizeof line, "argv %s", args[N - 1]);
	CHECK(has_line(line));
	snprintf(line, sizeof line, "argv %s", args[0]);
	CHECK(has_line(line));
}

static void exit_status_reaches_parent(void)
{
	char *argv[] = { "helper", "--exit", "42", NULL }, *envp[] = { NULL };
	int st = run_helper(argv, envp, NULL);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}

/* Same process after exec: same pid, same parent. */
static void pid_and_parent_kept(void)
{
	char *argv[] = { "helper", NULL }, *envp[] = { NULL };
	pid_t pid = -1;
	run_helper(argv, envp, &pid);
	char line[64];
	snprintf(line, sizeof line, "pid %d", (int)pid);
	CHECK(has_line(line));
	snprintf(line, sizeof line, "ppid %d", (int)getpid());
	CHECK(has_line(line));
}

/* Descriptors survive exec unless marked close-on-exec. */
static void close_on_exec(void)
{
	int keep = open("/", O_RDONLY | O_DIRECTORY);
	int gone = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(keep >= 0 && gone >= 0);
	char k[16], g[16];
	snprintf(k, sizeof k, "%d", keep);
	snprintf(g, sizeof g, "%d", gone);
	char *argv[] = { "helper", "--fd", k, "--fd", g, NULL }, *envp[] = { NULL };
	run_helper(argv, envp, NULL);
	char line[64];
	snprintf(line, sizeof line, "fd %d open", keep);
	CHECK(has_line(line));
	snprintf(line, sizeof line, "fd %d closed", gone);
	CHECK(has_line(line));
	/* FD_CLOEXEC set later with fcntl works the same way. */
	CHECK_EQ(fcntl(keep, F_SETFD, FD_CLOEXEC), 0);
	run_helper(argv, envp, NULL);
	snprintf(line, sizeof line, "fd %d closed", keep);
	CHECK(has_line(line));
	close(keep);
	close(gone);
}

/* A failed execve returns -1 and leaves the caller as it was. */
static void failed_exec_returns(void)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	int canary = 1234;
	CHECK_ERR(execve("/no/such/program", argv, envp), ENOENT);
	CHECK_ERR(execve("/", argv, envp), EACCES); /* a directory */
	CHECK_EQ(canary, 1234);
}

static void posix_spawn_runs_helper(void)
{
	char *argv[] = { "helper", "--exit", "7", NULL }, *envp[] = { "SPAWNED=1", NULL };
	int out[2];
	REQUIRE(pipe(out) == 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	pid_t pid;
	int err = posix_spawn(&pid, helper, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	CHECK_EQ(err, 0);
	size_t len = 0;
	ssize_t r;
	while ((r = read(out[0], output + len, sizeof output - 1 - len)) > 0)
		len += r;
	output[len] = '\0';
	close(out[0]);
	if (err)
		return;
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	CHECK(has_line("envp SPAWNED=1"));
	char line[64];
	snprintf(line, sizeof line, "pid %d", (int)pid);
	CHECK(has_line(line));
	/* posix_spawn reports a missing program as an error number. */
	err = posix_spawn(&pid, "/no/such/program", NULL, NULL, argv, envp);
	CHECK_EQ(err, ENOENT);
	if (err == 0)
		waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	guest_begin();
	sibling_path(helper, sizeof helper, argv[0], "exec_helper");
	DIAG("helper: %s\n", helper);
	TAP(argv_and_envp_arrive);
	TAP(empty_environment);
	TAP(many_arguments);
	TAP(exit_status_reaches_parent);
	TAP(pid_and_parent_kept);
	TAP(close_on_exec);
	TAP(failed_exec_returns);
	TAP(posix_spawn_runs_helper);
	guest_end();
	return tap_done();
}
