/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The output chain: every output line carries its line counter "n" and
 * chain_n = HMAC-SHA256(key, chain_{n-1} || body_n), where body_n is the
 * line from '{' up to and including the digits of "n":N, and chain_0 is 32
 * zero bytes.  A sealed line ends in ,"n":N,"chain":"<64 lowercase hex>"}\n.
 * Anyone holding the key can check that no line was changed, removed,
 * added or moved (verify.h); without the key no line can be forged.
 *
 * Key file: the raw key bytes (16 to 64 of them; e.g.
 * `head -c 32 /dev/urandom`), a regular file owned by root with no group
 * or other permission bits (0600 or 0400).
 *
 * The HMAC is OpenSSL 3's EVP_MAC "HMAC" with SHA-256.  chain_init() fetches
 * the algorithm and keys it, so call it before the privilege drop:
 * afterwards OpenSSL opens no more files.  The keyed HMAC context is kept
 * in a static: these functions are not thread-safe.
 */
#ifndef INPUTAUDITD_CHAIN_H
#define INPUTAUDITD_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHAIN_KEY_MIN		16	/* shortest key file accepted, bytes */
#define CHAIN_KEY_MAX		64	/* longest key file accepted, bytes */
#define CHAIN_LEN		32	/* SHA-256 */
#define CHAIN_HEX_LEN		64
#define CHAIN_KEY_ID_LEN	16	/* hex digits of SHA-256(key) */
/* What chain_seal() adds at most: ,"n":<20 digits>,"chain":"<64 hex>" */
#define CHAIN_SEAL_EXTRA	(6 + 20 + 10 + CHAIN_HEX_LEN + 1)

/* chain_key_load_flags() flags */
#define CHAIN_KEY_SKIP_OWNER	0x1	/* tests: any owner */
#define CHAIN_KEY_ALLOW_EUID	0x2	/* owner root or the caller's euid */

struct chain {
	uint8_t key[CHAIN_KEY_MAX];
	size_t key_len;
	uint8_t prev[CHAIN_LEN];	/* chain value of line n */
	uint64_t n;			/* last line sealed; 0 before the first */
	uint64_t epoch;			/* the key's epoch (chain_evolve()) */
	bool epochs;			/* forward-secure: lines name their epoch */
	char key_id[CHAIN_KEY_ID_LEN + 1];	/* of the initial (epoch 0) key */
};

/*
 * Forward security (epoch keys): key_{e+1} = HMAC-SHA256(key_e,
 * "inputaudit epoch " || decimal(e + 1)); key_0 is the initial key, the one
 * `inputauditctl key init` prints for escrow.  Knowing key_e gives every
 * later key and no earlier one.  A line is sealed with the key of its epoch:
 * the epoch named by the last chain_start, checkpoint or file_continued
 * line before it (or itself); an epoch begins at such a line.
 */
#define CHAIN_EPOCH_LABEL	"inputaudit epoch "

/* How the chain_start of a run links to the run before it (chain_state.h). */
enum chain_prev_run {
	CHAIN_PREV_UNLINKED,	/* no chain state kept: the fields are left out */
	CHAIN_PREV_NONE,	/* the first run after `key init` */
	CHAIN_PREV_LOST,	/* the state file was missing: the link is lost */
	CHAIN_PREV_LINKED,	/* prev_run_n / prev_run_chain: the last line saved */
};

struct chain_run_info {
	enum chain_prev_run prev;
	uint64_t run;			/* run counter, 1 for the first */
	uint64_t realtime_ns;		/* CLOCK_REALTIME */
	const char *machine_id;		/* /etc/machine-id, "" if unknown */
	uint64_t prev_run_n;		/* LINKED: n of the last line saved */
	uint8_t prev_run_chain[CHAIN_LEN];	/* LINKED: its chain value */
};

/**
 * chain_key_load_flags() - read a chain key file, refusing an unsafe one
 * @path: the key file
 * @key: CHAIN_KEY_MAX bytes for the key
 * @len_out: the key's length
 * @flags: CHAIN_KEY_* flags
 * @err: a message on failure ("PATH: reason"), may be NULL
 * @errlen: size of @err
 *
 * Refuses (-EPERM) a file that is not a regular file, not owned by root
 * (unless @flags allows it), or has any group/other permission bit, and
 * (-EINVAL) one shorter than CHAIN_KEY_MIN or longer than CHAIN_KEY_MAX
 * bytes.  Symlinks are not followed.
 *
 * Return: 0 or a negative errno.
 */
int chain_key_load_flags(const char *path, uint8_t key[CHAIN_KEY_MAX],
			 size_t *len_out, unsigned int flags, char *err,
			 size_t errlen);

/**
 * chain_key_load() - chain_key_load_flags() with the strict checks
 * @path: the key file (root-owned, mode 0600 or 0400)
 * @key: CHAIN_KEY_MAX (64) bytes for the key
 * @len_out: the key's length
 *
 * On failure the reason is logged with log_warnx().
 *
 * Return: 0 or a negative errno (-EPERM: unsafe file, -EINVAL: bad length).
 */
