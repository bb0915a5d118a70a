/*
 * Lesson: log analysis in a process pool -- requests and distinct client
 * IPs per day, over several log files, one file per task.
 *
 * First we generate 4 web-server access logs (a fixed random seed, so
 * the data -- and the answer -- is the same every run), 2500 requests
 * each, spread over three days, in the common log format:
 *   10.0.0.17 - - [01/Mar/2024:00:01:43 +0000] "GET /index.html HTTP/1.1" 200 5120
 * Then a process pool (one worker per CPU) analyses them: each task gets
 * a file name, reads the file, and answers, for each day in it, the
 * number of requests and the list of distinct client IPs. The parent
 * merges the answers: requests add up, but distinct IPs do not (a client
 * seen in two files is still one client), so it takes the union of the
 * IP sets per day.
 *
 * Tasks and answers travel as bytes, which is what lets the same task
 * function run in a thread pool too: `log_analysis -t` uses threads, and
 * prints the same table.
 *
 * Expected output (the pool size, which worker took which file, and the
 * worker ids -- pids, or thread ids with -t -- vary; the table does not):
 *   generated 4 log files of 2500 requests
 *   a pool of 2 processes analyses them, one file per task:
 *     access-0.log: 2500 requests on 3 days (worker 1301)
 *     access-1.log: 2500 requests on 3 days (worker 1302)
 *     access-2.log: 2500 requests on 3 days (worker 1301)
 *     access-3.log: 2500 requests on 3 days (worker 1302)
 *   day         requests  distinct IPs
 *   2024-03-01      3335           648
 *   2024-03-02      3333           643
 *   2024-03-03      3332           675
 *   all days       10000
 *
 * Needs: fork, pipes, threads in the parent (clone, futex), files in
 * /tmp, wait4 (with -t: threads only). The pool is userland/lib/pool.
 */
#define _GNU_SOURCE /* gettid */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool.h"

#define FILES 4
#define LINES 2500
#define DAYS 3
#define MAX_DAYS 8
#define MAX_IPS 1024

/* ---- the data: a tiny generator with a fixed seed ---- */

static uint32_t seed = 20240301;

/* The classic C-library linear congruential generator: 15 bits a call. */
static uint32_t next_random(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) & 0x7fff;
}

static void generate(const char *dir)
{
	static const char *paths[] = { "/index.html", "/about.html", "/news.html",
				       "/img/logo.png", "/api/items", "/login" };
	for (int f = 0; f < FILES; f++) {
		char name[96];
		snprintf(name, sizeof name, "%s/access-%d.log", dir, f);
		FILE *out = fopen(name, "w");
		if (!out) {
			perror(name);
			exit(1);
		}
		for (int i = 0; i < LINES; i++) {
			/* 70% of requests come from 50 regulars, the rest from
			 * anywhere among 1000 addresses */
			uint32_t r = next_random();
			int k = r % 10 < 7 ? (int)(next_random() % 50)
					   : (int)(next_random() % 1000);
			long t = (long)i * (DAYS * 86400L) / LINES + f * 13;
			int day = (int)(t / 86400), s = (int)(t % 86400);
			/* one call per statement: the order of a function's
			 * arguments is up to the compiler */
			const char *path = paths[next_random() % 6];
			int status = next_random() % 20 ? 200 : 404;
			unsigned bytes = next_random() % 10000;
			fprintf(out,
				"10.0.%d.%d - - [%02d/Mar/2024:%02d:%02d:%02d +0000] "
				"\"GET %s HTTP/1.1\" %d %u\n",
				k / 250, k % 250 + 1, day + 1, s / 3600, s / 60 % 60,
				s % 60, path, status, bytes);
		}
		fclose(out);
	}
}

/* ---- the task: one file in, per-day counts and IP sets out ---- */

struct day {
	char date[11]; /* YYYY-MM-DD */
	uint32_t requests, nips;
	uint32_t ips[MAX_IPS];
};

/* Add ip to the set unless it is there (a plain scan: small sets). */
static void add_ip(struct day *d, uint32_t ip)
{
	for (uint32_t i = 0; i < d->nips; i++)
		if (d->ips[i] == ip)
			return;
	if (d->nips < MAX_IPS)
		d->ips[d->nips++] = ip;
}

static struct day *find_day(struct day *days, int *ndays, const char *date)
{
	for (int i = 0; i < *ndays; i++)
		if (strcmp(days[i].date, date) == 0)
			return &days[i];
	if (*ndays == MAX_DAYS)
		return NULL;
	struct day *d = &days[(*ndays)++];
	memset(d, 0, sizeof *d);
	snprintf(d->date, sizeof d->date, "%s", date);
	return d;
}

/* "01/Mar/2024" -> "2024-03-01"; 0 if it does not parse. */
static int parse_date(const char *s, char out[11])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned dd, yyyy;
	char mon[4];
	if (sscanf(s, "%2u/%3s/%4u", &dd, mon, &yyyy) != 3)
		return 0;
	const char *m = strstr(months, mon);
	if (!m || (m - months) % 3 || dd < 1 || dd > 31 || yyyy > 9999)
		return 0;
	unsigned mm = (unsigned)(m - months) / 3 % 12 + 1;
	snprintf(out, 11, "%04u-%02u-%02u", yyyy, mm, dd);
	return 1;
}

