/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h — the one JSON writer behind every --json.
 *
 *   struct json j;
 *   json_begin(&j, stdout);                   {"format":1,
 *   json_array(&j, "contexts");                 "contexts":[
 *   json_object(&j, NULL);                        {
 *   json_string(&j, "name", "web1");                "name":"web1",
 *   json_uint(&j, "init_pid", 0, false);            "init_pid":null
 *   json_close(&j); json_close(&j);               }]
 *   json_finish(&j);                          }\n
 *
 * Keys are given inside objects and NULL inside arrays; commas are the writer's business.
 * Strings come from configs, templates and contexts: control characters are escaped and bytes
 * that are not UTF-8 become U+FFFD, so the output is always valid JSON.  Every document is an
 * object whose first key is "format" (JSON_FORMAT): scripts check it before they trust a key.
 */
#ifndef VX_JSON_H
#define VX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_FORMAT 1
#define JSON_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool comma[JSON_DEPTH];
	char close[JSON_DEPTH];
};

/* Opens the document object and writes "format". */
void json_begin(struct json *j, FILE *f);
/* Closes whatever is open and ends the line. */
void json_finish(struct json *j);

void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_close(struct json *j);

/* s NULL: null. */
void json_string(struct json *j, const char *key, const char *s);
/* present false: null (a value that does not apply, never 0 standing in for it). */
void json_uint(struct json *j, const char *key, uint64_t v, bool present);
void json_int(struct json *j, const char *key, int64_t v, bool present);
void json_double(struct json *j, const char *key, double v, bool present);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* A JSON string of s (quotes included), for the writers above and for tests. */
void json_quote(FILE *f, const char *s);

#endif
