// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_report: turn the guest output of `make bench` into the results table.
 *
 * usage: bench_report DIR
 *
 * Reads DIR/raw/ABI.COND.iab (written by scripts/bench.sh: "ABI IAB ..." lines from
 * bench/ia_bench.c, see there) and DIR/extra-*.tsv (rows other benchmarks
 * add), prints the table on stdout and writes DIR/results.md,
 * DIR/results.tsv and DIR/results.json.
 *
 * Row format, shared with the extra-*.tsv files: six tab-separated columns
 *   figure  kernel  value  unit  target  verdict
 * e.g. "daemon instr per JSON record\t-\t1234\tinstr\t<= 1500\tPASS".  Lines
 * starting with '#' and a header line starting with "figure" are ignored;
 * kernel is "-" (or e.g. "host") for a figure that does not depend on the
 * kernel; target and verdict may be "-"; the summary counts PASS/met and
 * MISS/missed/not met verdicts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ABIS	4
#define MAX_ROWS	512
#define NKINDS		3

static const char *const kinds[NKINDS] = { "key", "mouse", "touch" };
static const char *const conds[] = {
	"base", "base-noevdev", "e-fifo", "e-other", "f", "b-activity",
	"b-events", "c-activity", "c-events", "floor", "b-off",
};
#define NCONDS (sizeof(conds) / sizeof(conds[0]))

struct frame_res {
	bool have;
	double ns, sub, rd;
	unsigned long long events, dropped, records;
};
struct flood_res {
	bool have;
	unsigned long long frames, ns, cons_window, cons_after, harness,
		wakeups, records, drops;
};
struct lat_res {
	bool have;
	unsigned long long frames, interval, p50, p99, max, got, wakeups;
};
struct abi_res {
	char name[96];
	struct frame_res fr[NCONDS][NKINDS];
	struct flood_res fl[NCONDS];
	struct lat_res lat[NCONDS];
	int repeat;		/* 0 unknown, 1 identical, -1 differs */
	char repeat_cond[32];
	double repeat_ppm;	/* largest difference of one run, ppm */
	int errors;
};

static struct abi_res abis[MAX_ABIS];
static int nabis;

struct row { char f[128], k[96], v[48], u[32], t[64], verdict[16]; };
static struct row rows[MAX_ROWS];
static int nrows;

static int cond_idx(const char *c)
{
	for (size_t i = 0; i < NCONDS; i++)
		if (!strcmp(conds[i], c))
			return i;
	return -1;
}

static int kind_idx(const char *k)
{
	for (int i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i], k))
			return i;
	return -1;
}

static struct abi_res *abi_get(const char *name)
{
	for (int i = 0; i < nabis; i++)
		if (!strcmp(abis[i].name, name))
			return &abis[i];
	if (nabis == MAX_ABIS)
		return NULL;
	snprintf(abis[nabis].name, sizeof(abis[nabis].name), "%s", name);
	return &abis[nabis++];
}

static void parse_line(char *line)
{
	char abi[96], what[16], cond[32], kind[16], rest[64];
	struct abi_res *a;
	int c, k;

	if (sscanf(line, "%95s IAB %15s %31s", abi, what, cond) != 3)
		return;
	a = abi_get(abi);
	if (!a)
		return;
	if (!strcmp(what, "ERROR")) {
		a->errors++;
		return;
	}
	if (!strcmp(what, "REPEAT")) {
		if (sscanf(line, "%*s IAB REPEAT %31s %63s %lf", a->repeat_cond, rest,
			   &a->repeat_ppm) >= 2)
			a->repeat = !strcmp(rest, "identical") ? 1 : -1;
		return;
	}
	c = cond_idx(cond);
	if (c < 0)
		return;
	if (!strcmp(what, "FRAME")) {
		struct frame_res r = { .have = true };

		if (sscanf(line, "%*s IAB FRAME %*s %15s %lf %lf %lf %llu %llu %llu", kind,
			   &r.ns, &r.sub, &r.rd, &r.events, &r.dropped, &r.records) == 7 &&
		    (k = kind_idx(kind)) >= 0)
			a->fr[c][k] = r;
	} else if (!strcmp(what, "FLOOD")) {
		struct flood_res r = { .have = true };

		if (sscanf(line, "%*s IAB FLOOD %*s %llu %llu %llu %llu %llu %llu %llu %llu",
			   &r.frames, &r.ns, &r.cons_window, &r.cons_after, &r.harness,
			   &r.wakeups, &r.records, &r.drops) == 8)
			a->fl[c] = r;
	} else if (!strcmp(what, "LAT")) {
		struct lat_res r = { .have = true };

		if (sscanf(line, "%*s IAB LAT %*s %llu %llu %llu %llu %llu %llu %llu",
			   &r.frames, &r.interval, &r.p50, &r.p99, &r.max, &r.got,
			   &r.wakeups) == 7)
			a->lat[c] = r;
	}
}

