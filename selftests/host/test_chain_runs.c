// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Linked runs and forward-secure keys, end to end: `inputauditctl key init`,
 * then the real daemon (--replay, [chain] state_dir, a small rotating file
 * sink) run several times makes a multi-run, rotated log; attacks on copies
 * of it are each found by verify_files_opts()/verify_buffer_opts() with
 * the initial key only, with their kind and line range.  The attacker of
 * the key-based attacks holds the daemon's current key (its chain state
 * file), as root on the host would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "chain.h"
#include "chain_state.h"
#include "daemon_run.h"
#include "recfile.h"
#include "verify.h"

#define MAX_RECS	6000
struct stream {
	struct inputaudit_record rec[MAX_RECS];
	unsigned int n;
};
#include "recgen.h"

#define MAX_LOG_LINES	40000
#define MAX_LOG_FILES	200

/* The log as lines, each with its file and run (0 before any chain_start). */
struct log {
	char *line[MAX_LOG_LINES];	/* with its '\n' */
	unsigned int run[MAX_LOG_LINES];
	unsigned int n;
	unsigned int start[16];		/* index of run r's chain_start */
	unsigned int nruns;
	char files[MAX_LOG_FILES][160];
	unsigned int first_line[MAX_LOG_FILES];
	unsigned int nfiles;
};

FIXTURE(runs)
{
	char dir[64], rec[128], conf[192], key[128], state[128], logdir[128];
	char out[192], err[192];
	uint8_t key0[CHAIN_KEY_MAX];
	size_t key0_len;
	struct verify_result res;
	struct log log;
};

static struct stream stream;

/* Records for one run: devices, key presses, a heartbeat (checkpoint) every 25. */
static void make_records(unsigned int n)
{
	unsigned int i;

	memset(&stream, 0, sizeof(stream));
	device(&stream, 1, "ia-test keyboard", 0x0003, 0x046d, 0xc31c, NULL);
	for (i = 0; stream.n < n; i++) {
		key_press(&stream, 1);
		if (i % 25 == 24)
			add(&stream, INPUTAUDIT_REC_HEARTBEAT, 0, 0, 10, 0, 0, 0);
	}
}

static int save_records(const char *path)
{
	struct recfile rf;
	unsigned int i;
	int err = recfile_create(&rf, path);

	for (i = 0; !err && i < stream.n; i++)
		err = recfile_write(&rf, &stream.rec[i]);
	return err ? err : recfile_close(&rf);
}

