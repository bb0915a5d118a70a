/*
 * The Gantt chart of a run (gantt.h): the record, and the SVG picture.
 */
#include "gantt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void timeline_set(struct timeline *t, uint64_t tick, int who)
{
	if (tick >= t->cap) {
		uint64_t cap = t->cap ? t->cap : 1024;
		while (cap <= tick)
			cap *= 2;
		int32_t *w = realloc(t->who, cap * sizeof *w);
		if (!w) {
			fprintf(stderr, "schedsim: out of memory\n");
			exit(1);
		}
		for (uint64_t i = t->cap; i < cap; i++)
			w[i] = -1;
		t->who = w;
		t->cap = cap;
	}
	t->who[tick] = who;
	if (tick >= t->len)
		t->len = tick + 1;
}

int timeline_get(const struct timeline *t, uint64_t tick)
{
	return tick < t->len ? t->who[tick] : -1;
}

/* ---- the picture ---- */

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
#define NCOLORS (sizeof palette / sizeof palette[0])

enum { LEFT = 110, RIGHT = 20, TOP = 44, ROW = 26, BAR = 16 };

enum state { IDLE, RUNNING, READY, IO, GONE };

static enum state task_state(const struct task *k, unsigned idx,
                             const struct timeline *cpus, uint64_t tick)
{
	if (tick < k->arrival || tick >= k->done)
		return GONE;
	if (timeline_get(&cpus[k->cpu], tick) == (int)idx)
		return RUNNING;
	for (unsigned b = 0; b < k->nbursts; b++) {
		const struct burst *x = &k->bursts[b];
		if (x->io && x->started <= tick && tick < x->started + x->ticks)
			return IO;
	}
	return READY;
}

/* XML-escape a name (task names are free text). */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A tick step of 1, 2 or 5 times a power of ten, for at most ~20 labels. */
static uint64_t axis_step(uint64_t end)
{
	uint64_t p = 1;
	for (;;) {
		if (end / p <= 20)
			return p;
		if (end / (2 * p) <= 20)
			return 2 * p;
		if (end / (5 * p) <= 20)
			return 5 * p;
		p *= 10;
	}
}

bool svg_write(const char *path, const char *title, const struct task *tasks,
               unsigned ntasks, const struct timeline *cpus, unsigned ncpus,
               uint64_t end)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "schedsim: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (end == 0)
		end = 1;
	double plot = end * 12.0;           /* 12 px a tick, within 600..1400 */
	if (plot > 1400)
		plot = 1400;
	if (plot < 600)
		plot = 600;
	double px = plot / (double)end;
	unsigned rows = ncpus + ntasks;
	double axis_y = TOP + rows * ROW + 14;
	double width = LEFT + plot + RIGHT, height = axis_y + 56;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	        "font-family=\"sans-serif\" font-size=\"12\">\n", width, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"10\" y=\"22\" font-size=\"14\">");
	put_text(f, title);
	fprintf(f, "</text>\n");

	/* The CPU rows: who runs. */
	for (unsigned c = 0; c < ncpus; c++) {
		double y = TOP + c * ROW;
		fprintf(f, "<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">cpu%u</text>\n",
		        y + BAR - 3, c);
		for (uint64_t i = 0; i < end;) {
			int who = timeline_get(&cpus[c], i);
			uint64_t j = i;
			while (j < end && timeline_get(&cpus[c], j) == who)
				j++;
			if (who >= 0) {
				double x = LEFT + i * px, w = (j - i) * px;
				fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				        "fill=\"%s\" stroke=\"white\" stroke-width=\"0.5\"/>\n",
				        x, y, w, BAR, palette[who % NCOLORS]);
				if (w >= 8.0 * strlen(tasks[who].name) + 4) {
					fprintf(f, "<text x=\"%.2f\" y=\"%.1f\" fill=\"white\" "
					        "text-anchor=\"middle\">", x + w / 2, y + BAR - 4);
					put_text(f, tasks[who].name);
					fprintf(f, "</text>\n");
				}
			}
			i = j;
		}
	}

	/* The task rows: running, ready (waiting), I/O. */
	for (unsigned t = 0; t < ntasks; t++) {
		const struct task *k = &tasks[t];
		double y = TOP + (ncpus + t) * ROW;
		const char *color = palette[t % NCOLORS];
		fprintf(f, "<text x=\"10\" y=\"%.1f\">", y + BAR - 3);
		put_text(f, k->name);
		fprintf(f, "</text>\n");
		for (uint64_t i = 0; i < end;) {
			enum state s = task_state(k, t, cpus, i);
			uint64_t j = i;
			while (j < end && task_state(k, t, cpus, j) == s)
				j++;
			double x = LEFT + i * px, w = (j - i) * px;
			if (s == RUNNING)
				fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				        "fill=\"%s\"/>\n", x, y, w, BAR, color);
			else if (s == READY)
				fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				        "fill=\"%s\" fill-opacity=\"0.25\"/>\n", x, y, w, BAR, color);
			else if (s == IO)
				fprintf(f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"4\" "
				        "fill=\"#888\"/>\n", x, y + BAR / 2 - 2, w);
			i = j;
		}
		/* The arrival, as a small tick mark. */
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"black\"/>\n",
		        LEFT + k->arrival * px, y - 2, LEFT + k->arrival * px, y + BAR + 2);
	}

	/* The time axis, in ticks. */
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"black\"/>\n",
	        LEFT, axis_y, LEFT + plot, axis_y);
	uint64_t step = axis_step(end);
	for (uint64_t v = 0; v <= end; v += step) {
		double x = LEFT + v * px;
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"black\"/>\n",
		        x, axis_y, x, axis_y + 5);
		fprintf(f, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%llu</text>\n",
		        x, axis_y + 18, (unsigned long long)v);
	}
	fprintf(f, "<text x=\"10\" y=\"%.1f\">ticks</text>\n", axis_y + 18);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" fill=\"#555\">rows per task: solid = running, "
	        "pale = ready (waiting), grey line = I/O, mark = arrival</text>\n", axis_y + 42);
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "schedsim: %s: write failed\n", path);
		return false;
	}
	return true;
}