static void row(const char *kernel, const char *value, const char *unit,
		const char *target, const char *verdict, const char *fmt, ...)
{
	struct row *r;
	va_list ap;

	if (nrows == MAX_ROWS)
		return;
	r = &rows[nrows++];
	va_start(ap, fmt);
	vsnprintf(r->f, sizeof(r->f), fmt, ap);
	va_end(ap);
	snprintf(r->k, sizeof(r->k), "%s", kernel);
	snprintf(r->v, sizeof(r->v), "%s", value);
	snprintf(r->u, sizeof(r->u), "%s", unit);
	snprintf(r->t, sizeof(r->t), "%s", target);
	snprintf(r->verdict, sizeof(r->verdict), "%s", verdict);
}

static const char *num(double v, int prec)
{
	static char buf[16][48];
	static int i;

	i = (i + 1) % 16;
	snprintf(buf[i], sizeof(buf[i]), "%.*f", prec, v);
	return buf[i];
}

/* Kernel-path instructions per frame of a condition; <0 if not measured. */
static double kpath(const struct abi_res *a, int c, int k)
{
	const struct frame_res *r = &a->fr[c][k];

	return r->have ? r->ns - r->sub : -1;
}

static double added(const struct abi_res *a, const char *cond, int k)
{
	int base = cond_idx("base"), c = cond_idx(cond);
	double b = kpath(a, base, k), v = kpath(a, c, k);

	return b < 0 || v < 0 ? -1 : v - b;
}

/* A "value <= factor x reference" target row. */
static void target_row(const struct abi_res *a, const char *cond, double factor,
		       const char *ref, int k)
{
	double v = added(a, cond, k), r = added(a, ref, k);
	char target[64];

	snprintf(target, sizeof(target), "<= %s x (%s) = %s", num(factor, 1), ref,
		 r < 0 ? "?" : num(factor * r, 0));
	if (v < 0 || r < 0)
		row(a->name, "-", "instr/frame", target, "n/a", "target: %s %s", cond, kinds[k]);
	else
		row(a->name, num(v, 0), "instr/frame", target,
		    v <= factor * r ? "PASS" : "MISS", "target: %s %s", cond, kinds[k]);
}

