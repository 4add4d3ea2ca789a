/* test_hash.c - cors_hash.c: the tables' hash tells keys apart by their last bytes; FNV-1a as published. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

/* Names of every length up to 64, each differing from the next only in its last byte: the
 * sets' hash reads the last bytes of a key separately, and must tell them all apart. */
static void test_hash_tails(apr_pool_t *p, unit_counts *u)
{
    cors_set *headers = cors_set_make(p, CORS_SET_HEADERS);
    char name[66];
    size_t len;

    for (len = 1; len <= 64; len++) {
        memset(name, 'a', len);
        name[len - 1] = 'b';
        name[len] = '\0';
        cors_set_add(p, headers, name, CORS_ITEM_PLAIN);
    }
    cors_set_seal(p, headers);
    for (len = 1; len <= 64; len++) {
        memset(name, 'a', len);
        name[len - 1] = 'b';
        CHECK(u, cors_header_allowed(headers, name, len), "length %u found", (unsigned)len);
        name[len - 1] = 'c';
        CHECK(u, !cors_header_allowed(headers, name, len), "length %u, last byte changed, not "
              "found", (unsigned)len);
    }
}

/* The published FNV-1a 64 test vectors: the same hash on every server of a fleet. */
static void test_fnv1a64(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *text;
        apr_uint64_t hash;
    } cases[] = {
        { "", 0xcbf29ce484222325ULL },
        { "a", 0xaf63dc4c8601ec8cULL },
        { "foobar", 0x85944171f73967e8ULL },
    };
    size_t i;

    (void)p;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(u, cors_fnv1a64(cases[i].text, strlen(cases[i].text)) == cases[i].hash,
              "FNV-1a 64 of '%s'", cases[i].text);
    }
    CHECK(u, cors_fnv1a64("a\0b", 3) != cors_fnv1a64("a", 1), "bytes after a NUL count");
}

void test_hash(apr_pool_t *p, unit_counts *u)
{
    test_hash_tails(p, u);
    test_fnv1a64(p, u);
}
