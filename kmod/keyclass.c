// SPDX-License-Identifier: GPL-2.0-only
/*
 * inputaudit: the coarse key classes, all that a key record says about a
 * key below level "keys".
 */
#include <linux/input.h>

#include "internal.h"

/**
 * inputaudit_key_class() - map a keyboard key code to its coarse class
 * @code: a KEY_* code (not a BTN_* code)
 *
 * Context: any; a pure function.
 * Return: enum inputaudit_key_class.
 */
enum inputaudit_key_class inputaudit_key_class(unsigned int code)
{
	switch (code) {
	case KEY_1 ... KEY_EQUAL:
	case KEY_Q ... KEY_RIGHTBRACE:
	case KEY_A ... KEY_GRAVE:
	case KEY_BACKSLASH ... KEY_SLASH:
	case KEY_KPASTERISK:
	case KEY_SPACE:
	case KEY_KP7 ... KEY_KPDOT:
	case KEY_102ND:
	case KEY_RO:
	case KEY_KPSLASH:
	case KEY_KPEQUAL:
	case KEY_KPCOMMA:
	case KEY_YEN:
		return INPUTAUDIT_KEY_TEXT;
	case KEY_LEFTCTRL:
	case KEY_LEFTSHIFT:
	case KEY_RIGHTSHIFT:
	case KEY_LEFTALT:
	case KEY_CAPSLOCK:
	case KEY_NUMLOCK:
	case KEY_SCROLLLOCK:
	case KEY_RIGHTCTRL:
	case KEY_RIGHTALT:
	case KEY_LEFTMETA:
	case KEY_RIGHTMETA:
	case KEY_COMPOSE:
		return INPUTAUDIT_KEY_MODIFIER;
	case KEY_TAB:
	case KEY_HOME ... KEY_PAGEDOWN:
		return INPUTAUDIT_KEY_NAVIGATION;
	case KEY_BACKSPACE:
	case KEY_ENTER:
	case KEY_KPENTER:
	case KEY_INSERT:
	case KEY_DELETE:
		return INPUTAUDIT_KEY_EDITING;
	case KEY_ESC:
	case KEY_F1 ... KEY_F10:
	case KEY_F11:
	case KEY_F12:
	case KEY_F13 ... KEY_F24:
	case KEY_SYSRQ:
	case KEY_PAUSE:
		return INPUTAUDIT_KEY_FUNCTION;
	default:
		return INPUTAUDIT_KEY_OTHER;
	}
}
