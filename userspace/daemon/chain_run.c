// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Linked runs and evolving keys; see chain_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "chain_run.h"
#include "log.h"

static int open_dir(const char *dir, uid_t uid, gid_t gid)
{
	int fd;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0700) || (uid != (uid_t)-1 && fchown(fd, uid, gid))) {
		close(fd);
		return -errno;
	}
	/* `key init` made it as root: the daemon's user replaces it from now on */
	if (uid != (uid_t)-1 &&
	    fchownat(fd, CHAIN_STATE_FILE, uid, gid, AT_SYMLINK_NOFOLLOW) &&
	    errno != ENOENT) {
		close(fd);
		return -errno;
	}
	return fd;
}

int chain_run_open(struct chain_run *cr, struct chain *c, const char *dir,
		   const char *key_path, uid_t uid, gid_t gid,
		   uint32_t epoch_minutes)
{
	uint8_t key[CHAIN_KEY_MAX];
	size_t len;
	int err;

	memset(cr, 0, sizeof(*cr));
	cr->epoch_ns = (uint64_t)epoch_minutes * 60 * 1000000000ULL;
	cr->dirfd = open_dir(dir, uid, gid);
	if (cr->dirfd < 0) {
		log_warnc(cr->dirfd, "[chain] state_dir %s", dir);
		return cr->dirfd;
	}
	if (chain_machine_id(cr->machine_id))
		cr->machine_id[0] = '\0';
	cr->info.machine_id = cr->machine_id;
	err = chain_state_load(cr->dirfd, &cr->st);
	if (err == -ENOENT) {
		/* a lost state (a new disk) is said in the next chain_start */
		if (!key_path) {
			log_warnx("%s/%s: missing, and no [chain] key to start from (inputauditctl key init)",
				  dir, CHAIN_STATE_FILE);
			return -ENOENT;
		}
		err = chain_key_load(key_path, key, &len);
		if (err)
			return err;
		err = chain_init(c, key, len);
		memset(key, 0, sizeof(key));
		if (err)
			return err;
		c->epochs = true;
		cr->st.run = 0;
		cr->st.epoch = 0;
		memcpy(cr->st.key_id, c->key_id, sizeof(cr->st.key_id));
		cr->info.prev = CHAIN_PREV_LOST;
		log_warnx("%s/%s: missing: this run's chain_start says prev_run \"lost\"",
			  dir, CHAIN_STATE_FILE);
	} else if (err) {
		log_warnc(err, "%s/%s", dir, CHAIN_STATE_FILE);
		return err;
	} else {
		err = chain_init_epoch(c, cr->st.key, cr->st.key_len, cr->st.epoch,
				       cr->st.key_id);
		if (err)
			return err;
		cr->info.prev = cr->st.have_last ? CHAIN_PREV_LINKED : CHAIN_PREV_NONE;
		cr->info.prev_run_n = cr->st.last_n;
		memcpy(cr->info.prev_run_chain, cr->st.last_chain, CHAIN_LEN);
	}
	cr->info.run = cr->st.run + 1;
	return 0;
}

static void save(struct chain_run *cr)
{
	int err = chain_state_save(cr->dirfd, &cr->st);

	if (err && !cr->save_err)
		log_warnc(err, "cannot save the chain state");
	cr->save_err = err;
}

void chain_run_epoch(struct chain_run *cr, struct chain *c, uint64_t now_ns,
		     bool force)
{
	if (cr->dirfd < 0)
		return;
	if (!force && now_ns - cr->epoch_began_ns < cr->epoch_ns)
		return;
	if (chain_evolve(c)) {
		log_warnx("cannot derive the next epoch's key");
		return;
	}
	cr->epoch_began_ns = now_ns;
	cr->st.epoch = c->epoch;
	OPENSSL_cleanse(cr->st.key, sizeof(cr->st.key));
	memcpy(cr->st.key, c->key, c->key_len);
	cr->st.key_len = c->key_len;
	save(cr);
}

void chain_run_saved(struct chain_run *cr, const struct chain *c, bool now)
{
	if (cr->dirfd < 0)
		return;
	cr->pending = true;
	cr->pending_n = c->n;
	memcpy(cr->pending_chain, c->prev, CHAIN_LEN);
	cr->save_on_commit |= now;
}

void chain_run_commit(struct chain_run *cr)
{
	if (cr->dirfd < 0 || !cr->pending)
		return;
	cr->pending = false;
	cr->st.run = cr->info.run;
	cr->st.have_last = true;
	cr->st.last_n = cr->pending_n;
	memcpy(cr->st.last_chain, cr->pending_chain, CHAIN_LEN);
	if (cr->save_on_commit)
		save(cr);
	cr->save_on_commit = false;
}

void chain_run_close(struct chain_run *cr)
{
	if (cr->dirfd >= 0)
		close(cr->dirfd);
	cr->dirfd = -1;
	chain_state_wipe(&cr->st);
}
