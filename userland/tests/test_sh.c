/*
 * test_sh — the shell, driven like a user would, but from a pipe: each
 * case feeds sh a script on stdin and compares what it prints and its
 * exit status. The scripts use the commands from /bin (natively: the
 * build's bin directory, next to this test's), so they are tested too:
 * echo, cat, ls, mkdir, rm, ps, kill, true, false, sleep.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static char bindir[PATH_MAX], shell[PATH_MAX + 8];
static char top[64];              /* temp dir of this run */
static char errfile[128];         /* the shell's stderr goes here */
static char out[65536], err[8192]; /* what the last run printed */

static void slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Start sh with stdin and stdout on pipes; *in and *outfd are our ends. */
static pid_t start_sh(char *const argv[], int *in, int *outfd)
{
	int i[2], o[2];
	if (pipe(i) || pipe(o))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int e = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(i[0], 0);
		dup2(o[1], 1);
		dup2(e, 2);
		close(i[0]), close(i[1]), close(o[0]), close(o[1]), close(e);
		setenv("PATH", bindir, 1);
		execv(shell, argv);
		_exit(127);
	}
	close(i[0]);
	close(o[1]);
	*in = i[1];
	*outfd = o[0];
	return pid;
}

/* Run the script; returns the shell's exit code (-1 if it did not exit). */
static int run(const char *script)
{
	char *argv[] = { "sh", NULL };
	int in, o;
	pid_t pid = start_sh(argv, &in, &o);
	if (pid < 0)
		return -1;
	/* The whole script fits in the pipe: write it, then EOF. */
	ssize_t w = write(in, script, strlen(script));
	close(in);
	size_t len = 0;
	ssize_t r;
	while ((r = read(o, out + len, sizeof out - 1 - len)) > 0)
		len += r;
	out[len] = '\0';
	close(o);
	int status;
	waitpid(pid, &status, 0);
	slurp(errfile, err, sizeof err);
	if (w != (ssize_t)strlen(script) || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define EXPECT(script, want_out, want_status)                                \
	do {                                                                 \
		int st_ = run(script);                                       \
		CHECK_EQ(st_, want_status);                                  \
		CHECK(strcmp(out, want_out) == 0);                           \
		if (st_ != (want_status) || strcmp(out, want_out) != 0)      \
			DIAG("script:\n%s# stdout:\n%s# stderr:\n%s", script, \
			     out, err);                                      \
	} while (0)

/* A fresh, empty working directory for a case. */
static const char *workdir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", top, name);
	mkdir(path, 0755);
	return path;
}

static void echo_and_exit_status(void)
{
	EXPECT("echo hello world\n", "hello world\n", 0);
	EXPECT("exit 3\n", "", 3);
	EXPECT("echo unreached; exit 4; echo no\n", "unreached\n", 4);
	EXPECT("false\n", "", 1); /* at EOF: the last command's status */
	EXPECT("", "", 0);
}

static void pipelines(void)
{
	EXPECT("echo a b c | cat\n", "a b c\n", 0);
	EXPECT("echo deep | cat | cat | cat | cat\n", "deep\n", 0);
	EXPECT("true | false\necho $?\nfalse | true\necho $?\n", "1\n0\n", 0);
	/* a builtin in a pipeline runs in a child: exit does not end sh */
	EXPECT("exit 5 | cat\necho still here\n", "still here\n", 0);
}

static void redirections(void)
{
	char script[1024];
	snprintf(script, sizeof script,
		 "cd %s\necho one > f\necho two >> f\ncat < f\ncat f f\n"
		 "echo over > f\ncat f\ncat < f | cat > g\ncat g\n"
		 "cat < missing\necho $?\n",
		 workdir("redir"));
	EXPECT(script, "one\ntwo\none\ntwo\none\ntwo\nover\nover\n1\n", 0);
}

static void status_variable(void)
{
	EXPECT("false\necho $?\ntrue\necho $?\necho $?\n", "1\n0\n0\n", 0);
	EXPECT("no-such-command\necho $?\n", "127\n", 0);
	CHECK(strstr(err, "not found") != NULL);
	/* a syntax error is status 2 and runs nothing of that line */
	EXPECT("echo a | | cat\necho $?\n", "2\n", 0);
	EXPECT("echo > \necho $?\n", "2\n", 0);
}

static void quoting(void)
{
	EXPECT("echo 'a  b' \"c  $?\" d\\ e '$?' \"\" x\n", "a  b c  0 d e $?  x\n", 0);
	EXPECT("echo a;echo b ; echo c # not this\n", "a\nb\nc\n", 0);
}

/* Every "[N] pid" line in stderr: how many, all well formed. */
static int job_lines(void)
{
	int n = 0, job, pid, used;
	for (const char *p = err; *p; ) {
		if (sscanf(p, "[%d] %d\n%n", &job, &pid, &used) != 2 || job < 1 || pid < 1)
			return -1;
		n++;
		p += used;
	}
	return n;
}

static void background_and_wait(void)
{
	char script[1024];
	snprintf(script, sizeof script,
		 "cd %s\necho a > f1 &\necho b > f2 &\nwait\ncat f1 f2\n"
		 "sleep 0 &\necho $?\nwait\n",
		 workdir("bg"));
	EXPECT(script, "a\nb\n0\n", 0);
	CHECK_EQ(job_lines(), 3);
	EXPECT("echo x &\n", "x\n", 0);
	CHECK(strncmp(err, "[1] ", 4) == 0);
}

static void cd_and_pwd(void)
{
	char script[1024];
	const char *w = workdir("cd");
	snprintf(script, sizeof script,
		 "cd %s\nmkdir sub\ncd sub\necho x > here\ncd ..\nls\ncat sub/here\n"
		 "cd /no/such/dir\necho $?\ncd sub\npwd\n",
		 w);
	int st = run(script);
	CHECK_EQ(st, 0);
	const char *tail = "/cd/sub\n";
	size_t n = strlen(out), t = strlen(tail);
	CHECK(strncmp(out, "sub\nx\n1\n", 8) == 0);
	CHECK(n >= t && strcmp(out + n - t, tail) == 0);
	if (st != 0 || n < t || strcmp(out + n - t, tail) != 0)
		DIAG("stdout:\n%s", out);
}

static void file_commands(void)
{
	char script[1024];
	snprintf(script, sizeof script,
		 "cd %s\nmkdir a b\nmkdir -p c/d/e\nls\necho hi > a/f\nls a\n"
		 "rm a\necho $?\nrm -r a c\nls\nrm nothing\necho $?\n"
		 "rm -f nothing\necho $?\necho -n x\necho y\n",
		 workdir("files"));
	EXPECT(script, "a\nb\nc\nf\n1\nb\n1\n0\nxy\n", 0);
}

/* (Not "cat": it may not have exec'd yet when ps reads /proc.) */
static void ps_lists_processes(void)
{
	int st = run("ps | cat\n");
	CHECK_EQ(st, 0);
	CHECK(strncmp(out, "  PID  PPID S PSR     TIME COMMAND\n", 35) == 0);
	CHECK(strstr(out, " sh\n") != NULL);
	CHECK(strstr(out, " ps\n") != NULL);
	if (st != 0 || !strstr(out, " ps\n"))
		DIAG("stdout:\n%s", out);
}

/*
 * Each job is its own process group: "kill -INT 0" signals the group of
 * the kill process, which is that job alone. The job dies of SIGINT
 * ($? = 128 + 2) and the shell, in another group, carries on.
 */
static void job_has_own_process_group(void)
{
	EXPECT("kill -INT 0\necho $?\necho alive\n", "130\nalive\n", 0);
	EXPECT("kill\necho $?\nkill -NOPE 1\necho $?\n", "1\n1\n", 0);
}

/* ^C must not kill the shell: it ignores SIGINT. */
static void shell_survives_sigint(void)
{
	char *argv[] = { "sh", NULL };
	int in, o;
	pid_t pid = start_sh(argv, &in, &o);
	REQUIRE(pid > 0);
	char buf[64] = "";
	size_t len = 0;
	ssize_t r;
	CHECK(write(in, "echo ready\n", 11) == 11);
	while (len < 6 && (r = read(o, buf + len, sizeof buf - 1 - len)) > 0)
		len += r;
	CHECK(strncmp(buf, "ready\n", 6) == 0);
	CHECK_EQ(kill(pid, SIGINT), 0);
	CHECK(write(in, "echo alive\nexit 4\n", 18) == 18);
	close(in);
	len = 0;
	while ((r = read(o, buf + len, sizeof buf - 1 - len)) > 0)
		len += r;
	buf[len] = '\0';
	close(o);
	CHECK(strcmp(buf, "alive\n") == 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
}

static void dash_c(void)
{
	char *argv[] = { "sh", "-c", "echo via -c | cat; exit 6", NULL };
	int in, o;
	pid_t pid = start_sh(argv, &in, &o);
	REQUIRE(pid > 0);
	close(in);
	size_t len = 0;
	ssize_t r;
	while ((r = read(o, out + len, sizeof out - 1 - len)) > 0)
		len += r;
	out[len] = '\0';
	close(o);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 6);
	CHECK(strcmp(out, "via -c\n") == 0);
}

static void cleanup(void)
{
	char *argv[] = { "rm", "-rf", top, NULL };
	char rm[PATH_MAX + 8];
	snprintf(rm, sizeof rm, "%s/rm", bindir);
	pid_t pid = fork();
	if (pid == 0) {
		execv(rm, argv);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_ERR(access(top, F_OK), ENOENT);
}

int main(int argc, char **argv)
{
	(void)argc;
	guest_begin();
	if (on_weft())
		strcpy(bindir, "/bin");
	else {
		/* absolute, so that it still works after the script's cd */
		char rel[PATH_MAX];
		sibling_path(rel, sizeof rel, argv[0], "../bin");
		if (!realpath(rel, bindir)) {
			printf("Bail out! %s: %s\n", rel, strerror(errno));
			return 1;
		}
	}
	snprintf(shell, sizeof shell, "%s/sh", bindir);
	mkdir("/tmp", 01777);
	strcpy(top, "/tmp/weft-sh-XXXXXX");
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(errfile, sizeof errfile, "%s/stderr", top);
	DIAG("shell: %s\n", shell);
	TAP(echo_and_exit_status);
	TAP(pipelines);
	TAP(redirections);
	TAP(status_variable);
	TAP(quoting);
	TAP(background_and_wait);
	TAP(cd_and_pwd);
	TAP(file_commands);
	TAP(ps_lists_processes);
	TAP(job_has_own_process_group);
	TAP(shell_survives_sigint);
	TAP(dash_c);
	TAP(cleanup);
	guest_end();
	return tap_done();
}
