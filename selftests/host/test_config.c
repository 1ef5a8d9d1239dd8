// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests for userspace/daemon/config.c: every file in configs/good loads, every
 * file in configs/bad fails with the error its first line announces
 * ("# expect: LINE: message"; the error must read "PATH:LINE: message..."),
 * and the values land in struct ia_config.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "config.h"
#include "inputaudit.h"

#ifndef CONFIG_DIR
#error "CONFIG_DIR: the selftests/host/configs directory"
#endif
#ifndef EXAMPLE_CONF
#error "EXAMPLE_CONF: etc/inputauditd.conf"
#endif

#define ERRLEN	512

static int conf_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 5 && !strcmp(d->d_name + len - 5, ".conf");
}

/* Write text to a new temporary file; its path goes to path[64]. */
static int write_temp(const char *text, char *path)
{
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/ia-test-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		return -errno;
	}
	fputs(text, fp);
	return fclose(fp) ? -errno : 0;
}

/* Load a config given as text.  Return: config_load()'s result. */
static int load_text(const char *text, struct ia_config *cfg, char *err,
		     char *path)
{
	int ret = write_temp(text, path);

	if (ret)
		return ret;
	ret = config_load(path, cfg, err, ERRLEN);
	unlink(path);
	return ret;
}

TEST(good_files_load)
{
	struct dirent **names;
	char path[512], err[ERRLEN];
	struct ia_config cfg;
	int n, i;

	n = scandir(CONFIG_DIR "/good", &names, conf_filter, alphasort);
	ASSERT_GT(n, 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/good/%s", CONFIG_DIR,
			 names[i]->d_name);
		EXPECT_EQ(0, config_load(path, &cfg, err, sizeof(err)))
			TH_LOG("%s: %s", path, err);
		config_free(&cfg);
		free(names[i]);
	}
	free(names);
}

TEST(bad_files_fail_with_their_error)
{
	struct dirent **names;
	char path[512], err[ERRLEN], first[512], *expect;
	struct ia_config cfg;
	int n, i, ret;
	size_t plen;
	FILE *fp;

	n = scandir(CONFIG_DIR "/bad", &names, conf_filter, alphasort);
	ASSERT_GE(n, 15);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/bad/%s", CONFIG_DIR,
			 names[i]->d_name);
		fp = fopen(path, "r");
		ASSERT_NE(NULL, fp);
		ASSERT_NE(NULL, fgets(first, sizeof(first), fp));
		fclose(fp);
		first[strcspn(first, "\n")] = '\0';
		ASSERT_EQ(0, strncmp(first, "# expect: ", 10)) TH_LOG("%s", path);
		expect = first + 10;

		err[0] = '\0';
		ret = config_load(path, &cfg, err, sizeof(err));
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s loaded", path);
		plen = strlen(path);
		/* "PATH:" then the expected "LINE: message" as a prefix. */
		EXPECT_TRUE(!strncmp(err, path, plen) && err[plen] == ':' &&
			    !strncmp(err + plen + 1, expect, strlen(expect)))
			TH_LOG("%s:\n  got    '%s'\n  wanted '%s'", names[i]->d_name,
			       err, expect);
		config_free(&cfg);
		free(names[i]);
	}
	free(names);
}

/* No file: defaults, stdout only, no chain, no kernel settings touched. */
TEST(defaults)
{
	struct ia_config cfg;
	int k;

	ASSERT_EQ(0, config_init(&cfg));
	EXPECT_STREQ("inputaudit", cfg.daemon.user);
	EXPECT_STREQ("inputaudit", cfg.daemon.group);
	EXPECT_FALSE(cfg.daemon.allow_root);
	EXPECT_EQ(1048576, cfg.daemon.ring_size);
	EXPECT_EQ(20, cfg.daemon.latency_ms);
	EXPECT_EQ(60000, cfg.daemon.stats_interval_ms);
	EXPECT_STREQ("/run/inputaudit", cfg.daemon.state_dir);
	EXPECT_STREQ("/var/lib/prometheus/node-exporter/inputaudit.prom",
		     cfg.daemon.metrics_file);
	EXPECT_EQ(15000, cfg.daemon.metrics_interval_ms);
	EXPECT_STREQ("", cfg.sha256);
	EXPECT_EQ(NULL, cfg.chain_key);
	EXPECT_EQ(IA_ACTION_AUDIT, cfg.default_action);
	EXPECT_TRUE(cfg.alert.injection);
	EXPECT_FALSE(cfg.alert.new_device);
	EXPECT_TRUE(cfg.alert.creator);
	EXPECT_EQ(1000, cfg.alert.blind_ms);
	EXPECT_TRUE(cfg.alert.loss);
	EXPECT_EQ(0, cfg.nrules + cfg.nfiles + cfg.nsyslogs + cfg.njournals);
	for (k = 0; k < IA_KSET_COUNT; k++)
		EXPECT_FALSE(cfg.kernel.set[k]);
	config_free(&cfg);
}

