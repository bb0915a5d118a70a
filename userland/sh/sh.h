/*
 * sh.h — the Weft shell: what its parts share.
 *
 * A line goes through three stages, one file each:
 *   lex.c    characters -> tokens (words, | < > >> & ;), quotes and $ expanded
 *   parse.c  tokens -> pipelines of commands with their redirections
 *   exec.c   a pipeline -> processes: fork, pipes, redirections, exec
 * jobs.c keeps the table of running jobs and reaps them; builtin.c has the
 * commands that must run inside the shell itself (cd, exit, wait, ...).
 */
#ifndef WEFT_SH_H
#define WEFT_SH_H

#include <stdbool.h>
#include <sys/types.h>

#define MAX_TOKENS 256
#define MAX_ARGS 64
#define MAX_CMDS 16      /* commands in one pipeline */
#define MAX_PIPELINES 16 /* pipelines on one line */
#define MAX_JOBS 32

enum token_type { T_WORD, T_PIPE, T_LESS, T_GREAT, T_DGREAT, T_AMP, T_SEMI };

struct token {
	enum token_type type;
	char *word; /* T_WORD only; malloc'ed, already expanded */
};

struct command {
	char *argv[MAX_ARGS + 1];
	int argc;
	char *in, *out; /* < file, > file or >> file (append) */
	bool append;
};

struct pipeline {
	struct command cmds[MAX_CMDS];
	int ncmds;
	bool background; /* ended by & */
};

/* A job is one pipeline: one process group, one or more processes. */
struct job {
	int id; /* 0: slot free; shown as [id] */
	pid_t pgid;
	pid_t pids[MAX_CMDS];
	int npids, live;
	int status;      /* wait status of the last command of the pipeline */
	bool background;
	char text[80];   /* the command line, for messages */
};

/* State of the shell (main.c). */
extern int last_status; /* $? */
extern bool interactive;
extern pid_t shell_pgid;

int lex(const char *line, struct token *toks, int max);
void free_tokens(struct token *toks, int n);
int parse(struct token *toks, int n, struct pipeline *out, int max);

int run_pipeline(struct pipeline *pl, const char *text);

struct job *job_new(bool background, const char *text);
void job_reaped(pid_t pid, int status);
void job_wait(struct job *j);
void jobs_wait_all(void);
void jobs_poll(void);
void jobs_list(void);
void job_free(struct job *j);
int status_to_code(int status);

int builtin_lookup(const char *name);
int builtin_run(int which, int argc, char **argv);

#endif
