/*
 * Reading a workload file (workload.h). Every problem is reported with
 * the file and line, and the run does not start.
 */
#include "workload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/sched/policy.h>

static const char *file;
static unsigned line_no;

static bool problem(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%u: ", file, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static bool parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "cpu:30,io:10,cpu:20": consecutive bursts of one kind are merged, and
 * zero-length ones dropped. */
static bool parse_bursts(struct task *t, char *s)
{
	for (char *item = strtok(s, ","); item; item = strtok(NULL, ",")) {
		char *colon = strchr(item, ':');
		long long n;
		if (!colon)
			return problem("burst '%s': expected cpu:N or io:N", item);
		*colon = 0;
		bool io;
		if (strcmp(item, "cpu") == 0)
			io = false;
		else if (strcmp(item, "io") == 0)
			io = true;
		else
			return problem("burst kind '%s': expected cpu or io", item);
		if (!parse_num(colon + 1, 0, 1000000000, &n))
			return problem("burst length '%s': expected 0..1000000000 ticks", colon + 1);
		if (n == 0)
			continue;
		if (t->nbursts && t->bursts[t->nbursts - 1].io == io) {
			t->bursts[t->nbursts - 1].ticks += (uint64_t)n;
		} else {
			struct burst *b = realloc(t->bursts, (t->nbursts + 1) * sizeof *b);
			if (!b)
				return problem("out of memory");
			t->bursts = b;
			t->bursts[t->nbursts++] = (struct burst){ io, (uint64_t)n, 0 };
		}
		if (io)
			t->io_total += (uint64_t)n;
		else
			t->cpu_total += (uint64_t)n;
	}
	if (t->cpu_total == 0)
		return problem("task %s never uses the CPU (bursts= needs a cpu:N)", t->name);
	return true;
}

static bool parse_policy(const char *v, int *out)
{
	static const struct { const char *name; int policy; } names[] = {
		{ "other", SCHED_OTHER }, { "batch", SCHED_BATCH }, { "idle", SCHED_IDLE },
		{ "fifo", SCHED_FIFO }, { "rr", SCHED_RR },
	};
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(v, names[i].name) == 0) {
			*out = names[i].policy;
			return true;
		}
	return false;
}

static bool parse_line(struct task *t, char *s)
{
	char *word = strtok(s, " \t");
	bool have_bursts = false, have_prio = false;
	char *bursts = NULL;

	if (strlen(word) > TASK_NAME_MAX)
		return problem("task name '%s' is longer than %d characters", word, TASK_NAME_MAX);
	strcpy(t->name, word);
	t->linux_policy = SCHED_OTHER;
	while ((word = strtok(NULL, " \t")) != NULL) {
		char *eq = strchr(word, '=');
		long long n;
		if (!eq)
			return problem("'%s': expected key=value", word);
		*eq = 0;
		const char *v = eq + 1;
		if (strcmp(word, "arrival") == 0) {
			if (!parse_num(v, 0, 1000000000, &n))
				return problem("arrival '%s': expected 0..1000000000", v);
			t->arrival = (uint64_t)n;
		} else if (strcmp(word, "nice") == 0) {
			if (!parse_num(v, NICE_MIN, NICE_MAX, &n))
				return problem("nice '%s': expected -20..19", v);
			t->nice = (int)n;
		} else if (strcmp(word, "policy") == 0) {
			if (!parse_policy(v, &t->linux_policy))
				return problem("policy '%s': expected other, batch, idle, fifo or rr", v);
		} else if (strcmp(word, "prio") == 0) {
			if (!parse_num(v, RT_PRIO_MIN, RT_PRIO_MAX, &n))
				return problem("prio '%s': expected 1..99", v);
			t->rt_priority = (int)n;
			have_prio = true;
		} else if (strcmp(word, "bursts") == 0) {
			/* strtok is busy with the line: parsed below. */
			bursts = (char *)v;
			have_bursts = true;
		} else {
			return problem("unknown key '%s' (arrival, nice, policy, prio, bursts)", word);
		}
	}
	if (!have_bursts)
		return problem("task %s has no bursts=", t->name);
	bool rt = t->linux_policy == SCHED_FIFO || t->linux_policy == SCHED_RR;
	if (rt && !have_prio)
		return problem("policy fifo and rr need prio=1..99");
	if (!rt && have_prio)
		return problem("prio= is for policy=fifo or rr only (use nice=)");
	return parse_bursts(t, bursts);
}

bool workload_load(const char *path, struct task **tasks, unsigned *ntasks)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	struct task *list = NULL;
	unsigned n = 0;

	file = path;
	line_no = 0;
	if (!f) {
		fprintf(stderr, "schedsim: %s: %s\n", path, strerror(errno));
		return false;
	}
	while (fgets(buf, sizeof buf, f)) {
		line_no++;
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		buf[strcspn(buf, "\r\n")] = 0;
		if (buf[strspn(buf, " \t")] == 0)
			continue;
		struct task *l = realloc(list, (n + 1) * sizeof *l);
		if (!l) {
			fclose(f);
			return problem("out of memory");
		}
		list = l;
		memset(&list[n], 0, sizeof list[n]);
		if (!parse_line(&list[n], buf + strspn(buf, " \t"))) {
			fclose(f);
			return false;
		}
		for (unsigned i = 0; i < n; i++)
			if (strcmp(list[i].name, list[n].name) == 0) {
				fclose(f);
				return problem("task %s is defined twice", list[n].name);
			}
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "%s: no tasks\n", path);
		return false;
	}
	*tasks = list;
	*ntasks = n;
	return true;
}
