// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests for userspace/chain/chain.c: the HMAC against RFC 4231, sealed lines
 * against an independent computation with OpenSSL's HMAC(), the daemon's
 * own lines, and the key file checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "kselftest_harness.h"
#include "chain.h"

static void to_hex(const uint8_t *bin, size_t len, char *hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", bin[i]);
}

/* RFC 4231 test case 1 and 2 (HMAC-SHA-256), also split in two parts. */
TEST(rfc4231)
{
	static const char tc2_mac[] =
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	static const char tc1_mac[] =
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
	static const char data2[] = "what do ya want for nothing?";
	uint8_t key1[20], mac[CHAIN_LEN];
	char hex[CHAIN_HEX_LEN + 1];

	ASSERT_EQ(0, chain_hmac((const uint8_t *)"Jefe", 4, data2, strlen(data2),
				NULL, 0, mac));
	chain_hex(mac, hex);
	EXPECT_STREQ(tc2_mac, hex);

	/* the same bytes as prefix || rest, the way chain_seal() feeds them */
	ASSERT_EQ(0, chain_hmac((const uint8_t *)"Jefe", 4, data2, 16, data2 + 16,
				strlen(data2) - 16, mac));
	chain_hex(mac, hex);
	EXPECT_STREQ(tc2_mac, hex);

	memset(key1, 0x0b, sizeof(key1));
	ASSERT_EQ(0, chain_hmac(key1, sizeof(key1), NULL, 0, "Hi There", 8, mac));
	chain_hex(mac, hex);
	EXPECT_STREQ(tc1_mac, hex);

	EXPECT_EQ(0, chain_unhex(tc2_mac, mac));
	chain_hex(mac, hex);
	EXPECT_STREQ(tc2_mac, hex);
	EXPECT_EQ(-EINVAL, chain_unhex("5BDC", mac));
}

/*
 * Three lines sealed by chain_seal() against the contract computed here
 * with OpenSSL's one-shot HMAC(): body = line without "}\n" + ,"n":N;
 * chain_n = HMAC(key, chain_{n-1} || body), chain_0 = 32 zero bytes.
 */
TEST(three_lines)
{
	static const char *const in[] = {
		"{\"seq\":1,\"time_ns\":3270000000,\"type\":\"device_added\",\"dev\":2}\n",
		"{\"seq\":2,\"time_ns\":3370000000,\"type\":\"event\",\"dev\":2,\"event\":\"key_press\",\"class\":\"text\"}\n",
		"{\"type\":\"stats\",\"time_ns\":6873132880,\"received\":2,\"final\":true}\n",
	};
	uint8_t key[32], prev[CHAIN_LEN] = { 0 }, mac[EVP_MAX_MD_SIZE];
	char out[512], body[512], want[600], hex[CHAIN_HEX_LEN + 1];
	struct chain c;
	unsigned int maclen, i;
	int len, blen;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(0, chain_init(&c, key, sizeof(key)));
	EXPECT_EQ(0, c.n);

	for (i = 0; i < 3; i++) {
		uint8_t msg[600];

		blen = snprintf(body, sizeof(body), "%.*s,\"n\":%u",
				(int)strlen(in[i]) - 2, in[i], i + 1);
		memcpy(msg, prev, CHAIN_LEN);
		memcpy(msg + CHAIN_LEN, body, blen);
		ASSERT_NE(NULL, HMAC(EVP_sha256(), key, sizeof(key), msg,
				     CHAIN_LEN + blen, mac, &maclen));
		ASSERT_EQ(32, maclen);
		to_hex(mac, 32, hex);
		snprintf(want, sizeof(want), "%s,\"chain\":\"%s\"}\n", body, hex);

		len = chain_seal(&c, in[i], strlen(in[i]), out, sizeof(out));
		ASSERT_EQ((int)strlen(want), len);
		EXPECT_STREQ(want, out);
		EXPECT_EQ(i + 1, c.n);
		EXPECT_EQ(0, memcmp(c.prev, mac, CHAIN_LEN));
		memcpy(prev, mac, CHAIN_LEN);
	}
}

