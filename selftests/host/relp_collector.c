// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* rsyslogd with imrelp over TLS, and a test PKI, for the host tests (relp_collector.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "relp_collector.h"

/* A shell command, quiet; 0 or -1. */
static int sh(const char *cmd)
{
	char full[2048];

	snprintf(full, sizeof(full), "(%s) >/dev/null 2>&1", cmd);
	return system(full) ? -1 : 0;
}

static int make_ca(const char *dir, const char *name, const char *crt, const char *key)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "cd %s && " RELP_OPENSSL " req -x509 -new -newkey rsa:2048 -nodes -days 2 "
		 "-subj /CN=%s -keyout %s -out %s", dir, name, key, crt);
	return sh(cmd);
}

/* A certificate for DNS name @name signed by @ca/@ca_key. */
static int make_cert(const char *dir, const char *name, const char *ca, const char *ca_key,
		     const char *crt, const char *key)
{
	char cmd[1400];

	snprintf(cmd, sizeof(cmd),
		 "cd %s && printf 'subjectAltName=DNS:%s\\n' > %s.ext && "
		 RELP_OPENSSL " req -new -newkey rsa:2048 -nodes -subj /CN=%s -keyout %s -out %s.csr && "
		 RELP_OPENSSL " x509 -req -in %s.csr -CA %s -CAkey %s -CAcreateserial -days 2 "
		 "-extfile %s.ext -out %s && chmod 600 %s",
		 dir, name, crt, name, key, crt, crt, ca, ca_key, crt, crt, key);
	return sh(cmd);
}

#define SET(f, n)	snprintf(p->f, sizeof(p->f), "%s/%s", dir, n)

int relp_pki_make(struct relp_pki *p, const char *dir)
{
	SET(ca, "ca.crt");
	SET(ca_key, "ca.key");
	SET(other_ca, "other-ca.crt");
	SET(other_ca_key, "other-ca.key");
	SET(srv, "srv.crt");
	SET(srv_key, "srv.key");
	SET(srv_other, "srv-other.crt");
	SET(srv_other_key, "srv-other.key");
	SET(srv_wrong, "srv-wrong.crt");
	SET(srv_wrong_key, "srv-wrong.key");
	SET(clt, "clt.crt");
	SET(clt_key, "clt.key");
	if (make_ca(dir, "inputaudit-test-ca", p->ca, p->ca_key) ||
	    make_ca(dir, "someone-else-ca", p->other_ca, p->other_ca_key) ||
	    make_cert(dir, "collector.test", p->ca, p->ca_key, p->srv, p->srv_key) ||
	    make_cert(dir, "collector.test", p->other_ca, p->other_ca_key, p->srv_other,
		      p->srv_other_key) ||
	    make_cert(dir, "wrong.test", p->ca, p->ca_key, p->srv_wrong, p->srv_wrong_key) ||
	    make_cert(dir, "client.test", p->ca, p->ca_key, p->clt, p->clt_key))
		return -1;
	return 0;
}

int relp_collector_init(struct collector *c, const char *dir,
			const struct relp_collector_conf *cf, unsigned int port)
{
	char path[192], tls[1024] = "";
	FILE *f;
	int err;

	err = collector_init(c, dir);	/* port, out, work directory */
	if (err)
		return err;
	if (port)
		c->port = port;
	if (cf->tls)
		snprintf(tls, sizeof(tls),
			 " tls=\"on\" tls.cacert=\"%s\" tls.mycert=\"%s\" tls.myprivkey=\"%s\"%s",
			 cf->ca, cf->cert, cf->key, cf->require_client ?
			 " tls.authmode=\"name\" tls.permittedpeer=[\"client.test\"]" :
			 " tls.authmode=\"certvalid\"");
	snprintf(path, sizeof(path), "%s/rsyslog.conf", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"global(workDirectory=\"%s/collector-work\" maxMessageSize=\"64k\")\n"
		"module(load=\"imrelp\" tls.tlslib=\"openssl\")\n"
		"template(name=\"t\" type=\"string\" string=\"%%msgid%%\\t%%msg%%\\n\")\n"
		"ruleset(name=\"r\" queue.type=\"Direct\") {\n"
		"  action(type=\"omfile\" file=\"%s\" template=\"t\")\n"
		"}\n"
		"input(type=\"imrelp\" port=\"%u\" address=\"127.0.0.1\" ruleset=\"r\"%s)\n",
		dir, c->out, c->port, tls);
	if (cf->tcp_port)
		fprintf(f, "module(load=\"imtcp\")\n"
			"input(type=\"imtcp\" port=\"%u\" address=\"127.0.0.1\" ruleset=\"r\")\n",
			cf->tcp_port);
	return fclose(f) ? -errno : 0;
}
