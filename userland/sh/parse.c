/*
 * parse.c — tokens to pipelines. The grammar, one rule per function:
 *
 *   line      := pipeline { (';' | '&') pipeline } [ ';' | '&' ]
 *   pipeline  := command { '|' command }
 *   command   := { WORD | '<' WORD | '>' WORD | '>>' WORD }
 *
 * The words stay owned by the tokens; commands only point at them.
 */
#include <stdio.h>

#include "sh.h"

struct parser {
	struct token *toks;
	int n, pos;
};

static const char *describe(struct parser *ps)
{
	static const char *names[] = { "word", "|", "<", ">", ">>", "&", ";" };
	return ps->pos < ps->n ? names[ps->toks[ps->pos].type] : "end of line";
}

static struct token *peek(struct parser *ps)
{
	return ps->pos < ps->n ? &ps->toks[ps->pos] : NULL;
}

static int command(struct parser *ps, struct command *c)
{
	struct token *t;
	c->argc = 0;
	c->in = c->out = NULL;
	c->append = false;
	while ((t = peek(ps)) && t->type != T_PIPE && t->type != T_AMP &&
	       t->type != T_SEMI) {
		ps->pos++;
		if (t->type == T_WORD) {
			if (c->argc == MAX_ARGS) {
				fprintf(stderr, "sh: too many arguments\n");
				return -1;
			}
			c->argv[c->argc++] = t->word;
			continue;
		}
		/* a redirection: the next token must be the file name */
		struct token *file = peek(ps);
		if (!file || file->type != T_WORD) {
			fprintf(stderr, "sh: syntax error: file name expected before %s\n",
				describe(ps));
			return -1;
		}
		ps->pos++;
		if (t->type == T_LESS) {
			c->in = file->word;
		} else {
			c->out = file->word;
			c->append = t->type == T_DGREAT;
		}
	}
	c->argv[c->argc] = NULL;
	if (c->argc == 0) {
		fprintf(stderr, "sh: syntax error near %s\n", describe(ps));
		return -1;
	}
	return 0;
}

static int pipeline(struct parser *ps, struct pipeline *pl)
{
	pl->ncmds = 0;
	pl->background = false;
	for (;;) {
		if (pl->ncmds == MAX_CMDS) {
			fprintf(stderr, "sh: pipeline too long\n");
			return -1;
		}
		if (command(ps, &pl->cmds[pl->ncmds++]) < 0)
			return -1;
		struct token *t = peek(ps);
		if (!t || t->type != T_PIPE)
			return 0;
		ps->pos++;
	}
}

/* Returns the number of pipelines, or -1 after printing a syntax error. */
int parse(struct token *toks, int n, struct pipeline *out, int max)
{
	struct parser ps = { toks, n, 0 };
	int count = 0;
	while (ps.pos < ps.n) {
		if (count == max) {
			fprintf(stderr, "sh: too many commands on one line\n");
			return -1;
		}
		struct pipeline *pl = &out[count++];
		if (pipeline(&ps, pl) < 0)
			return -1;
		struct token *t = peek(&ps);
		if (t) { /* only ; or & can follow a pipeline */
			pl->background = t->type == T_AMP;
			ps.pos++;
		}
	}
	return count;
}
