// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* inputauditctl status; see ctl_status.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "jbuf.h"
#include "ctl_status.h"
#include "status.h"

#define PARAMS_DIR	"module/inputaudit/parameters"
#define KERNEL_DIR	"kernel/inputaudit"
#define MAX_DEVICES	256
#define TEXT_MAX	512

static const char *const settings[] = {
	"window_ms", "dev_rate", "dev_burst", "global_rate", "global_burst",
	"heartbeat_ms", "time_res_ms", "inject_presses", "inject_interval_ms",
};

/* A sysfs file's text without the trailing newline; ok false if unreadable. */
struct text {
	bool ok;
	int err;
	char s[TEXT_MAX];
};

struct device {
	unsigned long id;
	struct text name, phys, id_text, origin, creator, enabled, counters,
		    activity;
};

struct module_state {
	bool loaded;
	struct text level, max_level, lock, status;
	struct text setting[sizeof(settings) / sizeof(settings[0])];
	struct text emitted, unconsumed, no_consumer_ns, counters;
	struct device *devs;
	unsigned int ndevs;
	int devs_err;
};

static void read_text(const char *root, const char *dir, const char *name,
		      struct text *t)
{
	char path[4096];
	ssize_t n;
	int fd;

	t->ok = false;
	t->s[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		t->err = errno;
		return;
	}
	n = read(fd, t->s, sizeof(t->s) - 1);
	t->err = n < 0 ? errno : 0;
	close(fd);
	if (n < 0)
		return;
	while (n > 0 && (t->s[n - 1] == '\n' || t->s[n - 1] == ' '))
		n--;
	t->s[n] = '\0';
	t->ok = true;
}

/* "key value" lines (counters files): the value of key. */
static bool kv_get(const struct text *t, const char *key, uint64_t *val)
{
	size_t klen = strlen(key);
	const char *p = t->s;

	if (!t->ok)
		return false;
	while (*p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*val = strtoull(p + klen + 1, NULL, 10);
			return true;
		}
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return false;
}

