// SPDX-License-Identifier: GPL-2.0-only
/*
 * ia-type: synthetic input for the demo.  Creates a uinput keyboard and
 * types the given text, or a uinput mouse and moves and clicks it.
 *
 *   ia-type --keyboard "hello world"
 *   ia-type --mouse 20
 */
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uinput_util.h"

static int usage(void)
{
	fprintf(stderr, "usage: ia-type --keyboard TEXT | --mouse MOVES\n"
			"  TEXT: letters a-z, digits, spaces\n"
			"  MOVES: 1-10000 motion frames, with a click every 10\n");
	return 2;
}

static int mouse(int moves)
{
	int fd = uinput_create(UINPUT_MOUSE, "inputaudit demo mouse");

	if (fd < 0)
		return fd;
	usleep(100000);
	for (int i = 0; i < moves; i++) {
		uinput_emit(fd, EV_REL, REL_X, 3);
		uinput_emit(fd, EV_REL, REL_Y, -2);
		uinput_sync(fd);
		if (i % 10 == 9) {
			uinput_emit(fd, EV_KEY, BTN_LEFT, 1);
			uinput_sync(fd);
			uinput_emit(fd, EV_KEY, BTN_LEFT, 0);
			uinput_sync(fd);
		}
		usleep(2000);
	}
	uinput_destroy(fd);
	return 0;
}

static int keyboard(const char *text)
{
	int fd = uinput_create(UINPUT_KEYBOARD, "inputaudit demo keyboard");
	int n;

	if (fd < 0)
		return fd;
	usleep(100000);
	n = uinput_type(fd, text);
	uinput_destroy(fd);
	return n < 0 ? n : 0;
}

int main(int argc, char **argv)
{
	char *end;
	long n;

	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "--keyboard"))
		return keyboard(argv[2]) ? 1 : 0;
	if (strcmp(argv[1], "--mouse"))
		return usage();
	n = strtol(argv[2], &end, 10);
	if (*end || n < 1 || n > 10000)
		return usage();
	return mouse(n) ? 1 : 0;
}
