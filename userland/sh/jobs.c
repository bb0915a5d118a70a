/*
 * jobs.c — the job table. A job is one pipeline started by the shell.
 *
 * The shell reaps its children with waitpid(-1): whichever child has
 * ended, foreground or background. job_reaped() finds the job the pid
 * belongs to and counts it down; a job is done when no process is left.
 * Background jobs that finished are reported (and forgotten) before the
 * next prompt, as other shells do.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sh.h"

static struct job table[MAX_JOBS];

/* $? of a wait status: the exit code, or 128 + the signal that killed it. */
int status_to_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

struct job *job_new(bool background, const char *text)
{
	struct job *slot = NULL;
	int id = 1;
	/* the smallest job number not in use, as in other shells */
	for (bool taken = true; taken; ) {
		taken = false;
		for (int i = 0; i < MAX_JOBS; i++)
			if (table[i].id == id) {
				taken = true;
				id++;
			}
	}
	for (int i = 0; i < MAX_JOBS && !slot; i++)
		if (table[i].id == 0)
			slot = &table[i];
	if (!slot)
		return NULL;
	memset(slot, 0, sizeof *slot);
	slot->id = id;
	slot->background = background;
	snprintf(slot->text, sizeof slot->text, "%s", text);
	return slot;
}

void job_free(struct job *j) { j->id = 0; }

void job_reaped(pid_t pid, int status)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &table[i];
		for (int k = 0; j->id && k < j->npids; k++) {
			if (j->pids[k] != pid)
				continue;
			j->live--;
			/* a pipeline's status is its last command's */
			if (k == j->npids - 1)
				j->status = status;
			return;
		}
	}
	/* not ours (an orphan we adopted, say): nothing to record */
}

/* Wait until every process of j has ended. */
void job_wait(struct job *j)
{
	while (j->live > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == ECHILD)
				break; /* should not happen: stop waiting */
			continue;
		}
		job_reaped(pid, status);
	}
}

/* The `wait` builtin: every background job. */
void jobs_wait_all(void)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (table[i].id && table[i].background)
			job_wait(&table[i]);
}

static void report(struct job *j, const char *state)
{
	fprintf(stderr, "[%d] %s  %s\n", j->id, state, j->text);
}

/* Before each prompt: reap what has ended, report finished jobs. */
void jobs_poll(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		job_reaped(pid, status);
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &table[i];
		if (!j->id || !j->background || j->live > 0)
			continue;
		if (interactive) {
			char state[32];
			if (WIFSIGNALED(j->status))
				snprintf(state, sizeof state, "Killed (%s)",
					 strsignal(WTERMSIG(j->status)));
			else if (WEXITSTATUS(j->status))
				snprintf(state, sizeof state, "Exit %d",
					 WEXITSTATUS(j->status));
			else
				snprintf(state, sizeof state, "Done");
			report(j, state);
		}
		job_free(j);
	}
}

void jobs_list(void)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (table[i].id && table[i].background)
			printf("[%d] %s  %s\n", table[i].id,
			       table[i].live ? "Running" : "Done", table[i].text);
}
