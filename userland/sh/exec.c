/*
 * exec.c — turn a pipeline into processes.
 *
 * For "a | b | c" the shell makes two pipes and forks three children;
 * child i reads from pipe i-1 and writes to pipe i. The shell closes its
 * copies of every pipe end, or the readers would never see EOF.
 *
 * Every job gets its own process group (setpgid), led by its first
 * process. The terminal sends ^C (SIGINT) to its *foreground* process
 * group only, so when the shell hands the terminal to the job
 * (tcsetpgrp), ^C reaches the job's processes and not the shell. Both
 * parent and child call setpgid and tcsetpgrp: whichever runs first does
 * it, so neither has to wait for the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

/* Open the < and > files of a command onto fds 0 and 1. */
static int redirect(struct command *c)
{
	if (c->in) {
		int fd = open(c->in, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", c->in, strerror(errno));
			return -1;
		}
		dup2(fd, 0);
		close(fd);
	}
	if (c->out) {
		int flags = O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC);
		int fd = open(c->out, flags, 0666);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", c->out, strerror(errno));
			return -1;
		}
		dup2(fd, 1);
		close(fd);
	}
	return 0;
}

/* In the child: join the job, take the terminal, set up fds, exec. */
static void child(struct command *c, int in_fd, int out_fd, pid_t pgid, bool fg)
{
	setpgid(0, pgid); /* pgid 0: a new group named after us */
	if (fg && interactive)
		tcsetpgrp(0, getpgrp());
	/* The shell ignores these; an ignored signal stays ignored across
	 * exec, so put them back for the program. */
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	if (in_fd != 0) {
		dup2(in_fd, 0);
		close(in_fd);
	}
	if (out_fd != 1) {
		dup2(out_fd, 1);
		close(out_fd);
	}
	if (redirect(c) < 0)
		_exit(1);
	int b = builtin_lookup(c->argv[0]);
	if (b >= 0)
		_exit(builtin_run(b, c->argc, c->argv));
	execvp(c->argv[0], c->argv);
	int err = errno;
	fprintf(stderr, "sh: %s: %s\n", c->argv[0],
		err == ENOENT ? "not found" : strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* A builtin alone in the foreground runs in the shell: cd must change the
 * shell's own directory. Its redirections are undone afterwards. */
static int builtin_here(struct command *c, int b)
{
	int saved_in = dup(0), saved_out = dup(1), status = 1;
	if (redirect(c) == 0)
		status = builtin_run(b, c->argc, c->argv);
	fflush(stdout);
	dup2(saved_in, 0);
	dup2(saved_out, 1);
	close(saved_in);
	close(saved_out);
	return status;
}

/* Run one pipeline; returns its exit code for $? (0 if in background). */
int run_pipeline(struct pipeline *pl, const char *text)
{
	int b = builtin_lookup(pl->cmds[0].argv[0]);
	if (pl->ncmds == 1 && !pl->background && b >= 0)
		return builtin_here(&pl->cmds[0], b);

	struct job *j = job_new(pl->background, text);
	if (!j) {
		fprintf(stderr, "sh: too many jobs\n");
		return 1;
	}
	fflush(stdout); /* or children would print our buffer again */
	pid_t pgid = 0;
	int in_fd = 0;
	for (int i = 0; i < pl->ncmds; i++) {
		int p[2] = { -1, 1 };
		bool last = i == pl->ncmds - 1;
		if (!last && pipe(p) < 0) {
			fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
			break;
		}
		pid_t pid = fork();
		if (pid == 0) {
			if (!last)
				close(p[0]);
			child(&pl->cmds[i], in_fd, p[1], pgid, !pl->background);
		}
		if (pid < 0) {
			fprintf(stderr, "sh: fork: %s\n", strerror(errno));
			if (!last)
				close(p[0]), close(p[1]);
			break;
		}
		if (pgid == 0)
			pgid = pid;
		setpgid(pid, pgid);
		j->pids[j->npids++] = pid;
		j->live++;
		if (in_fd != 0)
			close(in_fd);
		if (!last)
			close(p[1]);
		in_fd = last ? 0 : p[0];
	}
	if (in_fd != 0)
		close(in_fd);
	j->pgid = pgid;
	if (j->npids == 0) {
		job_free(j);
		return 1;
	}
	if (pl->background) {
		fprintf(stderr, "[%d] %d\n", j->id, (int)j->pids[j->npids - 1]);
		return 0;
	}
	if (interactive)
		tcsetpgrp(0, pgid);
	job_wait(j);
	if (interactive) {
		tcsetpgrp(0, shell_pgid); /* take the terminal back */
		if (WIFSIGNALED(j->status) && WTERMSIG(j->status) == SIGINT)
			fputc('\n', stderr); /* the ^C left the cursor mid-line */
	}
	int code = status_to_code(j->status);
	job_free(j);
	return code;
}