static void build_rows(const struct abi_res *a)
{
	int fl = cond_idx("floor"), ce = cond_idx("c-events"), ca = cond_idx("c-activity");

	if (a->errors)
		row(a->name, num(a->errors, 0), "errors", "0", "MISS", "guest errors (see raw logs)");
	for (int k = 0; k < NKINDS; k++) {
		double b = kpath(a, cond_idx("base"), k);

		if (b >= 0)
			row(a->name, num(b, 0), "instr/frame", "-", "-", "baseline (no handler) %s", kinds[k]);
		for (size_t c = 1; c < NCONDS; c++) {
			double v = added(a, conds[c], k);

			if (v < -1e9 || !a->fr[c][k].have)
				continue;
			row(a->name, num(v, 0), "instr/frame", "-", "-", "added by %s %s", conds[c], kinds[k]);
			if (a->fr[c][k].rd > 0)
				row(a->name, num(a->fr[c][k].rd, 0), "instr/frame", "-", "-",
				    "  of which the reader task, %s %s", conds[c], kinds[k]);
			if (!strncmp(conds[c], "e-", 2) || !strcmp(conds[c], "f"))
				row(a->name, num(a->fr[c][k].dropped, 0), "SYN_DROPPED", "-", "-",
				    "evdev drops, %s %s (%llu events read)", conds[c], kinds[k],
				    a->fr[c][k].events);
		}
	}
	for (int k = 0; k < NKINDS; k++) {
		target_row(a, "c-events", 0.1, "e-fifo", k);
		target_row(a, "c-events", 1.0, "f", k);
		target_row(a, "c-activity", 0.5, "f", k);
		target_row(a, "b-activity", 0.1, "f", k);
		target_row(a, "b-events", 0.1, "f", k);
	}

	/* Throughput: kernel path per key frame + consumer CPU per record. */
	if (a->fl[fl].have && a->fl[ce].have && a->fl[fl].records && a->fl[ce].records &&
	    kpath(a, fl, 0) >= 0 && kpath(a, ce, 0) >= 0) {
		double cf = (double)(a->fl[fl].cons_window + a->fl[fl].cons_after) / a->fl[fl].records;
		double ci = (double)(a->fl[ce].cons_window + a->fl[ce].cons_after) / a->fl[ce].records;
		double rf = 1e9 / (kpath(a, fl, 0) + cf), ri = 1e9 / (kpath(a, ce, 0) + ci);
		double kf = added(a, "floor", 0), ki = added(a, "c-events", 0);

		row(a->name, num(cf, 0), "instr/record", "-", "-", "floor consumer CPU per record");
		row(a->name, num(ci, 0), "instr/record", "-", "-", "inputauditd CPU per record (in VM, incl. syscalls)");
		row(a->name, num(rf, 0), "records/s", "-", "-", "floor pipeline throughput (1 vCPU, 1 GHz icount)");
		row(a->name, num(ri, 0), "records/s", "-", "-", "inputaudit pipeline throughput");
		row(a->name, num(ri / rf, 2), "ratio", ">= 0.7", ri / rf >= 0.7 ? "PASS" : "MISS",
		    "target: inputaudit records/s / floor records/s");
		if (kf > 0 && ki > 0)
			row(a->name, num(kf / ki, 2), "ratio", "-", "-",
			    "kernel side only: floor added / c-events added (key)");
		row(a->name, num(a->fl[fl].drops, 0), "records", "0", a->fl[fl].drops ? "MISS" : "PASS",
		    "floor ring drops in the flood");
	}
	for (int c = ca; c <= ce; c++) {
		const struct flood_res *f = &a->fl[c];
		double w;

		if (!f->have || !f->frames)
			continue;
		w = (double)f->wakeups / f->frames;
		row(a->name, num(w, 4), "wakeups/frame", "<= 0.01", w <= 0.01 ? "PASS" : "MISS",
		    "target: daemon wakeups per frame, %s, %llu-frame flood", conds[c], f->frames);
	}
	for (int c = ca; c <= ce; c++) {
		const struct lat_res *l = &a->lat[c];

		if (!l->have)
			continue;
		if (l->frames)
			row(a->name, num((double)l->wakeups / l->frames, 3), "wakeups/frame", "-", "-",
			    "daemon wakeups per frame, %s, one frame every %llu us", conds[c],
			    l->interval / 1000);
		if (!l->got)
			continue;
		row(a->name, num(l->p50 / 1e6, 2), "ms", "-", "-", "delivery latency p50, %s", conds[c]);
		row(a->name, num(l->p99 / 1e6, 2), "ms", "<= 20", l->p99 <= 20000000 ? "PASS" : "MISS",
		    "target: delivery latency p99, %s", conds[c]);
		row(a->name, num(l->max / 1e6, 2), "ms", "-", "-", "delivery latency max, %s (%llu/%llu received)",
		    conds[c], l->got, l->frames);
	}
	if (a->repeat)
		row(a->name, a->repeat > 0 ? "identical" : "differs", "-", "identical",
		    a->repeat > 0 ? "PASS" : "MISS", "repeat of %s across two boots (bit-identical)",
		    a->repeat_cond);
	if (a->repeat < 0)
		row(a->name, num(a->repeat_ppm, 1), "ppm", "-", "-",
		    "  largest difference of one run between the two boots");
}

static void read_extra(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t len = strlen(nm);
		char path[4096], line[1024];
		FILE *fp;

		if (strncmp(nm, "extra-", 6) || len < 4 || strcmp(nm + len - 4, ".tsv"))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		fp = fopen(path, "r");
		if (!fp)
			goto next;
		while (fgets(line, sizeof(line), fp)) {
			char *col[6], *save = NULL, *p = line;
			int nc = 0;

			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] == '#' || !strncmp(line, "figure\t", 7) || !line[0])
				continue;
			while (nc < 6 && (col[nc] = strsep(&p, "\t")))
				nc++;
			(void)save;
			if (nc == 6)
				row(col[1], col[2], col[3], col[4], col[5], "%s", col[0]);
			else
				fprintf(stderr, "bench_report: %s: skipping a line without 6 columns\n", path);
		}
		fclose(fp);
