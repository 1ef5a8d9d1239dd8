// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Host tests: records into a running daemon's ring; see bpf_feed.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_feed.h"

/* The prog_id in /proc/@pid/fdinfo/@fd, or 0 if it is no BPF program. */
static unsigned int fd_prog_id(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned int id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!id && fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_id: %u", &id) != 1)
			id = 0;
	fclose(f);
	return id;
}

int bpf_feed_prog(pid_t pid)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	char path[64];
	struct dirent *de;
	unsigned int id = 0;
	int fd;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while (!id && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			id = fd_prog_id(pid, atoi(de->d_name));
	closedir(dir);
	if (!id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    strncmp(info.name, "inputaudit_record", sizeof(info.name) - 1)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int bpf_feed_record(int prog_fd, const struct inputaudit_record *rec)
{
	const __u64 args[9] = { rec->seq, rec->time_ns, rec->type, rec->flags,
				rec->dev_id, rec->v[0], rec->v[1], rec->v[2],
				rec->v[3] };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = args,
		.ctx_size_in = sizeof(args),
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	return 0;
}