/* "k1=v1 k2=v2" (id, creator): the value of key, up to the next space (comm: rest). */
static bool word_get(const struct text *t, const char *key, char *out,
		     size_t size, bool rest)
{
	size_t klen = strlen(key), n;
	const char *p = t->s, *end;

	if (!t->ok)
		return false;
	for (;;) {
		if (!strncmp(p, key, klen) && p[klen] == '=')
			break;
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	p += klen + 1;
	end = rest ? p + strlen(p) : strchrnul(p, ' ');
	n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static int devcmp(const void *a, const void *b)
{
	const struct device *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void read_devices(const char *root, struct module_state *m)
{
	char path[4096], dir[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/devices", root, KERNEL_DIR);
	d = opendir(path);
	if (!d) {
		m->devs_err = errno;
		return;
	}
	m->devs = calloc(MAX_DEVICES, sizeof(*m->devs));
	if (!m->devs) {
		m->devs_err = ENOMEM;
		closedir(d);
		return;
	}
	while ((de = readdir(d)) && m->ndevs < MAX_DEVICES) {
		struct device *dev = &m->devs[m->ndevs];
		char *end;

		dev->id = strtoul(de->d_name, &end, 10);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
			continue;
		snprintf(dir, sizeof(dir), "%s/devices/%lu", KERNEL_DIR, dev->id);
		read_text(root, dir, "name", &dev->name);
		read_text(root, dir, "phys", &dev->phys);
		read_text(root, dir, "id", &dev->id_text);
		read_text(root, dir, "origin", &dev->origin);
		read_text(root, dir, "creator", &dev->creator);
		read_text(root, dir, "enabled", &dev->enabled);
		read_text(root, dir, "counters", &dev->counters);
		read_text(root, dir, "activity", &dev->activity);
		m->ndevs++;
	}
	closedir(d);
	qsort(m->devs, m->ndevs, sizeof(*m->devs), devcmp);
}

static void read_module(const char *root, struct module_state *m)
{
	size_t i;

	read_text(root, PARAMS_DIR, "level", &m->level);
	m->loaded = m->level.ok || m->level.err != ENOENT;
	if (!m->loaded)
		return;
	read_text(root, PARAMS_DIR, "max_level", &m->max_level);
	read_text(root, PARAMS_DIR, "lock", &m->lock);
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		read_text(root, PARAMS_DIR, settings[i], &m->setting[i]);
	read_text(root, KERNEL_DIR, "status", &m->status);
	read_text(root, KERNEL_DIR, "records_emitted", &m->emitted);
	read_text(root, KERNEL_DIR, "records_unconsumed", &m->unconsumed);
	read_text(root, KERNEL_DIR, "no_consumer_ns", &m->no_consumer_ns);
	read_text(root, KERNEL_DIR, "counters", &m->counters);
	read_devices(root, m);
}

/* ---- the daemon ---- */

struct daemon_state {
	int err;		/* status_read() result */
	bool running;
	struct daemon_status st;
};

static void read_daemon(const char *state_dir, struct daemon_state *d)
{
	d->err = status_read(state_dir, &d->st);
	d->running = !d->err && d->st.pid > 0 &&
		     (kill((pid_t)d->st.pid, 0) == 0 || errno == EPERM);
}

static void json_text(FILE *out, const char *key, const struct text *t)
{
	fprintf(out, "\"%s\":", key);
	if (t->ok)
		json_fputs(out, t->s);
	else
		fputs("null", out);
}

/* A decimal file as a number, else null. */
static void json_num(FILE *out, const char *key, const struct text *t)
{
	char *end;

	fprintf(out, "\"%s\":", key);
	if (t->ok && t->s[0] >= '0' && t->s[0] <= '9') {
		strtoull(t->s, &end, 10);
		if (!*end) {
			fputs(t->s, out);
			return;
		}
	}
	fputs("null", out);
}

/* A decimal string as a number, else null. */
static void json_decimal(FILE *out, const char *key, const char *s, bool ok)
{
	const char *p = s;

	fprintf(out, "\"%s\":", key);
	while (ok && *p >= '0' && *p <= '9')
		p++;
	if (ok && p != s && !*p)
		fputs(s, out);
	else
		fputs("null", out);
}

/* "key value" lines as an object of numbers, else null. */
static void json_kv(FILE *out, const char *key, const struct text *t)
{
	const char *p = t->s;
	bool first = true;

	fprintf(out, "\"%s\":", key);
	if (!t->ok) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	while (*p) {
		const char *sp = strchr(p, ' ');
		const char *nl = strchrnul(p, '\n');

		if (sp && sp < nl) {
			fprintf(out, "%s\"%.*s\":%" PRIu64, first ? "" : ",",
				(int)(sp - p), p, (uint64_t)strtoull(sp + 1, NULL, 10));
			first = false;
		}
		p = *nl ? nl + 1 : nl;
	}
	fputc('}', out);
}

static void json_device(FILE *out, const struct device *dev)
{
	static const char *const idkeys[] = { "bus", "vendor", "product", "version" };
	char val[64];
	size_t i;

	fprintf(out, "{\"id\":%lu,", dev->id);
	json_text(out, "name", &dev->name);
	fputc(',', out);
	json_text(out, "phys", &dev->phys);
	for (i = 0; i < 4; i++) {
		fprintf(out, ",\"%s\":", idkeys[i]);
		if (word_get(&dev->id_text, idkeys[i], val, sizeof(val), false))
			fprintf(out, "\"0x%s\"", val);
		else
			fputs("null", out);
	}
	fputc(',', out);
	json_text(out, "origin", &dev->origin);
	/* "pid=N uid=N comm=...", "none", or "unknown" (uinput/uhid, unnamed) */
	fprintf(out, ",\"creator_unknown\":%s,\"creator\":",
		dev->creator.ok && !strcmp(dev->creator.s, "unknown") ?
		"true" : "false");
	if (!word_get(&dev->creator, "pid", val, sizeof(val), false)) {
		fputs("null", out);
	} else {
		char pid[32] = "0", uid[32] = "0", comm[64] = "";

		word_get(&dev->creator, "pid", pid, sizeof(pid), false);
		word_get(&dev->creator, "uid", uid, sizeof(uid), false);
		word_get(&dev->creator, "comm", comm, sizeof(comm), true);
		fprintf(out, "{\"pid\":%lu,\"uid\":%lu,\"comm\":",
			strtoul(pid, NULL, 10), strtoul(uid, NULL, 10));
		json_fputs(out, comm);
		fputc('}', out);
	}
	fputc(',', out);
	json_num(out, "enabled", &dev->enabled);
	fputc(',', out);
	json_kv(out, "counters", &dev->counters);
	fputc(',', out);
	json_kv(out, "activity", &dev->activity);
	fputc('}', out);
}

static void json_daemon(FILE *out, const struct daemon_state *d)
{
	char buf[STATUS_JSON_MAX];
	int len;

	fputs("\"daemon\":{", out);
	if (d->err) {
		fputs("\"running\":false,\"reason\":", out);
		json_fputs(out, d->err == -ENOENT ? "no status file" :
			 d->err == -EINVAL ? "unreadable status file" : strerror(-d->err));
		fputs(",\"status\":null}", out);
		return;
	}
	fprintf(out, "\"running\":%s,\"status\":", d->running ? "true" : "false");
	len = status_format(&d->st, buf, sizeof(buf));
	if (len > 0) {
		buf[len - 1] = '\0';	/* the newline */
		fputs(buf, out);
	} else {
		fputs("null", out);
	}
	fputc('}', out);
}

/*
 * The status line as it is, then its devices= and open= as "device_count"
 * and "open_count" (numbers; "devices" is the array of the top level), its
 * consumer= as "consumer" and its observer= as "observer".
 */
static void json_status(FILE *out, const struct text *status)
{
	static const char *const fields[][2] = {
		{ "devices", "device_count" }, { "open", "open_count" },
	};
	char val[64];
	size_t i;
	bool ok;

	json_text(out, "status", status);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		fputc(',', out);
		ok = word_get(status, fields[i][0], val, sizeof(val), false);
		json_decimal(out, fields[i][1], val, ok);
	}
	for (i = 0; i < 2; i++) {
		const char *key = i ? "observer" : "consumer";

		fprintf(out, ",\"%s\":", key);
		if (word_get(status, key, val, sizeof(val), false))
			json_fputs(out, val);
		else
			fputs("null", out);
	}
}

static void print_json(FILE *out, const struct module_state *m,
		       const struct daemon_state *d)
{
	unsigned int i;

	fprintf(out, "{\"module\":{\"loaded\":%s", m->loaded ? "true" : "false");
	if (m->loaded) {
		fputc(',', out);
		json_text(out, "level", &m->level);
		fputc(',', out);
		json_text(out, "max_level", &m->max_level);
		fputc(',', out);
		json_num(out, "lock", &m->lock);
		fputs(",\"settings\":{", out);
		for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
			if (i)
				fputc(',', out);
			json_num(out, settings[i], &m->setting[i]);
		}
		fputs("},", out);
		json_status(out, &m->status);
	}
	fputc('}', out);
	if (m->loaded) {
		fputc(',', out);
		json_kv(out, "counters", &m->counters);
		fputs(",\"loss\":{", out);
		json_num(out, "records_emitted", &m->emitted);
		fputc(',', out);
		json_num(out, "records_unconsumed", &m->unconsumed);
		fputc(',', out);
		json_num(out, "no_consumer_ns", &m->no_consumer_ns);
		fputs("},\"devices\":", out);
		if (m->devs_err) {
			fputs("null", out);
		} else {
			fputc('[', out);
			for (i = 0; i < m->ndevs; i++) {
				if (i)
					fputc(',', out);
				json_device(out, &m->devs[i]);
			}
			fputc(']', out);
		}
	}
	fputc(',', out);
	json_daemon(out, d);
	fputs("}\n", out);
}

/* ---- table ---- */

#define MAX_COLS	16

struct table {
	unsigned int ncols;
	unsigned int nrows;
	char (*cells)[MAX_COLS][96];
};

/*
 * Device names and creator comms are chosen by whoever created the device:
 * anything but printable ASCII becomes '?' so that no escape sequence
 * reaches the terminal (and columns stay aligned).
 */
static char *sanitize(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return s;
}

__attribute__((format(printf, 3, 4)))
static void cell(struct table *t, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->cells[t->nrows - 1][col], sizeof(t->cells[0][0]), fmt, ap);
	va_end(ap);
	sanitize(t->cells[t->nrows - 1][col]);
}

static bool table_row(struct table *t)
{
	void *cells = realloc(t->cells, (t->nrows + 1) * sizeof(*t->cells));

	if (!cells)
		return false;
	t->cells = cells;
	memset(t->cells[t->nrows], 0, sizeof(*t->cells));
	t->nrows++;
	return true;
}

static void table_print(FILE *out, struct table *t, const char *indent)
{
	size_t width[MAX_COLS] = { 0 };
	unsigned int r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (strlen(t->cells[r][c]) > width[c])
				width[c] = strlen(t->cells[r][c]);
	for (r = 0; r < t->nrows; r++) {
		fputs(indent, out);
		for (c = 0; c < t->ncols; c++) {
			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", t->cells[r][c]);
			else
				fprintf(out, "%-*s  ", (int)width[c], t->cells[r][c]);
		}
	}
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

static void headers(struct table *t, const char *const *names, unsigned int n)
{
	unsigned int c;

	t->ncols = n;
	if (!table_row(t))
		return;
	for (c = 0; c < n; c++)
		cell(t, c, "%s", names[c]);
}

static const char *tx(const struct text *t)
{
	return t->ok ? t->s : "-";
}

static void kvcell(struct table *t, unsigned int col, const struct text *txt,
		   const char *key)
{
	uint64_t v;

	if (kv_get(txt, key, &v))
		cell(t, col, "%" PRIu64, v);
	else
		cell(t, col, "-");
}

/* Nanoseconds as seconds with milliseconds. */
static void secs(char *buf, size_t size, uint64_t ns)
{
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s", ns / 1000000000,
		 ns / 1000000 % 1000);
}

static void print_devices(FILE *out, const struct module_state *m)
{
	static const char *const hdr[] = {
		"ID", "NAME", "BUS", "VENDOR", "PRODUCT", "ORIGIN", "CREATOR",
		"ENABLED", "SEEN", "EMITTED", "SUPPRESSED", "RECORDS", "BLIND",
	};
	struct table t = { 0 };
	unsigned int i;

	if (m->devs_err) {
		fprintf(out, "\ndevices: %s\n", m->devs_err == EACCES ?
			"- (root only)" : strerror(m->devs_err));
		return;
	}
	fprintf(out, "\ndevices: %u\n", m->ndevs);
	if (!m->ndevs)
		return;
	headers(&t, hdr, sizeof(hdr) / sizeof(hdr[0]));
	for (i = 0; i < m->ndevs; i++) {
		const struct device *dev = &m->devs[i];
		char val[64], pid[32], comm[64];
		uint64_t ns;

		if (!table_row(&t))
			break;
		cell(&t, 0, "%lu", dev->id);
		cell(&t, 1, "%s", tx(&dev->name));
		cell(&t, 2, "%s", word_get(&dev->id_text, "bus", val, sizeof(val), false) ? val : "-");
		cell(&t, 3, "%s", word_get(&dev->id_text, "vendor", val, sizeof(val), false) ? val : "-");
		cell(&t, 4, "%s", word_get(&dev->id_text, "product", val, sizeof(val), false) ? val : "-");
		cell(&t, 5, "%s", tx(&dev->origin));
		/* "none", "unknown" and an unreadable file are shown as they are */
		if (word_get(&dev->creator, "pid", pid, sizeof(pid), false) &&
		    word_get(&dev->creator, "comm", comm, sizeof(comm), true))
			cell(&t, 6, "%s (pid %s)", comm, pid);
		else
			cell(&t, 6, "%s", tx(&dev->creator));
		cell(&t, 7, "%s", tx(&dev->enabled));
		kvcell(&t, 8, &dev->counters, "frames_seen");
		kvcell(&t, 9, &dev->counters, "frames_emitted");
		kvcell(&t, 10, &dev->counters, "frames_suppressed");
		kvcell(&t, 11, &dev->counters, "records");
		if (kv_get(&dev->counters, "blind_ns", &ns)) {
			secs(val, sizeof(val), ns);
			cell(&t, 12, "%s", val);
		} else {
			cell(&t, 12, "-");
		}
	}
	table_print(out, &t, "  ");
}

static void print_module(FILE *out, struct module_state *m)
{
	uint64_t seen, em, sup, blind, ns;
	char b1[48];
	size_t i;

	fprintf(out, "%-10s %s (max_level %s, lock %s)\n", "level", tx(&m->level),
		tx(&m->max_level), tx(&m->lock));
	fprintf(out, "%-10s", "settings");
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		fprintf(out, " %s=%s", settings[i], tx(&m->setting[i]));
	fputc('\n', out);
	/* level=.. max_level=.. lock=.. devices=N open=M consumer=.. observer=.. */
	fprintf(out, "%-10s %s\n", "status", m->status.ok ? sanitize(m->status.s) : "-");
	if (m->no_consumer_ns.ok) {
		ns = strtoull(m->no_consumer_ns.s, NULL, 10);
		secs(b1, sizeof(b1), ns);
	} else {
		snprintf(b1, sizeof(b1), "-");
	}
	fprintf(out, "%-10s emitted %s, unconsumed %s, without consumer %s\n",
		"records", tx(&m->emitted), tx(&m->unconsumed), b1);
	if (kv_get(&m->counters, "frames_seen", &seen) &&
	    kv_get(&m->counters, "frames_emitted", &em) &&
	    kv_get(&m->counters, "frames_suppressed", &sup) &&
	    kv_get(&m->counters, "blind_ns", &blind)) {
		secs(b1, sizeof(b1), blind);
		fprintf(out, "%-10s seen %" PRIu64 ", emitted %" PRIu64 ", suppressed %"
			PRIu64 ", blind %s\n", "frames", seen, em, sup, b1);
	} else {
		fprintf(out, "%-10s - (root only)\n", "frames");
	}
	print_devices(out, m);
}

static void print_daemon(FILE *out, struct daemon_state *d)
{
	static const char *const hdr[] = {
		"NAME", "KIND", "STATE", "LINES", "DROPPED", "SPOOLED", "FREE",
		"LAST_ERROR",
	};
	const struct daemon_status *st = &d->st;
	struct table t = { 0 };
	char started[64] = "?";
	time_t when, now = time(NULL);
	struct tm tm;
	unsigned int i;

	fputc('\n', out);
	if (d->err == -ENOENT) {
		fprintf(out, "daemon: not running (no status file)\n");
		return;
	}
	if (d->err) {
		fprintf(out, "daemon: status file unreadable: %s\n",
			d->err == -EINVAL ? "not a status file" : strerror(-d->err));
		return;
	}
	when = (time_t)st->start_time;
	if (gmtime_r(&when, &tm))
		strftime(started, sizeof(started), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (d->running && st->update_time)
		fprintf(out, "daemon: running, pid %" PRId64 ", uid %u, started %s, status %lld s old\n",
			st->pid, st->uid, started,
			(long long)(now - (time_t)st->update_time));
	else if (d->running)
		fprintf(out, "daemon: running, pid %" PRId64 ", uid %u, started %s\n",
			st->pid, st->uid, started);
	else
		fprintf(out, "daemon: not running (stale status file of pid %" PRId64
			", started %s)\n", st->pid, started);
	fprintf(out, "%-10s received %" PRIu64 ", lost %" PRIu64 ", duplicates %"
		PRIu64 ", ring drops %" PRIu64 ", last seq %" PRIu64 "\n", "records",
		st->received, st->lost, st->duplicates, st->ring_drops, st->last_seq);
	if (st->key_id[0])
		fprintf(out, "%-10s n %" PRIu64 ", key_id %s\n", "chain", st->chain_n,
			sanitize(d->st.key_id));
	else
		fprintf(out, "%-10s none\n", "chain");
	if (st->metrics_failures)
		fprintf(out, "%-10s %" PRIu64 " writes failed, the last: %s\n", "metrics",
			st->metrics_failures,
			strerror(st->metrics_last_err < 0 ? -st->metrics_last_err :
							    st->metrics_last_err));
	fprintf(out, "\nsinks: %u\n", st->nsinks);
	if (!st->nsinks)
		return;
	headers(&t, hdr, sizeof(hdr) / sizeof(hdr[0]));
	for (i = 0; i < st->nsinks; i++) {
		const struct status_sink *s = &st->sinks[i];

		if (!table_row(&t))
			break;
		cell(&t, 0, "%s", s->name);
		cell(&t, 1, "%s", s->kind);
		cell(&t, 2, "%s", s->health.state);
		cell(&t, 3, "%" PRIu64, s->health.lines);
		cell(&t, 4, "%" PRIu64, s->health.dropped);
		cell(&t, 5, "%" PRIu64, s->health.spooled);
		if (s->health.have_free)
			cell(&t, 6, "%" PRIu64, s->health.free_bytes);
		else
			cell(&t, 6, "-");
		if (s->health.last_err)
			cell(&t, 7, "%s", strerror(s->health.last_err < 0 ?
						   -s->health.last_err : s->health.last_err));
		else
			cell(&t, 7, "-");
	}
	table_print(out, &t, "  ");
	/* Network sinks: how they reach their collector and whether it proved who it is. */
	for (i = 0; i < st->nsinks; i++) {
		const struct status_sink *s = &st->sinks[i];
		char name[sizeof(s->name)], tr[sizeof(s->health.transport)];
		char peer[sizeof(s->health.peer)], verify[sizeof(s->health.verify)];

		if (!s->health.transport[0])
			continue;
		memcpy(name, s->name, sizeof(name));
		memcpy(tr, s->health.transport, sizeof(tr));
		memcpy(peer, s->health.peer, sizeof(peer));
		memcpy(verify, s->health.verify, sizeof(verify));
		name[sizeof(name) - 1] = tr[sizeof(tr) - 1] = 0;
		peer[sizeof(peer) - 1] = verify[sizeof(verify) - 1] = 0;
		fprintf(out, "  %s: transport %s, peer %s, %s", sanitize(name), sanitize(tr),
			sanitize(peer), sanitize(verify));
		if (s->health.tls_failures)
			fprintf(out, ", %" PRIu64 " TLS failures", s->health.tls_failures);
		if (s->health.have_acked)
			fprintf(out, ", acknowledged %" PRIu64 ", not yet %" PRIu64,
				s->health.acked, s->health.unacked);
		fputc('\n', out);
	}
}

int ctl_status(const char *sysfs_root, const char *state_dir, bool json,
	       FILE *out)
{
	struct module_state *m;
	struct daemon_state *d;
	int ret;

	m = calloc(1, sizeof(*m));
	d = calloc(1, sizeof(*d));
	if (!m || !d) {
		free(m);
		free(d);
		fprintf(stderr, "inputauditctl: out of memory\n");
		return CTL_EXIT_USAGE;
	}
	read_module(sysfs_root, m);
	read_daemon(state_dir, d);
	if (json) {
		print_json(out, m, d);
	} else {
		if (m->loaded)
			print_module(out, m);
		else
			fprintf(out, "module not loaded\n");
		print_daemon(out, d);
	}
	ret = m->loaded ? CTL_EXIT_OK : CTL_EXIT_NO_MODULE;
	free(m->devs);
	free(m);
	free(d);
	return ret;
}
