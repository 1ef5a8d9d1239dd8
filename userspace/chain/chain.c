// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The HMAC chain over output lines; see chain.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "chain.h"
#include "jbuf.h"
#include "log.h"

/* Fetched once (chain_init, before the privilege drop) and kept. */
static EVP_MAC *chain_mac;

static int chain_mac_fetch(void)
{
	if (!chain_mac)
		chain_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	return chain_mac ? 0 : -ENOSYS;
}

/*
 * One HMAC context, keyed with the last key used and started afresh for
 * each MAC: EVP_MAC_init() without a key restarts it with the key it has.
 * Keying, looking up SHA-256 and allocating happen once instead of per
 * line (a copy of a keyed context per line cost about 4,000 instructions).
 */
static EVP_MAC_CTX *chain_ctx;
static uint8_t chain_ctx_key[CHAIN_KEY_MAX];
static size_t chain_ctx_len;

static void chain_ctx_drop(void)
{
	EVP_MAC_CTX_free(chain_ctx);
	chain_ctx = NULL;
	OPENSSL_cleanse(chain_ctx_key, sizeof(chain_ctx_key));
	chain_ctx_len = 0;
}

/*
 * A context started for a MAC under key, or NULL.  It is chain_ctx unless
 * the key is too long to remember; the caller frees any other.
 */