FIXTURE_SETUP(runs)
{
	const char *init[] = { INPUTAUDITCTL_BIN, "key", "init", "--state-dir", NULL,
			       "--key", NULL, "--no-print", NULL };
	char conf[1024];
	FILE *f;

	snprintf(self->dir, sizeof(self->dir), "/tmp/ia-test-runs-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->rec, sizeof(self->rec), "%s/r.iarec", self->dir);
	snprintf(self->conf, sizeof(self->conf), "%s/d.conf", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/chain.key", self->dir);
	snprintf(self->state, sizeof(self->state), "%s/state", self->dir);
	snprintf(self->logdir, sizeof(self->logdir), "%s/log", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/stdout", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/stderr", self->dir);
	ASSERT_EQ(0, mkdir(self->logdir, 0700));
	init[4] = self->state;
	init[6] = self->key;
	ASSERT_EQ(0, run_to_files(init, self->out, self->err));
	ASSERT_EQ(0, chain_key_load_flags(self->key, self->key0, &self->key0_len, 0,
					  conf, sizeof(conf)));
	snprintf(conf, sizeof(conf),
		 "[chain]\nkey = %s\nstate_dir = %s\nepoch_minutes = 0\n"
		 "[alert]\ncreator = no\nnew_device = no\n"
		 "[sink file audit]\npath = %s/audit.jsonl\nmax_size = 16384\nkeep = 150\n",
		 self->key, self->state, self->logdir);
	f = fopen(self->conf, "w");
	ASSERT_NE(NULL, f);
	fputs(conf, f);
	fclose(f);
}

FIXTURE_TEARDOWN(runs)
{
	char cmd[256];
	unsigned int i;

	for (i = 0; i < self->log.n; i++)
		free(self->log.line[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", self->dir);
}

/* One daemon run over n records. */
static int daemon_run(FIXTURE_DATA(runs) *self, unsigned int n)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c", self->conf,
			       NULL };

	make_records(n);
	if (save_records(self->rec))
		return -1;
	return run_to_files(argv, self->out, self->err);
}

/* The log files of @dir, oldest first (audit.jsonl.K .. .1, audit.jsonl). */
static unsigned int log_files(const char *dir, char files[][160])
{
	unsigned int k, n = 0;
	char p[160];

	for (k = MAX_LOG_FILES - 2; k >= 1; k--) {
		snprintf(p, sizeof(p), "%s/audit.jsonl.%u", dir, k);
		if (!access(p, F_OK))
			snprintf(files[n++], 160, "%s", p);
	}
	snprintf(files[n++], 160, "%s/audit.jsonl", dir);
	return n;
}

static void read_log(struct log *lg, const char *dir)
{
	unsigned int f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	lg->nfiles = log_files(dir, lg->files);
	for (f = 0; f < lg->nfiles; f++) {
		FILE *in = fopen(lg->files[f], "r");

		lg->first_line[f] = lg->n;
		if (!in)
			continue;
		while ((len = getline(&buf, &cap, in)) > 0 && lg->n < MAX_LOG_LINES) {
			if (strstr(buf, "\"type\":\"chain_start\""))
				lg->start[++lg->nruns] = lg->n;
			lg->run[lg->n] = lg->nruns;
			lg->line[lg->n++] = strdup(buf);
		}
		fclose(in);
	}
	free(buf);
}

/* The lines @idx[0..n) as one buffer. */
static char *join(const struct log *lg, const unsigned int *idx, unsigned int n,
		  size_t *len)
{
	size_t total = 0, off = 0;
	unsigned int i;
	char *buf;

	for (i = 0; i < n; i++)
		total += strlen(lg->line[idx[i]]);
	buf = malloc(total + 1);
	for (i = 0; i < n; i++) {
		size_t l = strlen(lg->line[idx[i]]);

		memcpy(buf + off, lg->line[idx[i]], l);
		off += l;
	}
	buf[off] = '\0';
	*len = off;
	return buf;
}

static unsigned int *seq_idx(unsigned int n)
{
	unsigned int *idx = malloc((n ? n : 1) * sizeof(*idx)), i;

	for (i = 0; i < n; i++)
		idx[i] = i;
	return idx;
}

/* Is there a problem of @kind whose range holds line @line (1-based)? */
static bool found(const struct verify_result *r, enum verify_kind kind, uint64_t line)
{
	uint64_t k;

	for (k = 0; k < r->nproblems && k < VERIFY_MAX_PROBLEMS; k++)
		if (r->problems[k].kind == kind && r->problems[k].line <= line &&
		    line <= r->problems[k].line_last)
			return true;
	return false;
}

static void dump(struct __test_metadata *_metadata, const struct verify_result *r)
{
	uint64_t k;

	for (k = 0; k < r->nproblems && k < VERIFY_MAX_PROBLEMS; k++)
		TH_LOG("problem %" PRIu64 ": %s:%" PRIu64 "-%" PRIu64 ": %s: %s", k,
		       r->problems[k].file, r->problems[k].line, r->problems[k].line_last,
		       verify_kind_name(r->problems[k].kind), r->problems[k].detail);
}

static int check(FIXTURE_DATA(runs) *self, const char *buf, size_t len)
{
	return verify_buffer_opts(self->key0, self->key0_len, "log", buf, len, NULL,
				  &self->res);
}

/* The current epoch's key, as root on the host finds it (the state file). */
static void steal_key(FIXTURE_DATA(runs) *self, struct chain_state *st)
{
	int fd = open(self->state, O_RDONLY | O_DIRECTORY);

	memset(st, 0, sizeof(*st));
	if (fd >= 0) {
		chain_state_load(fd, st);
		close(fd);
	}
}

/* A chain positioned after log line @i, keyed with the stolen key. */
static void attacker_chain(const struct log *lg, unsigned int i,
			   const struct chain_state *st, struct chain *c)
{
	const char *p = strstr(lg->line[i], "\"chain\":\"");
	const char *n = strstr(lg->line[i], ",\"n\":");

	chain_init_epoch(c, st->key, st->key_len, st->epoch, st->key_id);
	chain_unhex(p + 9, c->prev);
	c->n = strtoull(n + 5, NULL, 10);
}

/*
 * Three runs of the daemon, rotated every 16 KiB; the attacks of issue 18
 * on copies of the log: each found, of its kind, at its place.
 */
TEST_F(runs, attacks_on_a_multi_run_rotated_log)
{
	struct log *lg = &self->log;
	unsigned int *idx, i, k, n, r2, r3, end2;
	char line[4096], out[4096], snap[160], cmd[512];
	struct chain_state st;
	struct chain c;
	size_t len;
	char *buf;
	int ret;

	ASSERT_EQ(0, daemon_run(self, 1500)) {
		TH_LOG("%s", slurp_into(self->err, line, sizeof(line)));
	}
	ASSERT_EQ(0, daemon_run(self, 1500));
	/* the log as run 2 left it, for the roll back */
	snprintf(snap, sizeof(snap), "%s/snap", self->dir);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", self->logdir, snap);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, daemon_run(self, 1500));
	read_log(lg, self->logdir);
	ASSERT_EQ(3, lg->nruns);
	ASSERT_LT(10, lg->nfiles);
	r2 = lg->start[2];
	r3 = lg->start[3];
	end2 = r3;	/* run 2 is lines r2..r3-1 */

	/* untouched: clean, runs 1..3, epochs linked */
	{
		const char *files[MAX_LOG_FILES];
		struct verify_opts o = { 0 };
		int fd = open(self->state, O_RDONLY | O_DIRECTORY);

		for (k = 0; k < lg->nfiles; k++)
			files[k] = lg->files[k];
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, chain_state_load(fd, &st));
		close(fd);
		o.have_state = true;
		o.state_run = st.run;
		o.state_have_last = st.have_last;
		o.state_last_n = st.last_n;
		memcpy(o.state_last_chain, st.last_chain, CHAIN_LEN);
		EXPECT_EQ(0, verify_files_opts(self->key0, self->key0_len, files, lg->nfiles,
					       &o, &self->res)) {
			dump(_metadata, &self->res);
		}
		EXPECT_EQ(lg->n, self->res.lines);
		EXPECT_EQ(3, self->res.runs);
		EXPECT_EQ(1, self->res.first_run);
		EXPECT_EQ(3, self->res.last_run);
		EXPECT_EQ(1, self->res.first_epoch);
		EXPECT_EQ(st.epoch - 1, self->res.last_epoch);

		/* roll back: the files as run 2 left them, against today's state */
		{
			const char *sfiles[MAX_LOG_FILES];
			char (*names)[160] = malloc(MAX_LOG_FILES * 160);

			n = log_files(snap, names);
			for (k = 0; k < n; k++)
				sfiles[k] = names[k];
			/* alone it is a clean log of two runs ... */
			EXPECT_EQ(0, verify_files(self->key0, self->key0_len, sfiles, n,
						  &self->res));
			/* ... but the chain state names run 3 */
			EXPECT_EQ(1, verify_files_opts(self->key0, self->key0_len, sfiles, n,
						       &o, &self->res));
			EXPECT_EQ(VERIFY_DELETED, self->res.kind);
			EXPECT_NE(NULL, strstr(self->res.detail, "names run 3")) {
				dump(_metadata, &self->res);
			}
			/* a rotated file rolled back: an older file in the place of a newer one */
			for (k = 0; k < lg->nfiles; k++)
				files[k] = lg->files[k];
			files[lg->nfiles - 3] = lg->files[lg->nfiles - 5];
			EXPECT_EQ(1, verify_files_opts(self->key0, self->key0_len, files,
						       lg->nfiles, &o, &self->res));
			EXPECT_TRUE(found(&self->res, VERIFY_REORDERED, 1)) {
				dump(_metadata, &self->res);
			}
			EXPECT_STREQ(lg->files[lg->nfiles - 5], self->res.file);
			free(names);
		}
		chain_state_wipe(&st);
	}

	/* the same through inputauditctl: --key-hex (as key init prints it), --state-dir */
	{
		char hexfile[160], hex[2 * CHAIN_KEY_MAX + 2];
		const char *argv[MAX_LOG_FILES + 8] = { INPUTAUDITCTL_BIN, "verify", "--key-hex",
							hexfile, "--state-dir", self->state };
		FILE *f;

		snprintf(hexfile, sizeof(hexfile), "%s/key.hex", self->dir);
		for (k = 0; k < self->key0_len; k++)
			snprintf(hex + 2 * k, 3, "%02x", self->key0[k]);
		f = fopen(hexfile, "w");
		ASSERT_NE(NULL, f);
		fprintf(f, "%s\n", hex);
		fclose(f);
		for (k = 0; k < lg->nfiles; k++)
			argv[6 + k] = lg->files[k];
		argv[6 + k] = NULL;
		EXPECT_EQ(0, run_to_files(argv, self->out, self->err)) {
			TH_LOG("%s %s", slurp_into(self->out, out, sizeof(out)),
			       slurp_into(self->err, line, sizeof(line)));
		}
		EXPECT_NE(NULL, strstr(slurp_into(self->out, out, sizeof(out)),
				       "in 3 runs (runs 1..3)")) {
			TH_LOG("%s", out);
		}
		/* the last file rolled back to an earlier copy of itself: the state says more */
		snprintf(cmd, sizeof(cmd), "head -c 100 '%s' > '%s/short' && mv '%s/short' '%s'",
			 lg->files[lg->nfiles - 1], self->dir, self->dir, lg->files[lg->nfiles - 1]);
		ASSERT_EQ(0, system(cmd));
		EXPECT_EQ(1, run_to_files(argv, self->out, self->err));
		EXPECT_NE(NULL, strstr(slurp_into(self->out, out, sizeof(out)), ": deleted: ")) {
			TH_LOG("%s", out);
		}
	}

	/* delete a whole run (run 2): found at run 3's chain_start */
	idx = malloc(lg->n * sizeof(*idx));
	for (n = 0, i = 0; i < lg->n; i++)
		if (i < r2 || i >= end2)
			idx[n++] = i;
	buf = join(lg, idx, n, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_DELETED, r2 + 1)) {
		dump(_metadata, &self->res);
	}
	EXPECT_NE(NULL, strstr(self->res.detail, "run 2..2 missing"));
	EXPECT_EQ(1, self->res.nproblems) {
		dump(_metadata, &self->res);
	}
	free(buf);

	/* swap runs 2 and 3 */
	for (n = 0, i = 0; i < r2; i++)
		idx[n++] = i;
	for (i = r3; i < lg->n; i++)
		idx[n++] = i;
	for (i = r2; i < r3; i++)
		idx[n++] = i;
	buf = join(lg, idx, n, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_REORDERED, r2 + (lg->n - r3) + 1)) {
		dump(_metadata, &self->res);
	}
	free(buf);

	/* replay run 2 after itself */
	free(idx);
	idx = malloc((lg->n + end2 - r2) * sizeof(*idx));
	for (n = 0, i = 0; i < end2; i++)
		idx[n++] = i;
	for (i = r2; i < lg->n; i++)
		idx[n++] = i;
	buf = join(lg, idx, n, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_INSERTED, end2 + 1)) {
		dump(_metadata, &self->res);
	}
	EXPECT_EQ(1, self->res.nproblems) {
		dump(_metadata, &self->res);
	}
	free(buf);

	/* cut the head: the log starts at run 2's chain_start; or at a rotated file */
	free(idx);
	idx = seq_idx(lg->n);
	buf = join(lg, idx + r2, lg->n - r2, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_EQ(VERIFY_HEAD, self->res.kind);
	EXPECT_EQ(1, self->res.line);
	EXPECT_NE(NULL, strstr(self->res.detail, "of run 1")) {
		dump(_metadata, &self->res);
	}
	EXPECT_EQ(1, self->res.nproblems);
	free(buf);
	buf = join(lg, idx + lg->first_line[3], lg->n - lg->first_line[3], &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_EQ(VERIFY_HEAD, self->res.kind);
	EXPECT_EQ(1, self->res.line);
	EXPECT_EQ(1, self->res.nproblems) {
		dump(_metadata, &self->res);
	}
	/* accepted only as a partial log: "continues from n=K" */
	{
		struct verify_opts o = { .flags = VERIFY_ALLOW_PARTIAL };

		EXPECT_EQ(0, verify_buffer_opts(self->key0, self->key0_len, "log", buf, len,
						&o, &self->res)) {
			dump(_metadata, &self->res);
		}
		EXPECT_TRUE(self->res.partial);
		EXPECT_EQ(lg->first_line[3], self->res.continues_from);
	}
	free(buf);
	free(idx);

	/*
	 * CVE-2023-31438: truncate in run 3 and carry on sealing with the key
	 * taken from the host: the sealing goes on from the last line kept.
	 */
	steal_key(self, &st);
	ASSERT_NE(0, st.key_len);
	k = r3 + (lg->n - r3) / 2;
	idx = seq_idx(k + 1);
	buf = join(lg, idx, k + 1, &len);
	attacker_chain(lg, k, &st, &c);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line),
			 "{\"seq\":%u,\"time_ns\":1,\"type\":\"event\",\"dev\":1,\"event\":\"key_press\",\"class\":\"text\"}\n",
			 90000 + i);
		ret = chain_seal(&c, line, strlen(line), out, sizeof(out));
		ASSERT_LT(0, ret);
		buf = realloc(buf, len + ret + 1);
		memcpy(buf + len, out, ret);
		len += ret;
	}
	ret = chain_checkpoint_line(&c, 2, 90004, true, out, sizeof(out));
	buf = realloc(buf, len + ret + 1);
	memcpy(buf + len, out, ret);
	len += ret;
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_MODIFIED, k + 2) ||
		    found(&self->res, VERIFY_INSERTED, k + 2) ||
		    found(&self->res, VERIFY_EPOCH, k + 2)) {
		dump(_metadata, &self->res);
	}
	EXPECT_EQ(k + 1, self->res.lines);
	EXPECT_NE(0, self->res.unverified);
	free(buf);
	free(idx);

	/*
	 * CVE-2023-31439: lines of run 1 (an early epoch) changed and re-sealed,
	 * from there on, with the later key: not accepted.
	 */
	k = lg->start[1] + 40;
	idx = seq_idx(lg->n);
	buf = join(lg, idx, k, &len);
	attacker_chain(lg, k - 1, &st, &c);
	for (i = k; i < r2; i++) {
		char *body = strdup(lg->line[i]), *cut = strstr(body, ",\"n\":");
		char *ev = strstr(body, "key_press");

		strcpy(cut, "}\n");
		if (i == k && ev)
			memcpy(ev, "key_relse", 9);
		ret = chain_seal(&c, body, strlen(body), out, sizeof(out));
		free(body);
		ASSERT_LT(0, ret);
		buf = realloc(buf, len + ret + 1);
		memcpy(buf + len, out, ret);
		len += ret;
	}
	{
		size_t rest;
		char *tail = join(lg, idx + r2, lg->n - r2, &rest);

		buf = realloc(buf, len + rest + 1);
		memcpy(buf + len, tail, rest + 1);
		len += rest;
		free(tail);
	}
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_EQ(k + 1, self->res.line) {
		dump(_metadata, &self->res);
	}
	/* the whole re-sealed stretch is one problem's range, not verified */
	EXPECT_EQ(r2, self->res.problems[0].line_last) {
		dump(_metadata, &self->res);
	}
	EXPECT_EQ(k, self->res.lines);
	EXPECT_LE(r2 - k - 1, self->res.unverified);
	/* and verification goes on: runs 2 and 3 are checked */
	EXPECT_LE(k + (lg->n - r2), self->res.lines_total);
	free(buf);

	/*
	 * Forge with the key taken from the stopped daemon: a line of run 2
	 * changed and re-sealed; lines sealed after run 3's final checkpoint.
	 */
	k = r2 + 30;
	{
		char *body = strdup(lg->line[k]), *cut = strstr(body, ",\"n\":");
		char *keep = lg->line[k];

		strcpy(cut, "}\n");
		attacker_chain(lg, k - 1, &st, &c);
		ret = chain_seal(&c, body, strlen(body), out, sizeof(out));
		free(body);
		ASSERT_LT(0, ret);
		lg->line[k] = out;
		buf = join(lg, idx, lg->n, &len);
		lg->line[k] = keep;
		EXPECT_EQ(1, check(self, buf, len));
		EXPECT_TRUE(found(&self->res, VERIFY_MODIFIED, k + 1)) {
			dump(_metadata, &self->res);
		}
		free(buf);
	}
	buf = join(lg, idx, lg->n, &len);
	attacker_chain(lg, lg->n - 1, &st, &c);
	c.epoch = st.epoch;
	ret = chain_seal(&c, "{\"seq\":99999,\"type\":\"event\"}\n", 29, out, sizeof(out));
	ASSERT_LT(0, ret);
	buf = realloc(buf, len + ret + 1);
	memcpy(buf + len, out, ret);
	len += ret;
	ret = chain_checkpoint_line(&c, 3, 99999, true, out, sizeof(out));
	buf = realloc(buf, len + ret + 1);
	memcpy(buf + len, out, ret);
	len += ret;
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_INSERTED, lg->n + 1) ||
		    found(&self->res, VERIFY_MODIFIED, lg->n + 1)) {
		dump(_metadata, &self->res);
	}
	free(buf);
	free(idx);
	chain_state_wipe(&st);
}