TEST(seal_errors)
{
	static const char good[] = "{\"a\":1}\n";
	uint8_t key[16] = { 1 };
	char out[256];
	struct chain c;
	int len;

	ASSERT_EQ(0, chain_init(&c, key, sizeof(key)));
	EXPECT_EQ(-EINVAL, chain_seal(&c, "{\"a\":1}", 7, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, chain_seal(&c, "[1]\n", 4, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, chain_seal(&c, "{\"a\":1}\n{\"b\":2}\n", 16, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, chain_seal(&c, "}\n", 2, out, sizeof(out)));
	EXPECT_EQ(0, c.n);

	/* exactly fitting, and one byte short: the chain does not move */
	len = chain_seal(&c, good, strlen(good), out, sizeof(out));
	ASSERT_GT(len, 0);
	EXPECT_EQ(1, c.n);
	EXPECT_EQ(-ENOSPC, chain_seal(&c, good, strlen(good), out, len));
	EXPECT_EQ(-ENOSPC, chain_seal(&c, good, strlen(good), out, 4));
	EXPECT_EQ(1, c.n);
	EXPECT_EQ(len, chain_seal(&c, good, strlen(good), out, len + 1));
	EXPECT_EQ(2, c.n);
	EXPECT_EQ('\0', out[len]);
	EXPECT_EQ('\n', out[len - 1]);
	EXPECT_GE(strlen(good) + CHAIN_SEAL_EXTRA, (size_t)len);

	/* an empty object gets no leading comma */
	len = chain_seal(&c, "{}\n", 3, out, sizeof(out));
	ASSERT_GT(len, 0);
	EXPECT_EQ(0, strncmp(out, "{\"n\":3,\"chain\":\"", 16));
}

/* chain_start, checkpoint and file_continued lines as the contract spells them. */
TEST(daemon_lines)
{
	uint8_t key[20], md[SHA256_DIGEST_LENGTH];
	char out[1024], want[256], hex[CHAIN_HEX_LEN + 1], id[37];
	struct chain c;
	int len;

	memset(key, 0x5a, sizeof(key));
	ASSERT_EQ(0, chain_init(&c, key, sizeof(key)));
	SHA256(key, sizeof(key), md);
	to_hex(md, 8, hex);
	len = chain_start_line(&c, 123, "0d3f6a6c-29a9-4f7d-9a43-8e8f5d2b0c11", out,
			       sizeof(out));
	ASSERT_GT(len, 0);
	snprintf(want, sizeof(want),
		 "{\"time_ns\":123,\"type\":\"chain_start\",\"boot_id\":\"0d3f6a6c-29a9-4f7d-9a43-8e8f5d2b0c11\",\"key_id\":\"%s\",\"n\":1,\"chain\":\"",
		 hex);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("got %s", out);
	}
	EXPECT_EQ(strlen(want) + CHAIN_HEX_LEN + 3, (size_t)len);

	len = chain_checkpoint_line(&c, 456, 77, false, out, sizeof(out));
	ASSERT_GT(len, 0);
	EXPECT_EQ(0, strncmp(out, "{\"time_ns\":456,\"type\":\"checkpoint\",\"lines\":1,\"last_seq\":77,\"final\":false,\"n\":2,\"chain\":\"", 88)) {
		TH_LOG("got %s", out);
	}

	chain_hex(c.prev, hex);
	len = chain_file_continued_line(&c, 789, "audit\"x.jsonl.1", out, sizeof(out));
	ASSERT_GT(len, 0);
	snprintf(want, sizeof(want),
		 "{\"time_ns\":789,\"type\":\"file_continued\",\"prev_file\":\"audit\\\"x.jsonl.1\",\"prev_chain\":\"%s\",\"n\":3,",
		 hex);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("got %s", out);
	}

	len = chain_checkpoint_line(&c, 999, 80, true, out, sizeof(out));
	ASSERT_GT(len, 0);
	EXPECT_NE(NULL, strstr(out, "\"lines\":3,\"last_seq\":80,\"final\":true,\"n\":4,"));

	if (access("/proc/sys/kernel/random/boot_id", R_OK) == 0) {
		EXPECT_EQ(0, chain_boot_id(id));
		EXPECT_EQ(36, strlen(id));
	}
	chain_wipe(&c);
	EXPECT_EQ(0, c.key_len);
}

FIXTURE(keyfile)
{
	char dir[64];
	char path[128];
	char err[512];
	uint8_t key[CHAIN_KEY_MAX];
	size_t len;
};

FIXTURE_SETUP(keyfile)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/test_chain.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/chain.key", self->dir);
	self->len = 0;
	self->err[0] = '\0';
}

FIXTURE_TEARDOWN(keyfile)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