next:
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", *s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

static void write_matrix(FILE *fp, const struct abi_res *a)
{
	fprintf(fp, "\n**%s**: instructions per frame added over the baseline (kernel path)\n\n", a->name);
	fprintf(fp, "| frame | baseline |");
	for (size_t c = 1; c < NCONDS; c++)
		fprintf(fp, " %s |", conds[c]);
	fprintf(fp, "\n|---|---:|");
	for (size_t c = 1; c < NCONDS; c++)
		fprintf(fp, "---:|");
	fputc('\n', fp);
	for (int k = 0; k < NKINDS; k++) {
		double b = kpath(a, 0, k);

		fprintf(fp, "| %s | %s |", kinds[k], b < 0 ? "-" : num(b, 0));
		for (size_t c = 1; c < NCONDS; c++)
			fprintf(fp, " %s |", a->fr[c][k].have ? num(added(a, conds[c], k), 0) : "-");
		fputc('\n', fp);
	}
}

static void write_md(FILE *fp)
{
	fprintf(fp, "# inputaudit benchmarks\n\nQEMU -icount shift=0,sleep=off: 1 guest ns = 1 instruction.\n");
	for (int i = 0; i < nabis; i++)
		write_matrix(fp, &abis[i]);
	fprintf(fp, "\n| figure | kernel | value | unit | target | verdict |\n|---|---|---:|---|---|---|\n");
	for (int i = 0; i < nrows; i++)
		fprintf(fp, "| %s | %s | %s | %s | %s | %s |\n", rows[i].f, rows[i].k, rows[i].v,
			rows[i].u, rows[i].t, rows[i].verdict);
}

int main(int argc, char **argv)
{
	char path[4096], line[1024];
	struct dirent **ents;
	FILE *fp;
	int n, pass = 0, miss = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_report DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/raw", argv[1]);
	n = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (len > 4 && !strcmp(ents[i]->d_name + len - 4, ".iab")) {
			snprintf(path, sizeof(path), "%s/raw/%s", argv[1], ents[i]->d_name);
			fp = fopen(path, "r");
			while (fp && fgets(line, sizeof(line), fp))
				parse_line(line);
			if (fp)
				fclose(fp);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	for (int i = 0; i < nabis; i++)
		build_rows(&abis[i]);
	read_extra(argv[1]);

	write_md(stdout);
	snprintf(path, sizeof(path), "%s/results.md", argv[1]);
	if ((fp = fopen(path, "w"))) {
		write_md(fp);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/results.tsv", argv[1]);
	if ((fp = fopen(path, "w"))) {
		fprintf(fp, "figure\tkernel\tvalue\tunit\ttarget\tverdict\n");
		for (int i = 0; i < nrows; i++)
			fprintf(fp, "%s\t%s\t%s\t%s\t%s\t%s\n", rows[i].f, rows[i].k, rows[i].v,
				rows[i].u, rows[i].t, rows[i].verdict);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/results.json", argv[1]);
	if ((fp = fopen(path, "w"))) {
		fprintf(fp, "[\n");
		for (int i = 0; i < nrows; i++) {
			const char *keys[6] = { "figure", "kernel", "value", "unit", "target", "verdict" };
			const char *vals[6] = { rows[i].f, rows[i].k, rows[i].v, rows[i].u, rows[i].t,
						rows[i].verdict };

			fprintf(fp, "  {");
			for (int j = 0; j < 6; j++) {
				json_str(fp, keys[j]);
				fputc(':', fp);
				json_str(fp, vals[j]);
				if (j < 5)
					fputc(',', fp);
			}
			fprintf(fp, "}%s\n", i + 1 < nrows ? "," : "");
		}
		fprintf(fp, "]\n");
		fclose(fp);
	}
	for (int i = 0; i < nrows; i++) {
		pass += !strcasecmp(rows[i].verdict, "PASS") || !strcasecmp(rows[i].verdict, "met");
		miss += !strcasecmp(rows[i].verdict, "MISS") || !strcasecmp(rows[i].verdict, "missed") ||
			!strcasecmp(rows[i].verdict, "not met");
	}
	printf("\n# targets: %d PASS, %d MISS; written to %s/results.{md,tsv,json}\n", pass, miss, argv[1]);
	return 0;
}
