// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The RELP sink; see sink_relp.h (why a thread, how acknowledgements are known). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>	/* librelp.h needs size_t first */
#include <librelp.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "keyfile.h"
#include "log.h"
#include "rfc5424.h"
#include "sandbox.h"
#include "sink_relp.h"
#include "spool.h"

/* In the spool directory: drops not reported to the collector at the last stop. */
#define DROPPED_FILE	"dropped"

enum relp_verify {
	VERIFY_NONE,		/* plain RELP: nothing verified */
	VERIFY_PENDING,		/* TLS, no handshake finished yet */
	VERIFY_OK,
	VERIFY_FAILED,		/* the last collector was refused */
};

/* status "verify", as the syslog sink says it ("failed: " + the reason). */
static const char *const verify_names[] = { "unauthenticated", "connecting", "verified", "failed" };

struct relp_sink {
	/* Set up before the thread starts; read-only afterwards. */
	char *host, *spool_dir, *peer_name;
	char addr[INET6_ADDRSTRLEN];	/* host, resolved in open() */
	char port[8];
	bool tls;
	char *ca_path, *cert_path, *key_path;	/* as configured */
	int ca_fd, cert_fd, key_fd;		/* their memfd copies */
	char ca_proc[32], cert_proc[32], key_proc[32];	/* "/proc/self/fd/N" */
	uint64_t spool_max;
	unsigned int backoff_min_ms, backoff_max_ms;
	uid_t spool_uid;
	gid_t spool_gid;
	struct rfc5424 fmt;		/* the daemon's thread only */
	relpEngine_t *engine;

	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock;	/* protects everything below */
	pthread_cond_t wake;	/* a line was appended, or stop */
	struct spool spool;
	bool spool_open;
	bool stop;		/* close(): send what is left, then end */
	bool up;		/* a session is open, or ended with all acknowledged */
	enum relp_verify verify;
	uint64_t lines, acked, dropped, dropped_pending;
	uint64_t inflight;	/* sent in this session, still in the spool */
	uint64_t verify_failures;	/* collectors refused, or refusing us */
	bool verify_report;		/* a streak of them began: report it */
	uint64_t verify_streak;		/* failures since the last session that worked */
	char verify_why[200];		/* the last one's reason */
	int last_err;