static EVP_MAC_CTX *chain_keyed(const uint8_t *key, size_t key_len)
{
	static const uint8_t nokey;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx;

	if (chain_ctx && key_len == chain_ctx_len &&
	    !CRYPTO_memcmp(key, chain_ctx_key, key_len)) {
		if (EVP_MAC_init(chain_ctx, NULL, 0, NULL))
			return chain_ctx;
		chain_ctx_drop();
	}
	if (chain_mac_fetch())
		return NULL;
	ctx = EVP_MAC_CTX_new(chain_mac);
	if (!ctx)
		return NULL;
	/* OpenSSL refuses a NULL key even when its length is 0. */
	if (!EVP_MAC_init(ctx, key_len ? key : &nokey, key_len, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	if (key_len > CHAIN_KEY_MAX)
		return ctx;
	chain_ctx_drop();
	chain_ctx = ctx;
	memcpy(chain_ctx_key, key, key_len);
	chain_ctx_len = key_len;
	return ctx;
}

int chain_hmac(const uint8_t *key, size_t key_len, const void *a, size_t alen,
	       const void *b, size_t blen, uint8_t out[CHAIN_LEN])
{
	EVP_MAC_CTX *ctx;
	size_t outl = 0;
	int ret = -EIO;

	ctx = chain_keyed(key, key_len);
	if (!ctx)
		return -EIO;
	if (alen && !EVP_MAC_update(ctx, a, alen))
		goto out;
	if (blen && !EVP_MAC_update(ctx, b, blen))
		goto out;
	if (!EVP_MAC_final(ctx, out, &outl, CHAIN_LEN) || outl != CHAIN_LEN)
		goto out;
	ret = 0;
out:
	if (ctx != chain_ctx)
		EVP_MAC_CTX_free(ctx);
	return ret;
}

void chain_hex(const uint8_t bin[CHAIN_LEN], char hex[CHAIN_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < CHAIN_LEN; i++) {
		hex[2 * i] = digits[bin[i] >> 4];
		hex[2 * i + 1] = digits[bin[i] & 0xf];
	}
	hex[CHAIN_HEX_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int chain_unhex(const char *hex, uint8_t bin[CHAIN_LEN])
{
	int i, hi, lo;

	for (i = 0; i < CHAIN_LEN; i++) {
		hi = hexval(hex[2 * i]);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(hex[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		bin[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int chain_key_id(const uint8_t *key, size_t key_len,
		 char id[CHAIN_KEY_ID_LEN + 1])
{
	uint8_t md[CHAIN_LEN];
	char hex[CHAIN_HEX_LEN + 1];
	unsigned int mdlen = 0;

	if (!EVP_Digest(key, key_len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != CHAIN_LEN)
		return -EIO;
	chain_hex(md, hex);
	memcpy(id, hex, CHAIN_KEY_ID_LEN);
	id[CHAIN_KEY_ID_LEN] = '\0';
	return 0;
}

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int chain_key_load_flags(const char *path, uint8_t key[CHAIN_KEY_MAX],
			 size_t *len_out, unsigned int flags, char *err,
			 size_t errlen)
{
	uint8_t buf[CHAIN_KEY_MAX + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP)
			set_err(err, errlen, "%s: is a symbolic link; refusing it as chain key",
				path);
		else
			set_err(err, errlen, "%s: %s", path, strerror(-ret));
		return ret == -ELOOP ? -EPERM : ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		set_err(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = -EPERM;
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: not a regular file; refusing it as chain key",
			path);
		goto out;
	}
	if (!(flags & CHAIN_KEY_SKIP_OWNER) && st.st_uid != 0 &&
	    !((flags & CHAIN_KEY_ALLOW_EUID) && st.st_uid == geteuid())) {
		set_err(err, errlen, "%s: owned by uid %u, not root; refusing it as chain key",
			path, (unsigned int)st.st_uid);
		goto out;
	}
	if (st.st_mode & 077) {
		set_err(err, errlen,
			"%s: mode %04o gives group/other access; the chain key must be 0600 or 0400",
			path, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			set_err(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	ret = -EINVAL;
	if (len < CHAIN_KEY_MIN || len > CHAIN_KEY_MAX) {
		set_err(err, errlen, "%s: chain key is %s%zu bytes; it must be %d to %d bytes",
			path, len > CHAIN_KEY_MAX ? "over " : "",
			len > CHAIN_KEY_MAX ? (size_t)CHAIN_KEY_MAX : len,
			CHAIN_KEY_MIN, CHAIN_KEY_MAX);
		goto out;
	}
	memcpy(key, buf, len);
	*len_out = len;
	ret = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return ret;
}

int chain_key_load(const char *path, uint8_t key[CHAIN_KEY_MAX],
		   size_t *len_out)
{
	char err[512];
	int ret;

	ret = chain_key_load_flags(path, key, len_out, 0, err, sizeof(err));
	if (ret)
		log_warnx("%s", err);
	return ret;
}

int chain_init(struct chain *c, const uint8_t *key, size_t key_len)
{
	memset(c, 0, sizeof(*c));
	if (key_len > CHAIN_KEY_MAX)
		key_len = CHAIN_KEY_MAX;
	memcpy(c->key, key, key_len);
	c->key_len = key_len;
	if (chain_mac_fetch())
		return -ENOSYS;
	if (chain_key_id(c->key, c->key_len, c->key_id))
		return -ENOSYS;
	/* key the HMAC now, while OpenSSL may still load what it needs */
	chain_keyed(c->key, c->key_len);
	return 0;
}

int chain_init_epoch(struct chain *c, const uint8_t *key, size_t key_len,
		     uint64_t epoch, const char *key_id)
{
	int err = chain_init(c, key, key_len);

	if (err)
		return err;
	c->epoch = epoch;
	c->epochs = true;
	snprintf(c->key_id, sizeof(c->key_id), "%s", key_id);
	return 0;
}

/* key_{epoch} from key_{epoch-1}: HMAC(key, "inputaudit epoch <epoch>"). */
static int epoch_next(const uint8_t *key, size_t key_len, uint64_t epoch,
		      uint8_t out[CHAIN_LEN])
{
	char label[64];
	int n = snprintf(label, sizeof(label), CHAIN_EPOCH_LABEL "%" PRIu64, epoch);

	return chain_hmac(key, key_len, label, (size_t)n, NULL, 0, out);
}

int chain_epoch_key(const uint8_t *key, size_t key_len, uint64_t from,
		    uint64_t epoch, uint8_t out[CHAIN_KEY_MAX], size_t *out_len)
{
	uint8_t next[CHAIN_LEN];

	if (epoch < from || key_len > CHAIN_KEY_MAX)
		return -EINVAL;
	memmove(out, key, key_len);
	*out_len = key_len;
	for (; from < epoch; from++) {
		if (epoch_next(out, *out_len, from + 1, next)) {
			OPENSSL_cleanse(next, sizeof(next));
			return -EIO;
		}
		OPENSSL_cleanse(out, CHAIN_KEY_MAX);
		memcpy(out, next, CHAIN_LEN);
		*out_len = CHAIN_LEN;
	}
	OPENSSL_cleanse(next, sizeof(next));
	return 0;
}

int chain_evolve(struct chain *c)
{
	uint8_t next[CHAIN_LEN];

	if (epoch_next(c->key, c->key_len, c->epoch + 1, next))
		return -EIO;
	/* the cached HMAC context holds the old key too */
	if (chain_ctx && c->key_len == chain_ctx_len &&
	    !CRYPTO_memcmp(c->key, chain_ctx_key, c->key_len))
		chain_ctx_drop();
	OPENSSL_cleanse(c->key, sizeof(c->key));
	memcpy(c->key, next, CHAIN_LEN);
	c->key_len = CHAIN_LEN;
	OPENSSL_cleanse(next, sizeof(next));
	c->epoch++;
	c->epochs = true;
	chain_keyed(c->key, c->key_len);
	return 0;
}

void chain_wipe(struct chain *c)
{
	if (chain_ctx && c->key_len == chain_ctx_len &&
	    !CRYPTO_memcmp(c->key, chain_ctx_key, c->key_len))
		chain_ctx_drop();
	OPENSSL_cleanse(c, sizeof(*c));
}

/*
 * Per line, so written without snprintf() (which cost twice what the rest of
 * the line's formatting costs): ,"n":N and, after the MAC over everything
 * before it, ,"chain":"<64 hex>"}\n.
 */
int chain_seal(struct chain *c, const char *in, size_t len, char *out,
	       size_t size)
{
	struct jbuf jb = { .buf = out, .size = size };
	uint8_t mac[CHAIN_LEN];
	char *p;

	if (len < 3 || in[0] != '{' || in[len - 1] != '\n' || in[len - 2] != '}' ||
	    memchr(in, '\n', len - 1))
		return -EINVAL;
	if (size <= len - 2)
		return -ENOSPC;
	jb.len = len - 2;	/* the line without "}\n" */
	memcpy(out, in, jb.len);
	p = jb_reserve(&jb, 6 + JB_NUM_MAX);
	if (!p)
		return -ENOSPC;
	if (jb.len > 1)
		p = jb_wlit(p, ",");
	p = jb_wnum(jb_wlit(p, "\"n\":"), c->n + 1);
	jb_commit(&jb, p);
	/* ,"chain":"<64>"}\n */
	p = jb_reserve(&jb, 10 + CHAIN_HEX_LEN + 3);
	if (!p)
		return -ENOSPC;
	if (chain_hmac(c->key, c->key_len, c->prev, CHAIN_LEN, out, jb.len, mac))
		return -EIO;
	p = jb_wlit(p, ",\"chain\":\"");
	chain_hex(mac, p);
	jb_commit(&jb, jb_wlit(p + CHAIN_HEX_LEN, "\"}\n"));
	memcpy(c->prev, mac, CHAIN_LEN);
	c->n++;
	return (int)jb.len;
}

int chain_seal_at(const struct chain *c, const uint8_t prev[CHAIN_LEN],
		  uint64_t prev_n, const char *in, size_t len, char *out,
		  size_t size)
{
	struct chain at = *c;
	int ret;

	memcpy(at.prev, prev, CHAIN_LEN);
	at.n = prev_n;
	ret = chain_seal(&at, in, len, out, size);
	OPENSSL_cleanse(&at, sizeof(at));	/* not chain_wipe(): the key stays in use */
	return ret;
}

/* Format a daemon line `{...}\n` into a scratch buffer and seal it. */
__attribute__((format(printf, 4, 5)))
static int seal_fmt(struct chain *c, char *out, size_t size,
		    const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENOSPC;
	return chain_seal(c, line, n, out, size);
}

/* A UUID or machine id; anything else is replaced so the line stays valid JSON. */
static void id_clean(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < size - 1 && in[i]; i++)
		out[i] = (in[i] == '-' || (in[i] >= '0' && in[i] <= '9') ||
			  (in[i] >= 'a' && in[i] <= 'f')) ? in[i] : '?';
	out[i] = '\0';
}

int chain_start_line(struct chain *c, uint64_t time_ns, const char *boot_id,
		     char *out, size_t size)
{
	return chain_start_run_line(c, time_ns, boot_id, NULL, out, size);
}

int chain_start_run_line(struct chain *c, uint64_t time_ns, const char *boot_id,
			 const struct chain_run_info *ri, char *out, size_t size)
{
	static const char *const prev_names[] = {
		[CHAIN_PREV_NONE] = "none",
		[CHAIN_PREV_LOST] = "lost",
		[CHAIN_PREV_LINKED] = "linked",
	};
	char run[512] = "", epoch[48] = "", link[160] = "";
	char boot[37], machine[33], hex[CHAIN_HEX_LEN + 1];

	id_clean(boot_id, boot, sizeof(boot));
	if (c->epochs)
		snprintf(epoch, sizeof(epoch), ",\"epoch\":%" PRIu64, c->epoch);
	if (ri && ri->prev != CHAIN_PREV_UNLINKED) {
		id_clean(ri->machine_id ? ri->machine_id : "", machine, sizeof(machine));
		if (ri->prev == CHAIN_PREV_LINKED) {
			chain_hex(ri->prev_run_chain, hex);
			snprintf(link, sizeof(link),
				 ",\"prev_run_n\":%" PRIu64 ",\"prev_run_chain\":\"%s\"",
				 ri->prev_run_n, hex);
		}
		snprintf(run, sizeof(run),
			 ",\"run\":%" PRIu64 ",\"machine_id\":\"%s\",\"realtime_ns\":%" PRIu64
			 "%s,\"prev_run\":\"%s\"%s",
			 ri->run, machine, ri->realtime_ns, epoch, prev_names[ri->prev], link);
	} else {
		memcpy(run, epoch, sizeof(epoch));
	}
	return seal_fmt(c, out, size,
			"{\"time_ns\":%" PRIu64 ",\"type\":\"chain_start\",\"boot_id\":\"%s\",\"key_id\":\"%s\"%s}\n",
			time_ns, boot, c->key_id, run);
}

int chain_checkpoint_line(struct chain *c, uint64_t time_ns, uint64_t last_seq,
			  bool final, char *out, size_t size)
{
	return chain_checkpoint_wall_line(c, time_ns, 0, last_seq, final, out, size);
}

int chain_checkpoint_wall_line(struct chain *c, uint64_t time_ns,
			       uint64_t realtime_ns, uint64_t last_seq,
			       bool final, char *out, size_t size)
{
	char wall[48] = "", epoch[48] = "";

	if (realtime_ns)
		snprintf(wall, sizeof(wall), ",\"realtime_ns\":%" PRIu64, realtime_ns);
	if (c->epochs)
		snprintf(epoch, sizeof(epoch), ",\"epoch\":%" PRIu64, c->epoch);
	return seal_fmt(c, out, size,
			"{\"time_ns\":%" PRIu64 ",\"type\":\"checkpoint\"%s%s,\"lines\":%" PRIu64
			",\"last_seq\":%" PRIu64 ",\"final\":%s}\n",
			time_ns, wall, epoch, c->n, last_seq, final ? "true" : "false");
}

/* JSON string contents: printable ASCII as is, '"' and '\' escaped, the rest \u00XX. */
static void json_escape(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s && o + 7 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch > 0x7e) {
			o += snprintf(out + o, size - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
}

int chain_file_continued_line(struct chain *c, uint64_t time_ns,
			      const char *prev_file, char *out, size_t size)
{
	char hex[CHAIN_HEX_LEN + 1];
	char name[6 * 256 + 1];
	char epoch[48] = "";

	json_escape(prev_file, name, sizeof(name));
	chain_hex(c->prev, hex);
	if (c->epochs)
		snprintf(epoch, sizeof(epoch), ",\"epoch\":%" PRIu64, c->epoch);
	return seal_fmt(c, out, size,
			"{\"time_ns\":%" PRIu64 ",\"type\":\"file_continued\",\"prev_file\":\"%s\",\"prev_chain\":\"%s\"%s}\n",
			time_ns, name, hex, epoch);
}

int chain_boot_id(char id[37])
{
	ssize_t n;
	int fd, ret = 0;

	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, id, 36);
	if (n < 0)
		ret = -errno;
	else if (n != 36)
		ret = -EIO;
	else
		id[36] = '\0';
	close(fd);
	return ret;
}

int chain_machine_id(char id[33])
{
	char buf[34];
	ssize_t n;
	int fd, i, ret = 0;

	fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		ret = -errno;
	else if (n < 32)
		ret = -EINVAL;
	for (i = 0; !ret && i < 32; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f')))
			ret = -EINVAL;
	if (!ret) {
		memcpy(id, buf, 32);
		id[32] = '\0';
	}
	close(fd);
	return ret;
}
