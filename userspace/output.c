// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The JSON Lines sink; see output.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define OUTPUT_MODE	0600
#define OUTPUT_BUFSIZE	(64 * 1024)

/*
 * An existing file keeps its owner but never more than 0600: audit records
 * must not stay readable by others because a file was created with a
 * looser mode or umask before the daemon first ran.
 */
static int output_restrict_mode(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & ~(mode_t)S_IFMT & ~OUTPUT_MODE))
		return 0;
	if (fchmod(fd, OUTPUT_MODE) < 0)
		return -errno;
	return 0;
}

int output_open(struct output *out, const char *path)
{
	int fd, err;

	if (!path || !strcmp(path, "-")) {
		out->fp = stdout;
		out->name = "stdout";
		setvbuf(out->fp, NULL, _IOFBF, OUTPUT_BUFSIZE);
		return 0;
	}

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY | O_CLOEXEC,
		  OUTPUT_MODE);
	if (fd < 0)
		return -errno;
	err = output_restrict_mode(fd);
	if (err)
		goto err_close;
	out->fp = fdopen(fd, "a");
	if (!out->fp) {
		err = -errno;
		goto err_close;
	}
	out->name = path;
	setvbuf(out->fp, NULL, _IOFBF, OUTPUT_BUFSIZE);
	return 0;

err_close:
	close(fd);
	return err;
}

int output_write(struct output *out, const char *line, size_t len)
{
	if (fwrite(line, 1, len, out->fp) != len)
		return errno ? -errno : -EIO;
	return 0;
}

int output_flush(struct output *out)
{
	if (fflush(out->fp) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}

int output_close(struct output *out)
{
	int err = output_flush(out);

	if (out->fp != stdout && fclose(out->fp) == EOF && !err)
		err = errno ? -errno : -EIO;
	out->fp = NULL;
	return err;
}
