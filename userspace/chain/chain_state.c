// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The chain's state between runs; see chain_state.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "atomic_file.h"
#include "chain_state.h"

#define STATE_MAGIC	"inputaudit-chain-state 1\n"
#define STATE_MAX	1024

static int unhex_n(const char *hex, size_t digits, uint8_t *out)
{
	size_t i;

	for (i = 0; i < digits / 2; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int parse(char *buf, struct chain_state *st)
{
	char key_hex[2 * CHAIN_KEY_MAX + 2], last_hex[CHAIN_HEX_LEN + 2];
	char *line, *save = NULL;
	unsigned int seen = 0;
	int ret = -EINVAL;

	if (strncmp(buf, STATE_MAGIC, strlen(STATE_MAGIC)))
		return -EINVAL;
	for (line = strtok_r(buf + strlen(STATE_MAGIC), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len;

		if (sscanf(line, "run %" SCNu64, &st->run) == 1) {
			seen |= 1;
		} else if (sscanf(line, "epoch %" SCNu64, &st->epoch) == 1) {
			seen |= 2;
		} else if (sscanf(line, "key_id %16[0-9a-f]", st->key_id) == 1 &&
			   strlen(st->key_id) == CHAIN_KEY_ID_LEN) {
			seen |= 4;
		} else if (sscanf(line, "key %129[0-9a-f]", key_hex) == 1) {
			len = strlen(key_hex);
			if (len % 2 || len < 2 * CHAIN_KEY_MIN || len > 2 * CHAIN_KEY_MAX ||
			    unhex_n(key_hex, len, st->key))
				goto out;
			st->key_len = len / 2;
			seen |= 8;
		} else if (!strcmp(line, "last none")) {
			st->have_last = false;
			seen |= 16;
		} else if (sscanf(line, "last %" SCNu64 " %64[0-9a-f]", &st->last_n,
				  last_hex) == 2 && strlen(last_hex) == CHAIN_HEX_LEN &&
			   !chain_unhex(last_hex, st->last_chain)) {
			st->have_last = true;
			seen |= 16;
		} else {
			goto out;
		}
	}
	if (seen == 31)
		ret = 0;
out:
	OPENSSL_cleanse(key_hex, sizeof(key_hex));
	return ret;
}

int chain_state_load(int dirfd, struct chain_state *st)
{
	char buf[STATE_MAX + 1];
	size_t have = 0;
	ssize_t n;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	fd = openat(dirfd, CHAIN_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	while (have < STATE_MAX) {
		n = read(fd, buf + have, STATE_MAX - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	buf[have] = '\0';
	if (!ret)
		ret = parse(buf, st);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret)
		chain_state_wipe(st);
	return ret;
}

int chain_state_save(int dirfd, const struct chain_state *st)
{
	char buf[STATE_MAX], key_hex[2 * CHAIN_KEY_MAX + 1], last[CHAIN_HEX_LEN + 32];
	char hex[CHAIN_HEX_LEN + 1];
	size_t i;
	int len, ret;

	for (i = 0; i < st->key_len; i++)
		snprintf(key_hex + 2 * i, 3, "%02x", st->key[i]);
	key_hex[2 * st->key_len] = '\0';
	if (st->have_last) {
		chain_hex(st->last_chain, hex);
		snprintf(last, sizeof(last), "%" PRIu64 " %s", st->last_n, hex);
	} else {
		snprintf(last, sizeof(last), "none");
	}
	len = snprintf(buf, sizeof(buf),
		       STATE_MAGIC "run %" PRIu64 "\nepoch %" PRIu64 "\nkey_id %s\nkey %s\nlast %s\n",
		       st->run, st->epoch, st->key_id, key_hex, last);
	OPENSSL_cleanse(key_hex, sizeof(key_hex));
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return -ENOSPC;
	}
	ret = atomic_file_write(dirfd, CHAIN_STATE_FILE, CHAIN_STATE_TMP, buf, len, 0600);
	OPENSSL_cleanse(buf, sizeof(buf));
	/* the rename itself must survive a power loss */
	if (!ret && fsync(dirfd) < 0)
		ret = -errno;
	return ret;
}

void chain_state_wipe(struct chain_state *st)
{
	OPENSSL_cleanse(st, sizeof(*st));
}
