// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* inputauditctl key init; see ctl_key.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "chain_state.h"
#include "ctl_key.h"
#include "ctl_status.h"
#include "fdio.h"
#include "log.h"

#define DEFAULT_CHAIN_STATE_DIR	"/var/lib/inputaudit"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: inputauditctl key init [--state-dir DIR] [--key FILE] [--force] [--no-print]\n"
		"       inputauditctl key init --adopt KEYFILE [--state-dir DIR] [--force]\n"
		"\n"
		"Make a new initial chain key (32 random bytes, epoch 0) and the daemon's\n"
		"first chain state in DIR (default " DEFAULT_CHAIN_STATE_DIR "), and print the\n"
		"key once, in hex: keep it off this host; `inputauditctl verify --key-hex\n"
		"FILE` takes it.  --key also writes it, raw, to FILE (0600; the [chain] key\n"
		"of older configurations).  An existing state is kept unless --force.\n"
		"--adopt: no new key; KEYFILE (the key an older version used) becomes the\n"
		"initial key, so the first run after an upgrade is linked (\"none\"), not \"lost\".\n"
		"\n"
		"Example:\n"
		"  inputauditctl key init > /dev/tty   # then remove it from the screen\n");
}

static int write_key_file(const char *path, const uint8_t *key, size_t len, bool force)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		  (force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0)
		return -errno;
	ret = fchmod(fd, 0600) ? -errno : write_all(fd, key, len);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

static int key_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-print", no_argument, NULL, 'n' },
		{ "adopt", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = DEFAULT_CHAIN_STATE_DIR, *keyfile = NULL, *adopt = NULL;
	char err[512];
	bool force = false, print = true;
	struct chain_state st = { 0 };
	char hex[2 * CHAIN_LEN + 1];
	int c, dirfd, ret;
	size_t i;

	while ((c = getopt_long(argc, argv, "s:k:fnh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			adopt = optarg;
			print = false;
			break;
		case 's':
			dir = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'n':
			print = false;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("key init: unexpected argument '%s'", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		log_warn("%s", dir);
		return CTL_EXIT_USAGE;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		log_warn("%s", dir);
		return CTL_EXIT_USAGE;
	}
	if (!force && !faccessat(dirfd, CHAIN_STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW)) {
		log_warnx("%s/%s exists: the chain is already set up (--force replaces it, and breaks the link to past runs)",
			  dir, CHAIN_STATE_FILE);
		close(dirfd);
		return CTL_EXIT_USAGE;
	}
	if (adopt && keyfile) {
		log_warnx("key init: --adopt and --key exclude each other");
		close(dirfd);
		return CTL_EXIT_USAGE;
	}
	if (adopt) {
		ret = chain_key_load_flags(adopt, st.key, &st.key_len, CHAIN_KEY_ALLOW_EUID,
					   err, sizeof(err));
		if (ret) {
			log_warnx("%s", err);
			close(dirfd);
			return CTL_EXIT_USAGE;
		}
	} else if (getrandom(st.key, CHAIN_LEN, 0) != CHAIN_LEN) {
		log_warn("getrandom");
		close(dirfd);
		return CTL_EXIT_USAGE;
	} else {
		st.key_len = CHAIN_LEN;
	}
	ret = chain_key_id(st.key, st.key_len, st.key_id);
	if (!ret && keyfile)
		ret = write_key_file(keyfile, st.key, st.key_len, force);
	if (ret)
		log_warnc(ret, "%s", keyfile ? keyfile : "key id");
	if (!ret) {
		ret = chain_state_save(dirfd, &st);
		if (ret)
			log_warnc(ret, "%s/%s", dir, CHAIN_STATE_FILE);
	}
	close(dirfd);
	if (!ret && print) {
		for (i = 0; i < st.key_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", st.key[i]);
		printf("%s\n", hex);
		fprintf(stderr,
			"inputauditctl: the initial chain key (key_id %s) is printed above, once:\n"
			"  keep it off this host; verify needs it (--key-hex FILE).\n", st.key_id);
		OPENSSL_cleanse(hex, sizeof(hex));
	}
	chain_state_wipe(&st);
	if (fflush(stdout))
		return CTL_EXIT_USAGE;
	return ret ? CTL_EXIT_USAGE : CTL_EXIT_OK;
}

int ctl_key(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "init")) {
		usage(argc < 2 ? stderr : stdout);
		return argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ?
		       CTL_EXIT_OK : CTL_EXIT_USAGE;
	}
	return key_init(argc - 1, argv + 1);
}

int ctl_key_read_hex(const char *path, uint8_t key[CHAIN_KEY_MAX], size_t *len,
		     char *err, size_t errlen)
{
	char buf[4 * CHAIN_KEY_MAX + 2];
	size_t have = 0, i, digits = 0;
	unsigned int v;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (have < sizeof(buf) - 1 && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0)
		have += n;
	close(fd);
	for (i = 0; i < have && !ret; i++) {
		if (isspace((unsigned char)buf[i]))
			continue;
		if (!isxdigit((unsigned char)buf[i]) || digits / 2 >= CHAIN_KEY_MAX) {
			ret = -EINVAL;
			break;
		}
		sscanf((char[]){ buf[i], 0 }, "%x", &v);
		if (digits % 2)
			key[digits / 2] |= (uint8_t)v;
		else
			key[digits / 2] = (uint8_t)(v << 4);
		digits++;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!ret && (digits % 2 || digits / 2 < CHAIN_KEY_MIN))
		ret = -EINVAL;
	if (ret) {
		snprintf(err, errlen, "%s: not a key in hex (%d to %d bytes)", path,
			 CHAIN_KEY_MIN, CHAIN_KEY_MAX);
		return ret;
	}
	*len = digits / 2;
	return 0;
}