/*
 * A daemon killed in the middle of its run (SIGKILL: no final checkpoint)
 * does not hide a line changed after it: verify reports the crash and goes
 * on to find the change in the next run.  And a lost chain state is said in
 * the next chain_start and reported.
 */
TEST_F(runs, crash_does_not_hide_a_later_modification)
{
	const char *argv[] = { INPUTAUDITD_BIN, "--replay", self->rec, "-c", self->conf,
			       NULL };
	struct log *lg = &self->log;
	char text[4096], path[256], *buf;
	unsigned int *idx, k;
	size_t len;
	pid_t pid;
	int status;

	ASSERT_EQ(0, daemon_run(self, 1000));
	/* run 2: a long one, killed once its chain state names it */
	make_records(MAX_RECS);
	{
		struct recfile rf;
		unsigned int rep, r;

		ASSERT_EQ(0, recfile_create(&rf, self->rec));
		for (rep = 0; rep < 40; rep++)
			for (r = 0; r < stream.n; r++) {
				struct inputaudit_record rec = stream.rec[r];

				rec.seq += (uint64_t)rep * MAX_RECS;
				rec.time_ns += (uint64_t)rep * MAX_RECS * 10000000ull;
				ASSERT_EQ(0, recfile_write(&rf, &rec));
			}
		ASSERT_EQ(0, recfile_close(&rf));
	}
	pid = spawn_daemon(argv, self->err);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "%s/chain.state", self->state);
	for (k = 0; k < 20000; k++) {
		char *t = slurp_into(path, text, sizeof(text));

		if (strstr(t, "\nrun 2\n") && !strstr(t, "last 1 "))
			break;
		usleep(200);
	}
	ASSERT_EQ(0, kill(pid, SIGKILL));
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("run 2 ended before it was killed");
	}
	ASSERT_EQ(0, daemon_run(self, 1000));
	read_log(lg, self->logdir);
	ASSERT_EQ(3, lg->nruns);

	idx = seq_idx(lg->n);
	/* change a line in run 3 */
	k = lg->start[3] + 20;
	buf = strstr(lg->line[k], "key_press");
	ASSERT_NE(NULL, buf);
	memcpy(buf, "key_relse", 9);
	buf = join(lg, idx, lg->n, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_TRUNCATED, lg->start[3] + 1)) {
		dump(_metadata, &self->res);
	}
	EXPECT_TRUE(found(&self->res, VERIFY_MODIFIED, k + 1)) {
		dump(_metadata, &self->res);
	}
	EXPECT_EQ(2, self->res.nproblems) {
		dump(_metadata, &self->res);
	}
	free(buf);

	/* the state file lost (a new disk): run 4 says so, verify reports it */
	snprintf(path, sizeof(path), "%s/chain.state", self->state);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, daemon_run(self, 200));
	for (k = 0; k < lg->n; k++)
		free(lg->line[k]);
	memset(lg, 0, sizeof(*lg));
	read_log(lg, self->logdir);
	ASSERT_EQ(4, lg->nruns);
	EXPECT_NE(NULL, strstr(lg->line[lg->start[4]], "\"prev_run\":\"lost\""));
	free(idx);
	idx = seq_idx(lg->n);
	buf = join(lg, idx, lg->n, &len);
	EXPECT_EQ(1, check(self, buf, len));
	EXPECT_TRUE(found(&self->res, VERIFY_STATE_LOST, lg->start[4] + 1)) {
		dump(_metadata, &self->res);
	}
	free(buf);
	free(idx);
}

