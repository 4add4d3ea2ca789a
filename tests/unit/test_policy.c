/* test_policy.c - cors_policy.c: levels merged, contradictions, warnings and bounds over merged levels. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

static void test_policy_merge(apr_pool_t *p, unit_counts *u)
{
    cors_policy *server = cors_policy_make(p), *dir = cors_policy_make(p), *off, *on;
    const cors_policy *m;

    server->enable = 1;
    server->origins = must_set(p, u, CORS_SET_ORIGINS, "https://a.test");
    server->max_age = 60;
    server->max_age_value = "60";
    dir->credentials = 1;
    m = cors_policy_merge(p, server, dir);
    CHECK(u, cors_policy_enabled(m) && m->credentials == 1 && m->max_age == 60
             && m->origins == server->origins, "unset fields are inherited");
    CHECK(u, cors_policy_conflict(m) == NULL, "no conflict with a listed origin");

    off = cors_policy_make(p);
    off->enable = 0;
    m = cors_policy_merge(p, m, off);
    CHECK(u, !cors_policy_enabled(m), "CORSEnable Off switches a subtree off");
    on = cors_policy_make(p);
    on->enable = 1;
    m = cors_policy_merge(p, m, on);
    CHECK(u, cors_policy_enabled(m) && m->origins == server->origins && m->credentials == 1,
          "CORSEnable On below brings the inherited settings back");

    /* Contradictions: in one level, and only after merging. */
    server = cors_policy_make(p);
    server->origins = must_set(p, u, CORS_SET_ORIGINS, "*");
    server->credentials = 1;
    CHECK(u, cors_policy_conflict(server) != NULL, "* with credentials in one level");
    server->credentials = CORS_UNSET;
    CHECK(u, cors_policy_conflict(server) == NULL, "* alone is fine");
    dir = cors_policy_make(p);
    dir->credentials = 1;
    m = cors_policy_merge(p, server, dir);
    CHECK(u, m->conflict && cors_policy_conflict(m) != NULL,
          "* inherited with credentials below is caught when merged");
    dir->origins = must_set(p, u, CORS_SET_ORIGINS, "https://a.test");
    m = cors_policy_merge(p, server, dir);
    CHECK(u, !m->conflict, "a replacing list below removes the inherited *");

    server = cors_policy_make(p);
    server->expose = must_set(p, u, CORS_SET_HEADERS, "*");
    server->credentials = 1;
    CHECK(u, cors_policy_conflict(server) && strstr(cors_policy_conflict(server),
                                                    "CORSExposeHeaders"),
          "exposed * with credentials");

    /* A level that says nothing hands back the other (sealed), and a raw level's conflict,
     * not recorded while it was read, is found when it is sealed. */
    cors_policy_seal(p, dir);
    m = cors_policy_merge(p, cors_policy_make(p), dir);
    CHECK(u, m == dir, "an empty server level gives back the section itself");
    m = cors_policy_merge(p, dir, cors_policy_make(p));
    CHECK(u, m == dir, "an empty section gives back what it inherits");
    CHECK(u, !server->conflict, "a raw section has no conflict recorded");
    m = cors_policy_merge(p, cors_policy_make(p), server);
    CHECK(u, m != server && m->conflict, "an unrecorded conflict is found by the merge");
    m = cors_policy_merge(p, server, cors_policy_make(p));
    CHECK(u, m != server && m->conflict, "... on either side");
}

/* Sections of +/- edits merged one onto the other: up to CORS_MERGED_EDITS_MAX edits in force
 * the list is what they say; past it, it allows nothing, and the policy says why. */