int chain_key_load(const char *path, uint8_t key[CHAIN_KEY_MAX],
		   size_t *len_out);

/**
 * chain_init() - start a chain: n = 0, chain_0 = 32 zero bytes
 * @c: the chain
 * @key: the key (at most CHAIN_KEY_MAX bytes; longer keys are cut)
 * @key_len: its length
 *
 * Return: 0, or -ENOSYS if OpenSSL has no HMAC-SHA256 (then chain_seal()
 * fails too).
 */
int chain_init(struct chain *c, const uint8_t *key, size_t key_len);

/**
 * chain_init_epoch() - chain_init() with an evolved key
 * @c: the chain
 * @key: key_@epoch
 * @key_len: its length
 * @epoch: its epoch; lines will name it (c->epochs)
 * @key_id: the initial key's id (chain_key_id() of key_0)
 *
 * Return: as chain_init().
 */
int chain_init_epoch(struct chain *c, const uint8_t *key, size_t key_len,
		     uint64_t epoch, const char *key_id);

/**
 * chain_evolve() - move the chain to the next epoch's key
 * @c: the chain; c->key becomes key_{epoch+1}, the old one is erased
 *
 * Return: 0 or -EIO (@c unchanged).
 */
int chain_evolve(struct chain *c);

/**
 * chain_epoch_key() - derive key_@epoch from key_@from
 * @key: key_@from
 * @key_len: its length
 * @from: its epoch
 * @epoch: the epoch wanted (>= @from)
 * @out: CHAIN_KEY_MAX bytes
 * @out_len: its length
 *
 * Return: 0, -EINVAL if @epoch < @from, or -EIO.
 */
int chain_epoch_key(const uint8_t *key, size_t key_len, uint64_t from,
		    uint64_t epoch, uint8_t out[CHAIN_KEY_MAX], size_t *out_len);

/**
 * chain_wipe() - forget the key
 * @c: the chain
 */
void chain_wipe(struct chain *c);

/**
 * chain_seal() - append "n" and "chain" to one line
 * @c: the chain; on success c->n and c->prev advance to this line
 * @in: a line `{...}\n` (exactly one '\n', at the end)
 * @len: its length
 * @out: the sealed line, NUL terminated (may not overlap @in)
 * @size: size of @out; @len + CHAIN_SEAL_EXTRA + 1 is always enough
 *
 * Return: the sealed line's length without the NUL, -ENOSPC if it does not
 * fit (@c unchanged), -EINVAL if @in is not `{...}\n`, -EIO if OpenSSL
 * failed.
 */
int chain_seal(struct chain *c, const char *in, size_t len, char *out,
	       size_t size);

/**
 * chain_seal_at() - seal a line as if it followed line @prev_n
 * @c: the chain (its key; @c itself is not changed)
 * @prev: the chain value of line @prev_n (32 zero bytes for 0)
 * @prev_n: the line it follows; the sealed line gets n = @prev_n + 1
 * @in: a line `{...}\n`
 * @len: its length
 * @out: the sealed line, NUL terminated
 * @size: size of @out
 *
 * For a file sink's sink_gap line, which stands in its file for lines the
 * sink could not write and so is not part of the daemon's running chain.
 *
 * Return: as chain_seal().
 */
int chain_seal_at(const struct chain *c, const uint8_t prev[CHAIN_LEN],
		  uint64_t prev_n, const char *in, size_t len, char *out,
		  size_t size);

/**
 * chain_hmac() - HMAC-SHA256(key, a || b)
 * @key: the key
 * @key_len: its length
 * @a: first part (may be NULL if @alen is 0)
 * @alen: its length
 * @b: second part (may be NULL if @blen is 0)
 * @blen: its length
 * @out: the MAC
 *
 * Return: 0, or -EIO if OpenSSL failed.
 */
int chain_hmac(const uint8_t *key, size_t key_len, const void *a, size_t alen,
	       const void *b, size_t blen, uint8_t out[CHAIN_LEN]);

/**
 * chain_hex() - lowercase hex of a chain value
 * @bin: CHAIN_LEN bytes
 * @hex: CHAIN_HEX_LEN + 1 bytes, NUL terminated
 */
void chain_hex(const uint8_t bin[CHAIN_LEN], char hex[CHAIN_HEX_LEN + 1]);

/**
 * chain_unhex() - parse 64 lowercase hex digits
 * @hex: the digits (need not be NUL terminated)
 * @bin: CHAIN_LEN bytes
 *
 * Return: 0, or -EINVAL if any of the 64 characters is not [0-9a-f].
 */
int chain_unhex(const char *hex, uint8_t bin[CHAIN_LEN]);

