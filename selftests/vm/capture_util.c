// SPDX-License-Identifier: GPL-2.0-only
/* One capture in a VM test: daemon, uinput device, records read back. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_util.h"
#include "kmod_util.h"
#include "uinput_util.h"

void capture_init(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->ufd = -1;
	snprintf(c->out, sizeof(c->out), "/tmp/audit-%d.jsonl", getpid());
}

const char *capture_prepare(struct capture *c)
{
	capture_init(c);
	if (geteuid() != 0)
		return "needs root to load the module";
	if (access("/dev/uinput", W_OK))
		return "no /dev/uinput";
	if (kmod_loaded())
		kmod_unload_wait(WAIT_MS);
	return NULL;
}

int capture_cleanup(struct capture *c)
{
	int err = 0;

	if (c->ufd >= 0)
		uinput_destroy(c->ufd);
	c->ufd = -1;
	if (c->daemon > 0)
		daemon_stop(c->daemon);
	c->daemon = 0;
	if (kmod_loaded())
		err = kmod_unload_wait(WAIT_MS);
	jsonl_free(&c->j);
	unlink(c->out);
	return err;
}

int capture_reload(struct capture *c)
{
	jsonl_free(&c->j);
	return jsonl_load(&c->j, c->out);
}

uint64_t capture_finish(struct capture *c)
{
	uint64_t dev = 0;

	for (int waited = 0; waited <= WAIT_MS; waited += 50) {
		if (!capture_reload(c) && find_own_device(&c->j, &dev))
			break;
		sleep_ms(50);
	}
	if (!dev)
		return 0;

	uinput_destroy(c->ufd);
	c->ufd = -1;
	for (int waited = 0; waited <= WAIT_MS; waited += 50) {
		if (!capture_reload(c) &&
		    find_record(&c->j, "device_removed", dev))
			break;
		sleep_ms(50);
	}

	if (daemon_stop(c->daemon) != 0)
		return 0;
	c->daemon = 0;
	if (capture_reload(c))
		return 0;
	return find_record(&c->j, "device_removed", dev) ? dev : 0;
}


int capture_stop_and_load(struct capture *c)
{
	int status = daemon_stop(c->daemon);

	c->daemon = 0;
	if (status != 0)
		return -1;
	return capture_reload(c);
}

bool find_own_device(const struct jsonl *j, uint64_t *dev)
{
	for (size_t i = 0; i < j->count; i++) {
		uint64_t pid;

		if (json_type_is(j->lines[i], "device_added") &&
		    json_u64(j->lines[i], "pid", &pid) && pid == (uint64_t)getpid())
			return json_u64(j->lines[i], "dev", dev);
	}
	return false;
}

static bool is_dev_record(const char *line, const char *type, uint64_t dev)
{
	uint64_t d;

	return json_type_is(line, type) && json_u64(line, "dev", &d) && d == dev;
}

const char *find_record(const struct jsonl *j, const char *type, uint64_t dev)
{
	for (size_t i = 0; i < j->count; i++)
		if (is_dev_record(j->lines[i], type, dev))
			return j->lines[i];
	return NULL;
}

int count_type(const struct jsonl *j, const char *type, uint64_t dev)
{
	int n = 0;

	for (size_t i = 0; i < j->count; i++)
		n += is_dev_record(j->lines[i], type, dev);
	return n;
}

uint64_t sum_field(const struct jsonl *j, const char *type, uint64_t dev,
		   const char *field)
{
	uint64_t sum = 0, v;

	for (size_t i = 0; i < j->count; i++)
		if (is_dev_record(j->lines[i], type, dev) &&
		    json_u64(j->lines[i], field, &v))
			sum += v;
	return sum;
}

int count_events(const struct jsonl *j, uint64_t dev, const char *kind,
		 const char *class)
{
	char ev[32], cl[32];
	int n = 0;

	for (size_t i = 0; i < j->count; i++) {
		const char *line = j->lines[i];

		if (!is_dev_record(line, "event", dev) ||
		    !json_str(line, "event", ev, sizeof(ev)) || strcmp(ev, kind))
			continue;
		if (class && (!json_str(line, "class", cl, sizeof(cl)) ||
			      strcmp(cl, class)))
			continue;
		n++;
	}
	return n;
}

void count_records(const struct jsonl *j, uint64_t *kernel, uint64_t *missing)
{
	uint64_t v;

	*kernel = 0;
	*missing = 0;
	for (size_t i = 0; i < j->count; i++) {
		if (json_u64(j->lines[i], "seq", &v)) {
			(*kernel)++;
			/* device_added stands for the name records before it */
			if (json_u64(j->lines[i], "name_records", &v))
				*kernel += v;
		}
		else if (json_type_is(j->lines[i], "loss") &&
			 json_u64(j->lines[i], "missing", &v))
			*missing += v;
	}
}

const char *final_stats(const struct jsonl *j)
{
	for (size_t i = j->count; i-- > 0;)
		if (json_type_is(j->lines[i], "stats") &&
		    strstr(j->lines[i], "\"final\":true"))
			return j->lines[i];
	return NULL;
}