/* key init prints the initial key once, in hex: the key verify needs. */
TEST_F(runs, key_init_prints_the_key)
{
	const char *again[] = { INPUTAUDITCTL_BIN, "key", "init", "--state-dir", self->state,
				NULL };
	char text[256], hex[2 * CHAIN_KEY_MAX + 1], other[128];
	const char *force[] = { INPUTAUDITCTL_BIN, "key", "init", "--state-dir", other,
				"--force", NULL };
	struct stat sb;
	size_t i;

	/* a chain already set up is kept */
	EXPECT_EQ(2, run_to_files(again, self->out, self->err));
	snprintf(other, sizeof(other), "%s/other", self->dir);
	ASSERT_EQ(0, run_to_files(force, self->out, self->err));
	slurp_into(self->out, text, sizeof(text));
	EXPECT_EQ(65, strlen(text));
	snprintf(text, sizeof(text), "%s/chain.state", other);
	ASSERT_EQ(0, stat(text, &sb));
	EXPECT_EQ(0600, sb.st_mode & 0777);
	for (i = 0; i < self->key0_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", self->key0[i]);
	/* the state made in setup holds the key written with --key */
	{
		struct chain_state st;
		int fd = open(self->state, O_RDONLY | O_DIRECTORY);

		ASSERT_EQ(0, chain_state_load(fd, &st));
		close(fd);
		EXPECT_EQ(0, memcmp(st.key, self->key0, self->key0_len));
		EXPECT_EQ(0, st.run);
		EXPECT_FALSE(st.have_last);
		chain_state_wipe(&st);
	}
	/* --adopt: an older version's key becomes the initial key, nothing printed */
	{
		const char *adopt[] = { INPUTAUDITCTL_BIN, "key", "init", "--adopt", self->key,
					"--state-dir", NULL, NULL };
		char adopted[128];
		struct chain_state st;
		int fd;

		snprintf(adopted, sizeof(adopted), "%s/adopted", self->dir);
		adopt[6] = adopted;
		ASSERT_EQ(0, run_to_files(adopt, self->out, self->err));
		EXPECT_STREQ("", slurp_into(self->out, text, sizeof(text)));
		fd = open(adopted, O_RDONLY | O_DIRECTORY);
		ASSERT_EQ(0, chain_state_load(fd, &st));
		close(fd);
		EXPECT_EQ(self->key0_len, st.key_len);
		EXPECT_EQ(0, memcmp(st.key, self->key0, self->key0_len));
		chain_state_wipe(&st);
	}
}

TEST_HARNESS_MAIN