/*
 * The answer, as bytes: the number of days, then per day its date, its
 * request count, its number of IPs and the IPs.
 */
static ssize_t analyse(const void *arg, size_t size, void *out, size_t cap)
{
	char path[256], line[512];
	int ndays = 0;
	if (size == 0 || size >= sizeof path)
		return -EINVAL;
	memcpy(path, arg, size);
	path[size] = 0;
	FILE *in = fopen(path, "r");
	if (!in)
		return -errno;
	/* 32 KiB: too big for a thread's stack, and not static, since in a
	 * thread pool several tasks run at once */
	struct day *days = calloc(MAX_DAYS, sizeof *days);
	if (!days) {
		fclose(in);
		return -ENOMEM;
	}
	while (fgets(line, sizeof line, in)) {
		unsigned a, b, c, d;
		char date[11];
		const char *bracket = strchr(line, '[');
		struct day *day;
		if (sscanf(line, "%u.%u.%u.%u ", &a, &b, &c, &d) != 4 || !bracket ||
		    !parse_date(bracket + 1, date) ||
		    !(day = find_day(days, &ndays, date)))
			continue; /* not a line we understand: skip it */
		day->requests++;
		add_ip(day, a << 24 | b << 16 | c << 8 | d);
	}
	fclose(in);

	size_t at = 0;
#define PUT(p, n)                                                              \
	do {                                                                   \
		if (at + (n) > cap) {                                          \
			free(days);                                            \
			return -EMSGSIZE;                                      \
		}                                                              \
		memcpy((char *)out + at, (p), (n));                            \
		at += (n);                                                     \
	} while (0)
	uint32_t n = ndays;
	PUT(&n, sizeof n);
	for (int i = 0; i < ndays; i++) {
		PUT(days[i].date, sizeof days[i].date);
		PUT(&days[i].requests, sizeof days[i].requests);
		PUT(&days[i].nips, sizeof days[i].nips);
		PUT(days[i].ips, days[i].nips * sizeof days[i].ips[0]);
	}
	pid_t me = gettid();
	PUT(&me, sizeof me); /* who did it, for the report */
#undef PUT
	free(days);
	return at;
}

/* ---- the parent: merge the answers ---- */

static struct day total[MAX_DAYS];
static int total_days;

/* Merge one answer; returns its request count. */
static uint32_t merge(const char *p, const char *name)
{
	uint32_t ndays, sum = 0;
	memcpy(&ndays, p, sizeof ndays);
	p += sizeof ndays;
	for (uint32_t i = 0; i < ndays; i++) {
		char date[11];
		uint32_t requests, nips, ip;
		memcpy(date, p, sizeof date), p += sizeof date;
		memcpy(&requests, p, sizeof requests), p += sizeof requests;
		memcpy(&nips, p, sizeof nips), p += sizeof nips;
		struct day *d = find_day(total, &total_days, date);
		for (uint32_t k = 0; k < nips; k++, p += sizeof ip) {
			memcpy(&ip, p, sizeof ip);
			if (d)
				add_ip(d, ip); /* the union of the IP sets */
		}
		if (d)
			d->requests += requests; /* the sum of the counts */
		sum += requests;
	}
	pid_t worker;
	memcpy(&worker, p, sizeof worker);
	printf("  %s: %u requests on %u days (worker %d)\n", name, sum, ndays,
	       (int)worker);
	return sum;
}

static int by_date(const void *a, const void *b)
{
	return strcmp(((const struct day *)a)->date, ((const struct day *)b)->date);
}

int main(int argc, char **argv)
{
	int threads = argc > 1 && strcmp(argv[1], "-t") == 0;
	char dir[64], path[FILES][96];
	struct pool_future *f[FILES];
	setvbuf(stdout, NULL, _IOLBF, 0);

	snprintf(dir, sizeof dir, "/tmp/weft-logs-%d", (int)getpid());
	mkdir(dir, 0755);
	generate(dir);
	printf("generated %d log files of %d requests\n", FILES, LINES);

	/* one worker per CPU; the only line that differs for threads */
	struct pool *pool = threads ? pool_threads(0) : pool_processes(0);
	if (!pool) {
		perror("pool");
		return 1;
	}
	printf("a pool of %d %s analyses them, one file per task:\n",
	       pool_size(pool), threads ? "threads" : "processes");
	for (int i = 0; i < FILES; i++) {
		snprintf(path[i], sizeof path[i], "%s/access-%d.log", dir, i);
		f[i] = pool_submit_bytes(pool, analyse, path[i], strlen(path[i]));
	}
	uint32_t all = 0;
	for (int i = 0; i < FILES; i++) {
		void *answer;
		int err = pool_future_result(f[i], -1, &answer);
		if (err)
			printf("  %s: failed: %s\n", path[i], strerror(err));
		else
			all += merge(answer, strrchr(path[i], '/') + 1);
		pool_future_release(f[i]);
	}
	pool_shutdown(pool, POOL_WAIT);

	qsort(total, total_days, sizeof total[0], by_date);
	printf("day         requests  distinct IPs\n");
	for (int i = 0; i < total_days; i++)
		printf("%s  %8u  %12u\n", total[i].date, total[i].requests,
		       total[i].nips);
	printf("all days    %8u\n", all);

	for (int i = 0; i < FILES; i++)
		unlink(path[i]);
	rmdir(dir);
	return 0;
}