/* The shipped example loads and means what its comments say. */
TEST(example_config)
{
	char err[ERRLEN];
	struct ia_config cfg;

	ASSERT_EQ(0, config_load(EXAMPLE_CONF, &cfg, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_TRUE(cfg.kernel.set[IA_KSET_LEVEL]);
	EXPECT_EQ(INPUTAUDIT_LEVEL_ACTIVITY, cfg.kernel.val[IA_KSET_LEVEL]);
	EXPECT_FALSE(cfg.kernel.set[IA_KSET_LOCK]);
	EXPECT_STREQ("/etc/inputaudit/chain.key", cfg.chain_key);
	ASSERT_EQ(3, cfg.nrules);
	EXPECT_STREQ("uinput-tools", cfg.rules[0].name);
	EXPECT_EQ(IA_ACTION_ALERT, cfg.rules[0].action);
	EXPECT_EQ(IA_MATCH_VIRTUAL | IA_MATCH_CREATOR, cfg.rules[0].match);
	EXPECT_EQ(0x046d, cfg.rules[1].vendor);
	EXPECT_EQ(-1, cfg.rules[1].product);
	EXPECT_EQ(0x19, cfg.rules[2].bus);
	ASSERT_EQ(1, cfg.nfiles);
	EXPECT_STREQ("audit", cfg.files[0].name);
	EXPECT_EQ(NULL, cfg.files[0].group);
	EXPECT_EQ(104857600, cfg.files[0].max_size);
	/* Installed as is: only the file sink is on. */
	EXPECT_EQ(0, cfg.nsyslogs);
	EXPECT_EQ(0, cfg.njournals);
	config_free(&cfg);
}

TEST(values)
{
	static const char text[] =
		"[kernel]\n"
		"level = events\n"
		"window_ms = 2500\n"
		"lock = yes\n"
		"[daemon]\n"
		"user = ia-user\n"
		"ring_size = 4096\n"
		"metrics_file = /srv/metrics/ia.prom\n"
		"metrics_interval_ms = 3600000\n"
		"[policy]\n"
		"default = ignore\n"
		"[rule r1]\n"
		"match_name = ia-test *\n"
		"match_bus = bluetooth\n"
		"match_id = *:C52B\n"
		"match_virtual = no\n"
		"match_creator = ia_*\n"
		"action = alert\n"
		"[chain]\n"
		"key = /tmp/k\n"
		"[sink syslog s]\n"
		"host = ::1\n"
		"port = 601\n"
		"transport = tcp\n"
		"[sink file f]\n"
		"path = /tmp/f.jsonl\n"
		"group = adm\n"
		"keep = 9\n"
		"space_left = 10%\n"
		"disk_full_action = stop\n"
		"[sink file g]\n"
		"path = /tmp/g.jsonl\n"
		"space_left = 1048576\n";
	char path[64], err[ERRLEN];
	struct ia_config cfg;
	const struct ia_rule *r;

	ASSERT_EQ(0, load_text(text, &cfg, err, path)) TH_LOG("%s", err);
	EXPECT_EQ(INPUTAUDIT_LEVEL_EVENTS, cfg.kernel.val[IA_KSET_LEVEL]);
	EXPECT_TRUE(cfg.kernel.set[IA_KSET_WINDOW_MS]);
	EXPECT_EQ(2500, cfg.kernel.val[IA_KSET_WINDOW_MS]);
	EXPECT_TRUE(cfg.kernel.set[IA_KSET_LOCK]);
	EXPECT_EQ(1, cfg.kernel.val[IA_KSET_LOCK]);
	EXPECT_FALSE(cfg.kernel.set[IA_KSET_DEV_RATE]);
	EXPECT_STREQ("ia-user", cfg.daemon.user);
	EXPECT_STREQ("inputaudit", cfg.daemon.group);
	EXPECT_EQ(4096, cfg.daemon.ring_size);
	EXPECT_STREQ("/srv/metrics/ia.prom", cfg.daemon.metrics_file);
	EXPECT_EQ(3600000, cfg.daemon.metrics_interval_ms);
	EXPECT_EQ(IA_ACTION_IGNORE, cfg.default_action);
	ASSERT_EQ(1, cfg.nrules);
	r = &cfg.rules[0];
	EXPECT_STREQ("r1", r->name);
	EXPECT_EQ(12, r->line);
	EXPECT_EQ(IA_MATCH_NAME | IA_MATCH_BUS | IA_MATCH_ID | IA_MATCH_VIRTUAL |
		  IA_MATCH_CREATOR, r->match);
	EXPECT_STREQ("ia-test *", r->name_glob);
	EXPECT_EQ(0x05, r->bus);
	EXPECT_EQ(-1, r->vendor);
	EXPECT_EQ(0xc52b, r->product);
	EXPECT_FALSE(r->is_virtual);
	EXPECT_STREQ("ia_*", r->creator_glob);
	EXPECT_EQ(IA_ACTION_ALERT, r->action);
	EXPECT_STREQ("/tmp/k", cfg.chain_key);
	ASSERT_EQ(1, cfg.nsyslogs);
	EXPECT_STREQ("::1", cfg.syslogs[0].host);
	EXPECT_EQ(601, cfg.syslogs[0].port);
	EXPECT_STREQ("inputaudit", cfg.syslogs[0].app_name);
	EXPECT_STREQ("inputaudit@32473", cfg.syslogs[0].sd_id);
	EXPECT_STREQ("/var/spool/inputaudit", cfg.syslogs[0].spool_dir);
	EXPECT_EQ(100, cfg.syslogs[0].backoff_min_ms);
	EXPECT_EQ(30000, cfg.syslogs[0].backoff_max_ms);
	EXPECT_TRUE(cfg.syslogs[0].plain_tcp);
	ASSERT_EQ(2, cfg.nfiles);
	EXPECT_STREQ("/tmp/f.jsonl", cfg.files[0].path);
	EXPECT_STREQ("adm", cfg.files[0].group);
	EXPECT_EQ(9, cfg.files[0].keep);
	EXPECT_EQ(25, cfg.files[0].line);
	EXPECT_EQ(10, cfg.files[0].space_left);
	EXPECT_TRUE(cfg.files[0].space_left_pct);
	EXPECT_TRUE(cfg.files[0].disk_full_stop);
	/* The defaults: no warning, keep capturing. */
	EXPECT_EQ(1048576, cfg.files[1].space_left);
	EXPECT_FALSE(cfg.files[1].space_left_pct);
	EXPECT_FALSE(cfg.files[1].disk_full_stop);
	config_free(&cfg);
}

/*
 * sd_id takes an RFC 5424 SD-ID of the NAME@PEN form only; a bad one is
 * refused naming the file and the line.
 */
TEST(syslog_sd_id)
{
	static const char *const good[] = {
		"inputaudit@32473", "a@1", "ia-fleet_1.x@32473.1.2",
		"abcdefghijklmnopqrstuvwxyz@12345",	/* 32: the most */
	};
	static const char *const bad[] = {
		"inputaudit",		/* no '@': reserved for IANA-registered IDs */
		"timeQuality", "@32473", "a@", "a@b", "a@1.", "a@.1", "a@1..2",
		"a@1@2", "a=b@1", "a]b@1", "a\"b@1", "a\x7f@1", "\xc3\xa4@1",
		"abcdefghijklmnopqrstuvwxyz@123456",	/* 33 */
	};
	char text[256], path[64], err[ERRLEN], want[128];
	struct ia_config cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[chain]\nkey = /tmp/k\n[sink syslog s]\ntransport = tcp\nsd_id = %s\n", good[i]);
		ASSERT_EQ(0, load_text(text, &cfg, err, path)) TH_LOG("%s: %s", good[i], err);
		EXPECT_STREQ(good[i], cfg.syslogs[0].sd_id);
		config_free(&cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[chain]\nkey = /tmp/k\n[sink syslog s]\nsd_id = %s\n", bad[i]);
		EXPECT_EQ(-EINVAL, load_text(text, &cfg, err, path)) TH_LOG("%s loaded", bad[i]);
		snprintf(want, sizeof(want), "%s:4: bad value '%s' for sd_id in [sink syslog s]",
			 path, bad[i]);
		EXPECT_EQ(0, strncmp(err, want, strlen(want)))
			TH_LOG("got '%s', wanted '%s'", err, want);
		config_free(&cfg);
	}
}

/* A BOM, CRLF line ends and tabs are fine; line numbers still count right. */
TEST(bom_crlf_tabs)
{
	char path[64], err[ERRLEN], want[128];
	struct ia_config cfg;

	ASSERT_EQ(0, load_text("\xef\xbb\xbf[kernel]\r\n\tlevel = off\r\n\r\n",
			       &cfg, err, path)) TH_LOG("%s", err);
	EXPECT_EQ(INPUTAUDIT_LEVEL_OFF, cfg.kernel.val[IA_KSET_LEVEL]);
	config_free(&cfg);

	ASSERT_EQ(-EINVAL, load_text("\xef\xbb\xbf[kernel]\r\n\r\n\tlevel = of\r\n",
				     &cfg, err, path));
	snprintf(want, sizeof(want), "%s:3: bad value 'of' for level", path);
	EXPECT_EQ(0, strncmp(err, want, strlen(want))) TH_LOG("%s", err);
	config_free(&cfg);
}

/* Of several errors, the one on the earliest line is reported. */
TEST(first_error_wins)
{
	static const char text[] =
		"[kernel]\n"
		"level = events\n"
		"[rule late]\n"			/* 3: no action, found at its end */
		"match_bus = usb\n"
		"[kernel]\n"			/* 5: duplicate section */
		"bogus = 1\n";
	char path[64], err[ERRLEN], want[128];
	struct ia_config cfg;

	ASSERT_EQ(-EINVAL, load_text(text, &cfg, err, path));
	snprintf(want, sizeof(want),
		 "%s:3: missing required key 'action' in [rule late]", path);
	EXPECT_STREQ(want, err);
	config_free(&cfg);
}

/* An indented line is a key, never a continuation of the previous value. */
TEST(no_continuation_lines)
{
	char path[64], err[ERRLEN];
	struct ia_config cfg;

	ASSERT_EQ(0, load_text("[rule r]\nmatch_name = a\n  action = ignore\n",
			       &cfg, err, path)) TH_LOG("%s", err);
	ASSERT_EQ(1, cfg.nrules);
	EXPECT_STREQ("a", cfg.rules[0].name_glob);
	EXPECT_EQ(IA_ACTION_IGNORE, cfg.rules[0].action);
	config_free(&cfg);
}

TEST(missing_file)
{
	char err[ERRLEN];
	struct ia_config cfg;

	EXPECT_EQ(-EINVAL, config_load("/nonexistent/ia.conf", &cfg, err,
				       sizeof(err)));
	EXPECT_STREQ("/nonexistent/ia.conf:0: No such file or directory", err);
	config_free(&cfg);
}

/* An empty metrics_file turns the metrics off; it is no error. */
TEST(metrics_off)
{
	char path[64], err[ERRLEN];
	struct ia_config cfg;

	ASSERT_EQ(0, load_text("[daemon]\nmetrics_file =\n", &cfg, err, path))
		TH_LOG("%s", err);
	EXPECT_STREQ("", cfg.daemon.metrics_file);
	config_free(&cfg);
}

/* SHA-256 (OpenSSL's, computed here) of text, in hex; "" if that failed. */
static void digest(const char *text, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!EVP_Digest(text, len, md, &n, EVP_sha256(), NULL) || n != 32)
		return;
	for (unsigned int i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

/*
 * cfg->sha256 is the digest of the very bytes parsed (the metrics'
 * config_info): the same text gives the same digest, a comment more gives
 * another.
 */
TEST(sha256_of_the_bytes)
{
	static const char a[] = "[policy]\ndefault = ignore\n";
	static const char b[] = "[policy]\ndefault = ignore\n# edited\n";
	char path[64], err[ERRLEN], want[65];
	struct ia_config cfg;

	ASSERT_EQ(0, load_text(a, &cfg, err, path)) TH_LOG("%s", err);
	digest(a, sizeof(a) - 1, want);
	ASSERT_EQ(64, strlen(want));
	EXPECT_STREQ(want, cfg.sha256);
	config_free(&cfg);
	ASSERT_EQ(0, config_load_mem("mem.conf", b, sizeof(b) - 1, &cfg, err,
				     sizeof(err)));
	digest(b, sizeof(b) - 1, want);
	EXPECT_STREQ(want, cfg.sha256);
	config_free(&cfg);
}

/* A file past CONFIG_MAX_SIZE is refused before it is parsed. */
TEST(too_large)
{
	char path[64], err[ERRLEN], want[128];
	struct ia_config cfg;
	char *text = malloc(CONFIG_MAX_SIZE + 2);

	ASSERT_NE(NULL, text);
	for (int i = 0; i <= CONFIG_MAX_SIZE; i++)
		text[i] = i % 2 ? '\n' : '#';	/* comment lines */
	text[CONFIG_MAX_SIZE + 1] = '\0';
	EXPECT_EQ(-EINVAL, load_text(text, &cfg, err, path));
	snprintf(want, sizeof(want), "%s:0: larger than %d bytes", path,
		 CONFIG_MAX_SIZE);
	EXPECT_STREQ(want, err);
	config_free(&cfg);
	text[CONFIG_MAX_SIZE] = '\0';	/* exactly the limit: loads */
	EXPECT_EQ(0, load_text(text, &cfg, err, path)) TH_LOG("%s", err);
	config_free(&cfg);
	free(text);
}

/* The in-memory parser (the fuzz target's way in) is the file parser. */
TEST(load_mem)
{
	static const char good[] = "[policy]\ndefault = ignore\n[rule a]\naction = audit";
	static const char bad[] = "[policy]\ndefault = audit\ndefault = audit\n";
	char err[ERRLEN];
	struct ia_config cfg;

	ASSERT_EQ(0, config_load_mem("mem.conf", good, sizeof(good) - 1, &cfg,
				     err, sizeof(err)));
	EXPECT_STREQ("mem.conf", cfg.path);
	EXPECT_EQ(IA_ACTION_IGNORE, cfg.default_action);
	ASSERT_EQ(1, cfg.nrules);
	EXPECT_EQ(IA_ACTION_AUDIT, cfg.rules[0].action);
	config_free(&cfg);

	EXPECT_EQ(-EINVAL, config_load_mem("mem.conf", bad, sizeof(bad) - 1,
					   &cfg, err, sizeof(err)));
	EXPECT_EQ(0, strncmp(err, "mem.conf:3: ", 12));
	config_free(&cfg);

	EXPECT_EQ(0, config_load_mem("empty.conf", "", 0, &cfg, err, sizeof(err)));
	EXPECT_EQ(0, cfg.nrules);
	config_free(&cfg);
}

TEST(kset_names)
{
	EXPECT_STREQ("window_ms", config_kset_name(IA_KSET_WINDOW_MS));
	EXPECT_STREQ("inject_interval_ms",
		     config_kset_name(IA_KSET_INJECT_INTERVAL_MS));
	EXPECT_STREQ("level", config_kset_name(IA_KSET_LEVEL));
	EXPECT_STREQ("lock", config_kset_name(IA_KSET_LOCK));
	EXPECT_EQ(NULL, config_kset_name(IA_KSET_COUNT));
}

/* A TLS syslog sink's keys are kept as written; TLS is the default transport. */
TEST(syslog_tls_keys)
{
	const char *text = "[chain]\nkey = /tmp/k\n[sink syslog s]\n"
		"tls_ca = /etc/ia/ca.pem\ntls_cert = /etc/ia/c.pem\ntls_key = /etc/ia/c.key\n"
		"tls_peer_name = logs.example.org\n"
		"tls_peer_fingerprint = SHA256:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
		"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF\n";
	struct ia_config cfg;
	char err[ERRLEN];

	ASSERT_EQ(0, config_load_mem("mem.conf", text, strlen(text), &cfg, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(1, cfg.nsyslogs);
	EXPECT_FALSE(cfg.syslogs[0].plain_tcp);
	EXPECT_STREQ("/etc/ia/ca.pem", cfg.syslogs[0].tls_ca);
	EXPECT_STREQ("/etc/ia/c.pem", cfg.syslogs[0].tls_cert);
	EXPECT_STREQ("/etc/ia/c.key", cfg.syslogs[0].tls_key);
	EXPECT_STREQ("logs.example.org", cfg.syslogs[0].tls_peer_name);
	EXPECT_EQ(0, strncmp(cfg.syslogs[0].tls_peer_fingerprint, "SHA256:01:23", 12));
	config_free(&cfg);
}

TEST_HARNESS_MAIN