static void write_key(const char *path, size_t len, mode_t mode)
{
	uint8_t buf[128];
	size_t i;
	int fd;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(0xa0 + i);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || fchmod(fd, mode) || close(fd))
		abort();
}

static int load(FIXTURE_DATA(keyfile) *self, unsigned int flags)
{
	return chain_key_load_flags(self->path, self->key, &self->len, flags,
				    self->err, sizeof(self->err));
}

/* Owner checks are relaxed with the flags so this runs as any user. */
TEST_F(keyfile, lengths_and_modes)
{
	const unsigned int any = CHAIN_KEY_SKIP_OWNER;

	write_key(self->path, 32, 0600);
	ASSERT_EQ(0, load(self, any)) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(32, self->len);
	EXPECT_EQ(0xa0, self->key[0]);
	EXPECT_EQ(0xa0 + 31, self->key[31]);

	write_key(self->path, 16, 0400);
	EXPECT_EQ(0, load(self, any));
	EXPECT_EQ(16, self->len);
	write_key(self->path, 64, 0600);
	EXPECT_EQ(0, load(self, any));
	EXPECT_EQ(64, self->len);

	write_key(self->path, 15, 0600);
	EXPECT_EQ(-EINVAL, load(self, any));
	EXPECT_NE(NULL, strstr(self->err, "15 bytes; it must be 16 to 64 bytes"));
	write_key(self->path, 65, 0600);
	EXPECT_EQ(-EINVAL, load(self, any));
	EXPECT_NE(NULL, strstr(self->err, "over 64 bytes"));
	write_key(self->path, 0, 0600);
	EXPECT_EQ(-EINVAL, load(self, any));

	write_key(self->path, 32, 0640);
	EXPECT_EQ(-EPERM, load(self, any));
	EXPECT_NE(NULL, strstr(self->err, "mode 0640 gives group/other access")) {
		TH_LOG("%s", self->err);
	}
	write_key(self->path, 32, 0604);
	EXPECT_EQ(-EPERM, load(self, any));
	write_key(self->path, 32, 0610);
	EXPECT_EQ(-EPERM, load(self, any));
}

TEST_F(keyfile, not_regular)
{
	char target[160];

	ASSERT_EQ(0, mkdir(self->path, 0700));
	EXPECT_EQ(-EPERM, load(self, CHAIN_KEY_SKIP_OWNER));
	EXPECT_NE(NULL, strstr(self->err, "not a regular file"));
	ASSERT_EQ(0, rmdir(self->path));

	snprintf(target, sizeof(target), "%s/real.key", self->dir);
	write_key(target, 32, 0600);
	ASSERT_EQ(0, symlink(target, self->path));
	EXPECT_EQ(-EPERM, load(self, CHAIN_KEY_SKIP_OWNER));
	EXPECT_NE(NULL, strstr(self->err, "symbolic link"));
	ASSERT_EQ(0, unlink(self->path));

	ASSERT_EQ(0, mkfifo(self->path, 0600));
	EXPECT_EQ(-EPERM, load(self, CHAIN_KEY_SKIP_OWNER));
	EXPECT_NE(NULL, strstr(self->err, "not a regular file"));

	snprintf(self->path, sizeof(self->path), "%s/absent", self->dir);
	EXPECT_EQ(-ENOENT, load(self, 0));
}

/* Root's own key passes; a key owned by another user does not, unless allowed. */
TEST_F(keyfile, owner)
{
	write_key(self->path, 32, 0600);
	if (geteuid() != 0) {
		EXPECT_EQ(-EPERM, load(self, 0));
		EXPECT_NE(NULL, strstr(self->err, "not root"));
		EXPECT_EQ(0, load(self, CHAIN_KEY_ALLOW_EUID));
		SKIP(return, "not root: cannot test a root-owned key");
	}
	EXPECT_EQ(0, load(self, 0));
	EXPECT_EQ(0, chain_key_load(self->path, self->key, &self->len));
	ASSERT_EQ(0, chown(self->path, 65534, 65534));
	EXPECT_EQ(-EPERM, load(self, 0));
	EXPECT_NE(NULL, strstr(self->err, "owned by uid 65534, not root")) {
		TH_LOG("%s", self->err);
	}
	EXPECT_EQ(-EPERM, load(self, CHAIN_KEY_ALLOW_EUID));
	EXPECT_EQ(-EPERM, chain_key_load(self->path, self->key, &self->len));
	EXPECT_EQ(0, load(self, CHAIN_KEY_SKIP_OWNER));
}

TEST_HARNESS_MAIN