static void test_merged_edits(apr_pool_t *p, unit_counts *u)
{
    cors_policy *pol = cors_policy_make(p);
    const cors_policy *merged;
    int level, i;
    char name[32];

    pol->headers = cors_set_make(p, CORS_SET_HEADERS);
    cors_set_add(p, pol->headers, "X-Base", CORS_ITEM_PLAIN);
    merged = cors_policy_merge(p, cors_policy_make(p), pol);
    for (level = 1; level <= CORS_MERGED_EDITS_MAX / CORS_LIST_MAX + 1; level++) {
        cors_policy *add = cors_policy_make(p);
        add->headers = cors_set_make(p, CORS_SET_HEADERS);
        for (i = 0; i < CORS_LIST_MAX; i++) {
            snprintf(name, sizeof(name), "X-%d-%d", level, i);
            cors_set_add(p, add->headers, apr_pstrdup(p, name), CORS_ITEM_ADD);
        }
        merged = cors_policy_merge(p, merged, add);
        if (level == CORS_MERGED_EDITS_MAX / CORS_LIST_MAX - 1) {
            CHECK(u, cors_header_allowed(merged->headers, "x-1-7", 5)
                     && cors_header_allowed(merged->headers, "x-base", 6)
                     && cors_policy_overflow(merged) == NULL,
                  "%d levels of 256 edits: every name allowed", level);
        }
    }
    CHECK(u, !cors_header_allowed(merged->headers, "x-1-7", 5)
             && !cors_header_allowed(merged->headers, "x-base", 6),
          "past %d edits in force the merged list allows nothing", CORS_MERGED_EDITS_MAX);
    CHECK(u, cors_policy_overflow(merged) && strstr(cors_policy_overflow(merged),
                                                     "more than 512 CORSAllowHeaders"),
          "... and says why: %s", cors_policy_overflow(merged) ? cors_policy_overflow(merged)
                                                               : "(nothing)");
    pol = cors_policy_make(p);
    pol->headers = cors_set_make(p, CORS_SET_HEADERS);
    cors_set_add(p, pol->headers, "X-Whole", CORS_ITEM_PLAIN);
    merged = cors_policy_merge(p, merged, pol);
    CHECK(u, cors_header_allowed(merged->headers, "x-whole", 7) && !cors_policy_overflow(merged),
          "a whole list below starts afresh");
    /* Origins: levels of "+origin" layered one on another, up to CORS_MERGED_LAYERS_MAX. */
    merged = cors_policy_make(p);
    for (level = 1; level <= CORS_MERGED_LAYERS_MAX + 1; level++) {
        cors_policy *add = cors_policy_make(p);
        add->origins = cors_set_make(p, CORS_SET_ORIGINS);
        snprintf(name, sizeof(name), "https://o%d.example", level);
        cors_set_add(p, add->origins, apr_pstrdup(p, name), level == 1 ? CORS_ITEM_PLAIN
                                                                       : CORS_ITEM_ADD);
        merged = cors_policy_merge(p, merged, add);
        if (level == CORS_MERGED_LAYERS_MAX) {
            CHECK(u, cors_origin_allowed(p, merged->origins, "https://o1.example", 18, NULL) == 1
                     && cors_origin_allowed(p, merged->origins, "https://o64.example", 19,
                                            NULL) == 1 && !cors_policy_overflow(merged),
                  "%d origin layers: every origin allowed", level);
        }
    }
    CHECK(u, cors_origin_allowed(p, merged->origins, "https://o1.example", 18, NULL) == 0
             && cors_policy_overflow(merged)
             && strstr(cors_policy_overflow(merged), "CORSAllowOrigin"),
          "one layer more: no origin allowed, and the policy says why");
}

static void test_warnings(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *origins;
        int credentials;
        const char *needle;     /* NULL: no warning */
    } cases[] = {
        { "http://app.example.com", 1, "'http://app.example.com' is allowed with" },
        { "https://app.example.com http://*.example.net:*", 1, "http://*.example.net:*" },
        { "http://localhost:* http://127.0.0.1:8080 http://[::1]:3000 http://a.localhost", 1, NULL },
        { "http://app.example.com", 0, NULL },
        { "https://app.example.com", 1, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = cors_policy_make(p);
        apr_array_header_t *out = apr_array_make(p, 2, sizeof(const char *));
        pol->origins = must_set(p, u, CORS_SET_ORIGINS, cases[i].origins);
        pol->credentials = cases[i].credentials;
        cors_policy_warnings(p, cors_policy_sealed_copy(p, pol), out);
        if (cases[i].needle) {
            CHECK(u, out->nelts == 1 && strstr(APR_ARRAY_IDX(out, 0, const char *),
                                               cases[i].needle),
                  "'%s': want a warning naming %s", cases[i].origins, cases[i].needle);
        }
        else {
            CHECK(u, out->nelts == 0, "'%s': no warning expected", cases[i].origins);
        }
    }
}