	/* The sender thread's own. */
	relpClt_t *clt;
	struct spool_cursor cursor;	/* next record to send */
	struct buf out;			/* the record being sent */
	struct buf scratch;		/* spool_peek() of acknowledged records */
	bool relp_error;		/* librelp reported an error since cleared */
	bool auth_error;		/* ... a refused peer */
	char auth_why[200];		/* ... librelp's message for it */
	unsigned int backoff_ms;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- librelp's callbacks: on the sender thread, which owns the session ---- */

static __thread struct relp_sink *cb_sink;

static void on_relp_err(void *usr, char *objinfo, char *errmsg, relpRetVal code)
{
	(void)usr;
	if (!cb_sink)
		return;
	cb_sink->relp_error = true;
	log_debug("relp %s: %s (%d)", objinfo, errmsg, code);
}

static void on_relp_auth_err(void *usr, char *authinfo, char *errmsg, relpRetVal code)
{
	(void)usr;
	if (!cb_sink)
		return;
	cb_sink->relp_error = true;
	cb_sink->auth_error = true;
	snprintf(cb_sink->auth_why, sizeof(cb_sink->auth_why), "%s (%s)", errmsg,
		 authinfo ? authinfo : "-");
	log_warnx("relp %s:%s: collector refused: %s (%s)", cb_sink->addr, cb_sink->port,
		  errmsg, authinfo ? authinfo : "-");
	(void)code;
}

static void on_relp_generic_err(char *objinfo, char *errmsg, relpRetVal code)
{
	on_relp_err(NULL, objinfo, errmsg, code);
}

static bool relp_code_is_auth(relpRetVal r)
{
	return r == RELP_RET_AUTH_ERR_FP || r == RELP_RET_AUTH_ERR_NAME ||
	       r == RELP_RET_AUTH_NO_CERT || r == RELP_RET_AUTH_CERT_INVL ||
	       r == RELP_RET_ERR_TLS_HANDS;
}

static int relp_errno(relpRetVal r)
{
	if (relp_code_is_auth(r))
		return -EACCES;
	switch (r) {
	case RELP_RET_OUT_OF_MEMORY:
		return -ENOMEM;
	case RELP_RET_TIMED_OUT:
		return -ETIMEDOUT;
	case RELP_RET_RSP_STATE_ERR:
		return -EBADMSG;
	case RELP_RET_SESSION_BROKEN:
	case RELP_RET_SESSION_CLOSED:
	case RELP_RET_IO_ERR:
		return -ECONNRESET;
	default:
		return -ECONNREFUSED;
	}
}

/* ---- the sender thread ---- */

/* Acknowledged: the @n oldest records of the spool.  Called with rl->lock held. */
static void ack_oldest_locked(struct relp_sink *rl, uint64_t n)
{
	ssize_t len;

	while (n--) {
		len = spool_peek(&rl->spool, rl->scratch.p, rl->scratch.cap);
		if (len == -ENOSPC) {
			rl->scratch.len = 0;
			if (!buf_reserve(&rl->scratch, SPOOL_RECORD_MAX))
				return;
			n++;
			continue;
		}
		if (len <= 0 || spool_consume(&rl->spool)) {
			rl->last_err = len < 0 ? (int)len : -EIO;
			return;
		}
		rl->inflight--;
		rl->cursor.ahead--;
		rl->acked++;
	}
}

/*
 * End the session.  @polite: send "close" and wait for its response; when
 * no error came on the way, everything sent was acknowledged.  Otherwise
 * the unacknowledged records are sent again on the next session.
 */
static void end_session(struct relp_sink *rl, bool polite, int err)
{
	bool confirmed;

	if (!rl->clt)
		return;
	rl->relp_error = false;
	/* On a session that broke, librelp sends nothing: it is not polite then. */
	relpEngineCltDestruct(rl->engine, &rl->clt);
	confirmed = polite && !rl->relp_error;
	pthread_mutex_lock(&rl->lock);
	if (confirmed)
		ack_oldest_locked(rl, rl->inflight);
	rl->inflight = 0;
	spool_cursor_reset(&rl->spool, &rl->cursor);
	/* A session closed after everything was acknowledged: still "ok", idle. */
	rl->up = confirmed;
	if (err)
		rl->last_err = err;
	pthread_mutex_unlock(&rl->lock);
}

/* One connection attempt.  Return: 0 or a negative errno. */
static int start_session(struct relp_sink *rl)
{
	relpClt_t *clt = NULL;
	relpRetVal r;
	int err;

	rl->relp_error = rl->auth_error = false;
	rl->auth_why[0] = '\0';
	r = relpEngineCltConstruct(rl->engine, &clt);
	if (r != RELP_RET_OK)
		return -ENOMEM;
	r = relpCltSetTimeout(clt, RELP_TIMEOUT_S);
	if (r == RELP_RET_OK)
		r = relpCltSetConnTimeout(clt, RELP_TIMEOUT_S);
	if (r == RELP_RET_OK)
		r = relpCltSetWindowSize(clt, RELP_WINDOW);
	if (r == RELP_RET_OK && rl->tls) {
		r = relpCltEnableTLS(clt);
		if (r == RELP_RET_OK)
			r = relpCltSetCACert(clt, rl->ca_proc);
		if (r == RELP_RET_OK && rl->cert_fd >= 0)
			r = relpCltSetOwnCert(clt, rl->cert_proc);
		if (r == RELP_RET_OK && rl->key_fd >= 0)
			r = relpCltSetPrivKey(clt, rl->key_proc);
		if (r == RELP_RET_OK)
			r = relpCltSetAuthMode(clt, (char *)"name");
		if (r == RELP_RET_OK)
			r = relpCltAddPermittedPeer(clt, rl->peer_name);
	}
	if (r == RELP_RET_OK)
		r = relpCltConnect(clt, rl->addr[0] && strchr(rl->addr, ':') ? AF_INET6 : AF_INET,
				   (unsigned char *)rl->port, (unsigned char *)rl->addr);
	if (r != RELP_RET_OK) {
		relpEngineCltDestruct(rl->engine, &clt);
		err = relp_errno(r);
		pthread_mutex_lock(&rl->lock);
		if (rl->tls && (rl->auth_error || relp_code_is_auth(r))) {
			rl->verify = VERIFY_FAILED;
			rl->verify_failures++;
			if (!rl->verify_streak++)
				rl->verify_report = true;
			if (rl->auth_why[0])
				snprintf(rl->verify_why, sizeof(rl->verify_why), "%s", rl->auth_why);
			else
				snprintf(rl->verify_why, sizeof(rl->verify_why),
					 "TLS session refused (librelp error %d)", (int)r);
			err = -EACCES;
		}
		rl->last_err = err;
		pthread_mutex_unlock(&rl->lock);
		return err;
	}
	rl->clt = clt;
	pthread_mutex_lock(&rl->lock);
	rl->up = true;
	rl->verify = rl->tls ? VERIFY_OK : VERIFY_NONE;
	rl->verify_streak = 0;
	rl->last_err = 0;
	rl->inflight = 0;
	spool_cursor_reset(&rl->spool, &rl->cursor);
	pthread_mutex_unlock(&rl->lock);
	return 0;
}

/* Send the record at the cursor.  Return: 1 sent, 0 nothing to send, -errno. */
static int send_next(struct relp_sink *rl)
{
	relpRetVal r;
	ssize_t len;

	pthread_mutex_lock(&rl->lock);
	for (;;) {
		len = spool_cursor_read(&rl->spool, &rl->cursor, rl->out.p, rl->out.cap);
		if (len != -ENOSPC)
			break;
		rl->out.len = 0;
		if (!buf_reserve(&rl->out, SPOOL_RECORD_MAX)) {
			len = -ENOMEM;
			break;
		}
	}
	pthread_mutex_unlock(&rl->lock);
	if (len <= 0)
		return (int)len;
	r = relpCltSendSyslog(rl->clt, (unsigned char *)rl->out.p, (size_t)len);
	if (r != RELP_RET_OK)
		return relp_errno(r);
	/* The window: all but the last RELP_WINDOW sent were acknowledged. */
	pthread_mutex_lock(&rl->lock);
	rl->inflight++;
	if (rl->inflight > RELP_WINDOW)
		ack_oldest_locked(rl, rl->inflight - RELP_WINDOW);
	pthread_mutex_unlock(&rl->lock);
	return 1;
}

static void backoff(struct relp_sink *rl, uint64_t *next_attempt)
{
	*next_attempt = mono_ms() + rl->backoff_ms;
	rl->backoff_ms = rl->backoff_ms * 2 > rl->backoff_max_ms ? rl->backoff_max_ms :
			 rl->backoff_ms * 2;
}

/* Wait on rl->wake until @deadline_ms (CLOCK_MONOTONIC).  Called with the lock held. */
static void wait_until_locked(struct relp_sink *rl, uint64_t deadline_ms)
{
	struct timespec ts;
	uint64_t now = mono_ms(), ns;

	if (deadline_ms <= now)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_nsec + (deadline_ms - now) % 1000 * 1000000;
	ts.tv_sec += (time_t)((deadline_ms - now) / 1000 + ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pthread_cond_timedwait(&rl->wake, &rl->lock, &ts);
}

static void *sender(void *arg)
{
	struct relp_sink *rl = arg;
	uint64_t next_attempt = 0, idle_since = 0, stop_by = 0, now;
	bool stopping, more;
	int ret;

	cb_sink = rl;
	for (;;) {
		now = mono_ms();
		pthread_mutex_lock(&rl->lock);
		stopping = rl->stop;
		if (stopping && !stop_by)
			stop_by = now + RELP_CLOSE_MS;
		more = rl->cursor.ahead < rl->spool.records;
		if (!more && !stopping) {
			/* Idle: confirm the tail by closing, or sleep until a line comes. */
			uint64_t until = rl->inflight && rl->clt ?
					 idle_since + RELP_IDLE_CONFIRM_MS : now + 1000;

			if (until > now) {
				wait_until_locked(rl, until);
				pthread_mutex_unlock(&rl->lock);
				continue;
			}
		}
		pthread_mutex_unlock(&rl->lock);

		if (stopping && (now >= stop_by || (!more && !rl->inflight)))
			break;
		if (!rl->clt) {
			if (!more && !rl->inflight)
				continue;
			if (now < next_attempt) {
				if (stopping)
					break;	/* the collector is away: the spool keeps it */
				pthread_mutex_lock(&rl->lock);
				wait_until_locked(rl, next_attempt);
				pthread_mutex_unlock(&rl->lock);
				continue;
			}
			if (start_session(rl)) {
				backoff(rl, &next_attempt);
				continue;
			}
			rl->backoff_ms = rl->backoff_min_ms;
			idle_since = mono_ms();
			continue;
		}
		if (!more) {
			/* Nothing more to send: confirm what is in flight. */
			end_session(rl, true, 0);
			continue;
		}
		ret = send_next(rl);
		if (ret < 0) {
			end_session(rl, false, ret);
			backoff(rl, &next_attempt);
		}
		idle_since = mono_ms();
	}
	if (rl->clt)
		end_session(rl, true, 0);
	return NULL;
}

static void start_thread(struct relp_sink *rl)
{
	sigset_t all, old;
	int err;

	if (rl->thread_started)
		return;
	/*
	 * Every signal blocked in the sender: SIGTERM and SIGHUP stay the
	 * daemon thread's (its masked wait), and a write to a collector that
	 * went away returns EPIPE instead of raising SIGPIPE.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&rl->thread, NULL, sender, rl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		rl->last_err = -err;
		return;
	}
	rl->thread_started = true;
}

/* ---- sink_ops ---- */

/* @path into a memfd, "/proc/self/fd/N" in @proc.  Return: 0 or -errno. */
static int load_file(const char *path, bool secret, int *fd,
		     char *proc, size_t size)
{
	char err[256];
	int ret;

	if (!path)
		return 0;
	ret = keyfile_to_memfd(path, secret, fd, err, sizeof(err));
	if (ret) {
		log_warnx("%s", err);
		return ret;
	}
	snprintf(proc, size, "/proc/self/fd/%d", *fd);
	return 0;
}

static int resolve(struct relp_sink *rl)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int err;

	err = getaddrinfo(rl->host, rl->port, &hints, &res);
	if (err)
		return err == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	err = getnameinfo(res->ai_addr, res->ai_addrlen, rl->addr, sizeof(rl->addr), NULL, 0,
			  NI_NUMERICHOST);
	freeaddrinfo(res);
	return err ? -EHOSTUNREACH : 0;
}

static int rl_open(struct sink *s)
{
	struct relp_sink *rl = s->priv;
	int err;

	/* The address once, now: after the drop no resolver files can be read. */
	err = resolve(rl);
	if (err)
		return err;
	err = rfc5424_open(&rl->fmt);
	if (err)
		return err;
	if (rl->tls) {
		err = load_file(rl->ca_path, false, &rl->ca_fd, rl->ca_proc,
				sizeof(rl->ca_proc));
		if (!err)
			err = load_file(rl->cert_path, false, &rl->cert_fd, rl->cert_proc,
					sizeof(rl->cert_proc));
		if (!err)
			err = load_file(rl->key_path, true, &rl->key_fd, rl->key_proc,
					sizeof(rl->key_proc));
		if (err)
			return err;
	}
	/* The engine and its TLS library are set up while privileged (config files). */
	if (relpEngineConstruct(&rl->engine) != RELP_RET_OK)
		return -ENOMEM;
	/* librelp calls its debug printer unconditionally; it starts NULL. */
	if (relpEngineSetDbgprint(rl->engine, NULL) != RELP_RET_OK ||
	    (rl->tls && relpEngineSetTLSLibByName(rl->engine, "openssl") != RELP_RET_OK) ||
	    relpEngineSetEnableCmd(rl->engine, (unsigned char *)"syslog",
				   eRelpCmdState_Required) != RELP_RET_OK ||
	    relpEngineSetOnErr(rl->engine, on_relp_err) != RELP_RET_OK ||
	    relpEngineSetOnAuthErr(rl->engine, on_relp_auth_err) != RELP_RET_OK ||
	    relpEngineSetOnGenericErr(rl->engine, on_relp_generic_err) != RELP_RET_OK)
		return -EINVAL;
	err = spool_open(&rl->spool, rl->spool_dir, rl->spool_max, rl->spool_uid,
			 rl->spool_gid);
	if (err)
		return err;
	rl->spool_open = true;
	rl->dropped_pending += spool_take_count(&rl->spool, DROPPED_FILE);
	spool_cursor_reset(&rl->spool, &rl->cursor);
	return 0;
}

static int rl_write(struct sink *s, const struct sink_line *line)
{
	struct relp_sink *rl = s->priv;
	int err;

	err = rfc5424_format(&rl->fmt, line);
	pthread_mutex_lock(&rl->lock);
	rl->lines++;
	if (!err)
		err = spool_append(&rl->spool, rl->fmt.msg.p, rl->fmt.msg.len);
	if (err) {
		rl->dropped++;
		rl->dropped_pending++;
		if (err != -ENOSPC)
			rl->last_err = err;
	}
	pthread_mutex_unlock(&rl->lock);
	return 0;
}

/* End of a batch: wake the sender (not per line: one wakeup per batch). */
static int rl_flush(struct sink *s)
{
	struct relp_sink *rl = s->priv;

	start_thread(rl);
	pthread_mutex_lock(&rl->lock);
	pthread_cond_signal(&rl->wake);
	pthread_mutex_unlock(&rl->lock);
	return 0;
}

static void rl_tick(struct sink *s, uint64_t now_ms)
{
	(void)now_ms;
	rl_flush(s);
}

static int rl_reopen(struct sink *s)
{
	(void)s;
	return 0;
}

/* Called with rl->lock held. */
static bool back_locked(const struct relp_sink *rl)
{
	return rl->up && !rl->spool.records;
}

static void rl_health(struct sink *s, struct sink_health *h)
{
	struct relp_sink *rl = s->priv;
	const char *state;

	memset(h, 0, sizeof(*h));
	pthread_mutex_lock(&rl->lock);
	if (rl->spool.records)
		state = "spooling";
	else if (!rl->up)
		state = "connecting";
	else
		state = "ok";
	snprintf(h->state, sizeof(h->state), "%s", state);
	h->up = back_locked(rl);
	h->lines = rl->lines;
	h->dropped = rl->dropped;
	h->spooled = rl->spool.records;
	h->last_err = rl->last_err;
	snprintf(h->transport, sizeof(h->transport), "%s", rl->tls ? "relp+tls" : "relp");
	if (rl->tls)
		snprintf(h->peer, sizeof(h->peer), "%s:%s name=%s", rl->host, rl->port,
			 rl->peer_name);
	else
		snprintf(h->peer, sizeof(h->peer), "%s:%s", rl->host, rl->port);
	if (rl->verify == VERIFY_FAILED)
		snprintf(h->verify, sizeof(h->verify), "failed: %s", rl->verify_why);
	else
		snprintf(h->verify, sizeof(h->verify), "%s", verify_names[rl->verify]);
	h->tls_failures = rl->verify_failures;
	h->have_acked = true;
	h->acked = rl->acked;
	h->unacked = rl->spool.records;
	pthread_mutex_unlock(&rl->lock);
}

uint64_t sink_relp_pending_dropped(struct sink *s)
{
	struct relp_sink *rl = s->priv;
	uint64_t n;

	pthread_mutex_lock(&rl->lock);
	n = rl->dropped_pending;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

uint64_t sink_relp_take_dropped(struct sink *s)
{
	struct relp_sink *rl = s->priv;
	uint64_t n = 0;

	pthread_mutex_lock(&rl->lock);
	if (back_locked(rl)) {
		n = rl->dropped_pending;
		rl->dropped_pending = 0;
	}
	pthread_mutex_unlock(&rl->lock);
	return n;
}

bool sink_relp_take_tls_failure(struct sink *s, char *why, size_t len, uint64_t *failures)
{
	struct relp_sink *rl = s->priv;
	bool report;

	pthread_mutex_lock(&rl->lock);
	report = rl->verify_report;
	if (report) {
		rl->verify_report = false;
		snprintf(why, len, "%s", rl->verify_why);
		*failures = rl->verify_failures;
	}
	pthread_mutex_unlock(&rl->lock);
	return report;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void rl_free(struct relp_sink *rl)
{
	free(rl->host);
	free(rl->spool_dir);
	free(rl->peer_name);
	free(rl->ca_path);
	free(rl->cert_path);
	free(rl->key_path);
	close_fd(&rl->ca_fd);
	close_fd(&rl->cert_fd);
	close_fd(&rl->key_fd);
	rfc5424_free(&rl->fmt);
	buf_free(&rl->out);
	buf_free(&rl->scratch);
	pthread_mutex_destroy(&rl->lock);
	pthread_cond_destroy(&rl->wake);
	free(rl);
}

static int rl_close(struct sink *s)
{
	struct relp_sink *rl = s->priv;
	int err = 0;

	if (!rl)
		return 0;
	if (rl->spool_open && rl->spool.records)
		start_thread(rl);	/* a last try for what a previous run left */
	if (rl->thread_started) {
		pthread_mutex_lock(&rl->lock);
		rl->stop = true;
		pthread_cond_signal(&rl->wake);
		pthread_mutex_unlock(&rl->lock);
		pthread_join(rl->thread, NULL);
	}
	spool_cursor_close(&rl->cursor);
	if (rl->spool_open) {
		if (rl->spool.records)
			log_info("%s: %" PRIu64 " lines not acknowledged stay in the spool",
				 s->name, rl->spool.records);
		if (spool_save_count(&rl->spool, DROPPED_FILE, rl->dropped_pending))
			err = -EIO;
		spool_close(&rl->spool);
	}
	if (rl->engine)
		relpEngineDestruct(&rl->engine);
	rl_free(rl);
	s->priv = NULL;
	return err;
}

/*
 * Its spool's segments, and the collector's port.  The memfd copies of the
 * TLS files need no rule: they live on the kernel's internal shmem mount
 * (SB_NOUSER), which Landlock does not restrict (it refuses a rule for
 * them, EBADFD); reopening one through /proc/self/fd/N is allowed.
 */
static void rl_sandbox(struct sink *s, struct sandbox *sb)
{
	struct relp_sink *rl = s->priv;

	sandbox_add_dir(sb, rl->spool.dirfd, true);
	sandbox_add_tcp_port(sb, (uint16_t)atoi(rl->port));
}

static const struct sink_ops relp_sink_ops = {
	.kind = "relp",
	.open = rl_open,
	.write = rl_write,
	.flush = rl_flush,
	.tick = rl_tick,
	.reopen = rl_reopen,
	.health = rl_health,
	.sandbox = rl_sandbox,
	.close = rl_close,
};

static int dup_opt(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int sink_relp_new(struct sink *s, const struct relp_sink_conf *c)
{
	pthread_condattr_t ca;
	struct relp_sink *rl;

	if (!c->host || !*c->host || !c->port || c->port > 65535 || !c->spool_dir ||
	    (c->tls && !c->tls_ca) || (c->tls_key && !c->tls_cert))
		return -EINVAL;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return -ENOMEM;
	pthread_mutex_init(&rl->lock, NULL);
	/* Timed waits on the monotonic clock: a clock step neither stalls nor hurries them. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rl->wake, &ca);
	pthread_condattr_destroy(&ca);
	rl->ca_fd = rl->cert_fd = rl->key_fd = -1;
	rl->spool.dirfd = rl->spool.head_fd = rl->spool.tail_fd = -1;
	rl->cursor.fd = -1;
	snprintf(rl->port, sizeof(rl->port), "%u", c->port);
	rl->tls = c->tls;
	rl->verify = c->tls ? VERIFY_PENDING : VERIFY_NONE;
	rl->spool_max = c->spool_max;
	rl->backoff_min_ms = c->backoff_min_ms ? c->backoff_min_ms : 100;
	rl->backoff_max_ms = c->backoff_max_ms ? c->backoff_max_ms : 30000;
	if (rl->backoff_max_ms < rl->backoff_min_ms)
		rl->backoff_max_ms = rl->backoff_min_ms;
	rl->backoff_ms = rl->backoff_min_ms;
	rl->spool_uid = c->spool_uid;
	rl->spool_gid = c->spool_gid;
	if (rfc5424_init(&rl->fmt, c->app_name, c->sd_id, c->hostname)) {
		rl_free(rl);
		return -EINVAL;
	}
	if (dup_opt(&rl->host, c->host) || dup_opt(&rl->spool_dir, c->spool_dir) ||
	    dup_opt(&rl->peer_name, c->tls_peer_name ? c->tls_peer_name : c->host) ||
	    dup_opt(&rl->ca_path, c->tls_ca) || dup_opt(&rl->cert_path, c->tls_cert) ||
	    dup_opt(&rl->key_path, c->tls_key)) {
		rl_free(rl);
		return -ENOMEM;
	}
	if (c->name)
		snprintf(s->name, sizeof(s->name), "%s", c->name);
	else
		snprintf(s->name, sizeof(s->name), "relp:%s:%u", c->host, c->port);
	s->ops = &relp_sink_ops;
	s->priv = rl;
	return 0;
}
