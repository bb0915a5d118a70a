/*
 * lex.c — split a line into tokens.
 *
 * Words end at blanks and at the operators | < > >> & ;. Inside a word:
 *   'single quotes'  keep everything literally
 *   "double quotes"  keep blanks and operators, but expand $
 *   \c               keeps the next character literally
 *   $?  the last exit status   $$  the shell's pid   $NAME  the environment
 * A # at the start of a word starts a comment. Expansion happens here, as
 * the word is built, so a value with blanks in it stays one word (this is
 * simpler than a real shell, which splits unquoted $VAR values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Expand the $ at *p; returns the first character after the name. */
static const char *dollar(const char *p, struct buf *b)
{
	char num[16];
	p++; /* the $ */
	if (*p == '?' || *p == '$') {
		snprintf(num, sizeof num, "%d", *p == '?' ? last_status : (int)getpid());
		put(b, num, strlen(num));
		return p + 1;
	}
	const char *start = p;
	while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (p > start && *p >= '0' && *p <= '9'))
		p++;
	if (p == start) { /* a lone $ is just a dollar sign */
		put(b, "$", 1);
		return p;
	}
	char name[128];
	snprintf(name, sizeof name, "%.*s", (int)(p - start), start);
	const char *value = getenv(name);
	if (value)
		put(b, value, strlen(value));
	return p;
}

static bool is_operator(char c) { return c == '|' || c == '<' || c == '>' || c == '&' || c == ';'; }
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Returns the number of tokens, or -1 (with a message) on an error. */
int lex(const char *p, struct token *toks, int max)
{
	int n = 0;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == max) {
			fprintf(stderr, "sh: line too long\n");
			free_tokens(toks, n);
			return -1;
		}
		struct token *t = &toks[n++];
		t->word = NULL;
		if (is_operator(*p)) {
			switch (*p++) {
			case '|': t->type = T_PIPE; break;
			case '<': t->type = T_LESS; break;
			case '&': t->type = T_AMP; break;
			case ';': t->type = T_SEMI; break;
			default:
				t->type = T_GREAT;
				if (*p == '>') {
					t->type = T_DGREAT;
					p++;
				}
			}
			continue;
		}
		struct buf b = { NULL, 0, 0 };
		put(&b, "", 0); /* "" is a word too: an empty one */
		while (*p && !is_blank(*p) && !is_operator(*p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '$')
						p = dollar(p, &b);
					else
						put(&b, p++, 1);
				}
				if (*p != q) {
					fprintf(stderr, "sh: missing closing %c\n", q);
					free(b.s);
					free_tokens(toks, n - 1);
					return -1;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				put(&b, p + 1, 1);
				p += 2;
			} else if (*p == '$') {
				p = dollar(p, &b);
			} else {
				put(&b, p++, 1);
			}
		}
		t->type = T_WORD;
		t->word = b.s;
	}
}

void free_tokens(struct token *toks, int n)
{
	for (int i = 0; i < n; i++)
		free(toks[i].word);
}