/* The merge written into the caller's record: the same policy as cors_policy_merge gives,
 * sealed, with where each setting in force was set; neither level is written to. */
static void test_merge_into(apr_pool_t *p, unit_counts *u)
{
    cors_policy *server = cors_policy_make(p), *dir = cors_policy_make(p);
    cors_policy out;
    const cors_policy *m;

    server->enable = 1;
    server->enable_where = "s.conf:1";
    server->origins = must_set(p, u, CORS_SET_ORIGINS, "https://a.test");
    server->max_age = 60;
    server->max_age_value = "60";
    server->max_age_where = "s.conf:2";
    server->debug = 1;
    server->debug_where = "s.conf:3";
    dir->credentials = 1;
    dir->credentials_where = "d.conf:1";
    dir->debug = 0;
    dir->debug_where = "d.conf:2";
    dir->preflight_status = 200;
    dir->preflight_status_where = "d.conf:3";
    dir->private_network = 1;
    dir->private_network_where = "d.conf:4";
    cors_policy_merge_into(p, server, dir, &out);
    m = cors_policy_merge(p, server, dir);
    CHECK(u, out.sealed && !out.empty && !out.conflict, "merged into the record, sealed");
    CHECK(u, out.enable == 1 && out.credentials == 1 && out.max_age == 60 && out.debug == 0
             && out.preflight_status == 200 && out.private_network == 1
             && out.origins == server->origins, "each setting from the nearer level that sets it");
    CHECK_STR(u, out.enable_where, "s.conf:1", "enable: where");
    CHECK_STR(u, out.credentials_where, "d.conf:1", "credentials: where");
    CHECK_STR(u, out.max_age_where, "s.conf:2", "max age: where");
    CHECK_STR(u, out.preflight_status_where, "d.conf:3", "preflight status: where");
    CHECK_STR(u, out.private_network_where, "d.conf:4", "private network: where");
    CHECK_STR(u, out.debug_where, "d.conf:2", "debug: the nearer level's where");
    CHECK(u, m->credentials_where == out.credentials_where && m->debug == out.debug
             && m->max_age_where == out.max_age_where, "cors_policy_merge gives the same");
    CHECK(u, !server->sealed && !dir->sealed, "neither level is written to");

    /* A level that says nothing: the record holds the other, sealed. */
    cors_policy_merge_into(p, cors_policy_make(p), dir, &out);
    CHECK(u, out.sealed && out.credentials == 1 && !dir->sealed,
          "an empty server level: the section, sealed, in the record");
    cors_policy_merge_into(p, server, cors_policy_make(p), &out);
    CHECK(u, out.sealed && out.enable == 1 && out.origins == server->origins && !server->sealed,
          "an empty section: what it inherits, in the record");
}

/* A sealed copy is the policy itself once sealed; a level being read is copied, not written. */
static void test_sealed_copy(apr_pool_t *p, unit_counts *u)
{
    cors_policy *pol = cors_policy_make(p);
    const cors_policy *copy;

    pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add(p, pol->origins, "*", CORS_ITEM_PLAIN);
    pol->credentials = 1;
    copy = cors_policy_sealed_copy(p, pol);
    CHECK(u, copy != pol && copy->sealed && copy->conflict && !pol->sealed && !pol->conflict,
          "an unsealed level: a sealed copy, the level untouched");
    CHECK(u, cors_set_sealed_copy(p, pol->origins) != pol->origins
             && cors_set_has_any(cors_set_sealed_copy(p, pol->origins)),
          "an unsealed set: a sealed copy");
    cors_policy_seal(p, pol);
    CHECK(u, cors_policy_sealed_copy(p, pol) == pol, "a sealed policy is its own copy");
    CHECK(u, cors_set_sealed_copy(p, pol->origins) == pol->origins, "... and a sealed set");
    CHECK(u, cors_set_sealed_copy(p, NULL) == NULL, "no set: none");
}

void test_policy(apr_pool_t *p, unit_counts *u)
{
    test_policy_merge(p, u);
    test_merged_edits(p, u);
    test_warnings(p, u);
    test_merge_into(p, u);
    test_sealed_copy(p, u);
}