/**
 * chain_key_id() - the key's public id: the first 16 hex digits of SHA-256(key)
 * @key: the key
 * @key_len: its length
 * @id: CHAIN_KEY_ID_LEN + 1 bytes, NUL terminated
 *
 * Return: 0, or -EIO if OpenSSL failed.
 */
int chain_key_id(const uint8_t *key, size_t key_len,
		 char id[CHAIN_KEY_ID_LEN + 1]);

/**
 * chain_start_line() - format and seal the chain_start line
 * @c: the chain (should be fresh: its line is n = 1)
 * @time_ns: CLOCK_BOOTTIME
 * @boot_id: /proc/sys/kernel/random/boot_id, without the newline
 * @out: the sealed line, NUL terminated
 * @size: size of @out (512 is enough)
 *
 * {"time_ns":T,"type":"chain_start","boot_id":"..","key_id":"..","n":1,"chain":".."}
 *
 * Return: the line's length, or a negative errno as chain_seal().
 */
int chain_start_line(struct chain *c, uint64_t time_ns, const char *boot_id,
		     char *out, size_t size);

/**
 * chain_start_run_line() - the chain_start line of a linked run
 * @c: the chain (fresh: its line is n = 1)
 * @time_ns: CLOCK_BOOTTIME
 * @boot_id: as chain_start_line()
 * @ri: the run; CHAIN_PREV_UNLINKED gives chain_start_line()'s line
 * @out: the sealed line, NUL terminated
 * @size: size of @out (1024 is enough)
 *
 * {"time_ns":T,"type":"chain_start","boot_id":"..","key_id":"..","run":R,
 *  "machine_id":"..","realtime_ns":W[,"epoch":E],"prev_run":"linked",
 *  "prev_run_n":K,"prev_run_chain":"<64 hex>","n":1,"chain":".."}
 * ("prev_run":"none" or "lost" without prev_run_n/prev_run_chain).
 *
 * Return: the line's length, or a negative errno as chain_seal().
 */
int chain_start_run_line(struct chain *c, uint64_t time_ns, const char *boot_id,
			 const struct chain_run_info *ri, char *out, size_t size);

/**
 * chain_checkpoint_wall_line() - a checkpoint line with the wall-clock time
 * @c: the chain
 * @time_ns: CLOCK_BOOTTIME
 * @realtime_ns: CLOCK_REALTIME
 * @last_seq: last kernel sequence number written
 * @final: true for the last line of a clean shutdown
 * @out: the sealed line, NUL terminated
 * @size: size of @out (512 is enough)
 *
 * {"time_ns":T,"type":"checkpoint","realtime_ns":W[,"epoch":E],"lines":N-1,
 *  "last_seq":S,"final":false,"n":N,"chain":".."}
 *
 * Return: the line's length, or a negative errno as chain_seal().
 */
int chain_checkpoint_wall_line(struct chain *c, uint64_t time_ns,
			       uint64_t realtime_ns, uint64_t last_seq,
			       bool final, char *out, size_t size);

/**
 * chain_checkpoint_line() - format and seal a checkpoint line
 * @c: the chain
 * @time_ns: CLOCK_BOOTTIME
 * @last_seq: last kernel sequence number written
 * @final: true for the last line of a clean shutdown
 * @out: the sealed line, NUL terminated
 * @size: size of @out (512 is enough)
 *
 * {"time_ns":T,"type":"checkpoint","lines":N-1,"last_seq":S,"final":false,"n":N,"chain":".."}
 *
 * Return: the line's length, or a negative errno as chain_seal().
 */
int chain_checkpoint_line(struct chain *c, uint64_t time_ns, uint64_t last_seq,
			  bool final, char *out, size_t size);

/**
 * chain_file_continued_line() - format and seal a file's first line after rotation
 * @c: the chain
 * @time_ns: CLOCK_BOOTTIME
 * @prev_file: basename of the file rotated away (JSON-escaped here)
 * @out: the sealed line, NUL terminated
 * @size: size of @out (1024 is enough for a 255-byte name)
 *
 * {"time_ns":T,"type":"file_continued","prev_file":"..","prev_chain":"<chain_{N-1}>"[,"epoch":E],"n":N,"chain":".."}
 *
 * Return: the line's length, or a negative errno as chain_seal().
 */
int chain_file_continued_line(struct chain *c, uint64_t time_ns,
			      const char *prev_file, char *out, size_t size);

/**
 * chain_boot_id() - read /proc/sys/kernel/random/boot_id
 * @id: 37 bytes: the UUID, NUL terminated
 *
 * Return: 0 or a negative errno.
 */
int chain_boot_id(char id[37]);

/**
 * chain_machine_id() - read /etc/machine-id (before the privilege drop)
 * @id: 33 bytes: 32 lowercase hex digits, NUL terminated
 *
 * Return: 0 or a negative errno (-EINVAL: not 32 hex digits).
 */
int chain_machine_id(char id[33]);

#endif /* INPUTAUDITD_CHAIN_H */
