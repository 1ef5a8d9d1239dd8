// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Tests for userspace/sink/json_fields.c: the member walker the sinks use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "json_fields.h"

struct seen {
	char text[1024];	/* "key=kind:value;" for each member */
	unsigned int n;
};

static int collect(void *ctx, const char *key, const char *val, size_t vallen,
		   enum json_kind kind)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%s=%d:%.*s;", key, (int)kind,
		 (int)vallen, val);
	s->n++;
	return 0;
}

static int stop_at_two(void *ctx, const char *key, const char *val, size_t vallen,
		       enum json_kind kind)
{
	struct seen *s = ctx;

	collect(ctx, key, val, vallen, kind);
	return s->n == 2 ? 42 : 0;
}

static int walk(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return json_fields(text, strlen(text), collect, s);
}

TEST(members_in_order)
{
	struct seen s;

	ASSERT_EQ(0, walk(" {\"seq\":5,\"type\":\"event\",\"ok\":true,\"no\":false,"
			  "\"nil\":null,\"neg\":-1.5e3,\"s\":\"a\\\"b\"}\n", &s));
	EXPECT_STREQ("seq=0:5;type=1:event;ok=2:true;no=3:false;nil=4:null;"
		     "neg=0:-1.5e3;s=1:a\\\"b;", s.text);
}

TEST(nested_flattened_arrays_skipped)
{
	struct seen s;

	ASSERT_EQ(0, walk("{\"v\":[1,[2,{\"x\":3}],\"]\"],\"o\":{\"a\":1,\"b\":{\"c\":\"}\"}},"
			  "\"e\":{},\"z\":0}", &s));
	EXPECT_STREQ("o.a=0:1;o.b.c=1:};z=0:0;", s.text);
}

TEST(whitespace)
{
	struct seen s;

	ASSERT_EQ(0, walk("{ \"a\" : 1 , \"b\" :\t\"x\" }", &s));
	EXPECT_STREQ("a=0:1;b=1:x;", s.text);
}

TEST(malformed)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\" 1}",
		"{\"a\":tru}", "{\"a\":\"x}", "{\"a\":[1,2}", "{a:1}", "{\"a\":1 \"b\":2}",
		"{\"a\":\"\\", "{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}",
	};
	unsigned int i;
	struct seen s;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Exact-size copies: ASan catches any read past the end. */
		size_t len = strlen(bad[i]);
		char *copy = malloc(len ? len : 1);

		ASSERT_NE(NULL, copy);
		memcpy(copy, bad[i], len);
		memset(&s, 0, sizeof(s));
		EXPECT_EQ(-EINVAL, json_fields(copy, len, collect, &s)) {
			TH_LOG("input %u: %s", i, bad[i]);
		}
		free(copy);
	}
}

TEST(callback_stops)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	EXPECT_EQ(42, json_fields("{\"a\":1,\"b\":2,\"c\":3}", 19, stop_at_two, &s));
	EXPECT_EQ(2, s.n);
}

TEST(long_keys_skipped)
{
	char text[512], key[200];
	struct seen s;

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = 0;
	snprintf(text, sizeof(text), "{\"%s\":1,\"a\":2}", key);
	ASSERT_EQ(0, walk(text, &s));
	EXPECT_STREQ("a=0:2;", s.text);
}

TEST(unescape)
{
	char out[64];

	EXPECT_EQ(9, json_unescape("a\\\"b\\\\c\\/\\n\\t\\u0041", 19, out, sizeof(out)));
	EXPECT_STREQ("a\"b\\c/\n\tA", out);
	/* U+00E9, U+20AC, U+1F600 (surrogate pair). */
	EXPECT_EQ(2 + 3 + 4, json_unescape("\\u00e9\\u20AC\\ud83d\\ude00", 24, out, sizeof(out)));
	EXPECT_STREQ("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", out);
	EXPECT_EQ(-EINVAL, json_unescape("\\x", 2, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, json_unescape("\\u12", 4, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, json_unescape("abc\\", 4, out, sizeof(out)));
	EXPECT_EQ(-ENOSPC, json_unescape("abcd", 4, out, 4));
	EXPECT_EQ(3, json_unescape("abc", 3, out, 4));
}

TEST_HARNESS_MAIN
