/* test_conf.c - cors_conf.c: directive lines as their words, and the sentence mod_cors refuses each with, the policy each sets, and what each notes. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_conf.h"
#include "fixtures.h"

#define AMAZON_LIST "*.compute.amazonaws.com\ns3.amazonaws.com\n"

/* A configuration's text read into one level, line by line ("Name word word"), each line's
 * words split on spaces as httpd splits an unquoted line, written at "f.conf:<line>".
 * Returns the first line's error (the lines after it are not read), or NULL. */
static const char *read_level(apr_pool_t *p, const cors_psl_below *below, const char *text,
                              cors_policy *pol, apr_array_header_t *notes,
                              const cors_conf_regex_hooks *hooks, apr_size_t *compiled)
{
    char *copy = apr_pstrdup(p, text), *line, *last_line = NULL;
    int n = 0;

    for (line = apr_strtok(copy, "\n", &last_line); line;
         line = apr_strtok(NULL, "\n", &last_line)) {
        cors_conf_line l;
        apr_array_header_t *words = apr_array_make(p, 4, sizeof(const char *));
        char *word, *last_word = NULL;
        const char *err;
        memset(&l, 0, sizeof(l));
        l.pool = p;
        l.temp = p;
        l.where = apr_psprintf(p, "f.conf:%d", ++n);
        l.below = below;
        l.notes = notes;
        l.regex = hooks;
        l.compiled = compiled;
        l.name = apr_strtok(line, " ", &last_word);
        while ((word = apr_strtok(NULL, " ", &last_word)) != NULL) {
            APR_ARRAY_PUSH(words, const char *) = word;
        }
        if ((err = cors_conf_apply(&l, words, pol)) != NULL) {
            return err;
        }
    }
    return NULL;
}

/* Refused lines: the last line's sentence, whole (exact) or a part of it. */
static void test_conf_errors(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *lines;
        int exact;
        const char *want;
    } cases[] = {
        { "CORSAllowOrigin", 1, "CORSAllowOrigin needs at least one value" },
        { "CORSAllowMethods ,,,", 1, "CORSAllowMethods needs at least one value" },
        { "CORSAllowHeaders + X-A", 1,
          "CORSAllowHeaders: '+' must be followed by a value, without a space" },
        { "CORSAllowMethods GET -", 1,
          "CORSAllowMethods: '-' must be followed by a value, without a space" },
        { "CORSAllowMethods GET +PUT", 1,
          "CORSAllowMethods: a line mixes '+' items with plain ones; give either a whole list "
          "(which replaces the inherited one, and may take items out with '-') or only +/- "
          "edits of it" },
        { "CORSAllowOrigin https://a.example +https://b.example", 0,
          "CORSAllowOrigin: a line mixes" },
        { "CORSAllowOrigin https://a.example/", 0,
          "CORSAllowOrigin: 'https://a.example/' ends with a slash" },
        { "CORSAllowOrigin a.example", 0, "CORSAllowOrigin: 'a.example' has no scheme" },
        { "CORSAllowOrigin https://*.com", 0, "too broad" },
        { "CORSAllowOrigin https://*.github.io", 0,
          "CORSAllowOrigin: 'https://*.github.io' lets strangers in: 'github.io' is a public "
          "suffix" },
        { "CORSAllowOrigin https://a.example https://*.amazonaws.com", 1,
          "CORSAllowOrigin: 'https://*.amazonaws.com' lets strangers in: it covers "
          "'*.compute.amazonaws.com', a public suffix under which anyone can register a name "
          "and read the answers; list the sites instead" },
        { "CORSAllowOrigin -*", 1,
          "CORSAllowOrigin: '-*' cannot be taken away item by item: to stop allowing "
          "everything, give the list of what to allow (a list without +/- replaces the "
          "inherited one)" },
        { "CORSAllowMethods GET P(UT", 1,
          "CORSAllowMethods: 'P(UT' is not a valid HTTP method name (a token such as PUT)" },
        { "CORSAllowMethods GET CONNECT", 0,
          "CORSAllowMethods: 'CONNECT' is a method browsers never allow" },
        { "CORSAllowMethods * -HEAD", 0, "CORSAllowMethods: '-HEAD': CORS cannot refuse" },
        { "CORSAllowHeaders X-Ok X/Bad", 1,
          "CORSAllowHeaders: 'X/Bad' is not a valid HTTP header name" },
        { "CORSExposeHeaders X:Bad", 1,
          "CORSExposeHeaders: 'X:Bad' is not a valid HTTP header name" },
        { "CORSAllowOrigin *\nCORSAllowCredentials On", 1,
          "CORSAllowCredentials: CORSAllowOrigin * cannot be combined with "
          "CORSAllowCredentials On: browsers refuse a wildcard origin with credentials; list "
          "the origins instead" },
        { "CORSAllowCredentials On\nCORSAllowOrigin *", 0,
          "CORSAllowOrigin: CORSAllowOrigin * cannot be combined" },
        { "CORSExposeHeaders *\nCORSAllowCredentials On", 0,
          "CORSAllowCredentials: CORSExposeHeaders * cannot be combined with "
          "CORSAllowCredentials On" },
        { "CORSAllowOriginMatch .*\nCORSAllowCredentials On", 0,
          "CORSAllowCredentials: a CORSAllowOriginMatch regex that matches any origin cannot "
          "be combined with CORSAllowCredentials On" },
        { "CORSAllowCredentials On\nCORSAllowOriginMatch x|.*", 0,
          "CORSAllowOriginMatch: a CORSAllowOriginMatch regex that matches any origin" },
        { "CORSAllowOriginMatch ^(https://a", 1,
          "CORSAllowOriginMatch: '^(https://a' is not a valid regular expression (missing "
          "closing parenthesis at offset 11)" },
        { "CORSMaxAge 86401", 1,
          "CORSMaxAge: '86401' is not a number of seconds from 0 to 86400 (browsers cap it "
          "anyway: Chromium at 7200)" },
        { "CORSMaxAge ten", 0, "CORSMaxAge: 'ten' is not a number" },
        { "CORSMaxAge -1", 0, "CORSMaxAge: '-1' is not a number" },
        { "CORSMaxAge 99999999999999999999999", 0, "is not a number of seconds" },
        { "CORSMaxAge 1 2", 1, "CORSMaxAge takes one argument" },
        { "CORSMaxAge", 1, "CORSMaxAge takes one argument" },
        { "CORSPreflightStatus 201", 1,
          "CORSPreflightStatus: '201' is not 200 or 204 (use 200 for clients that reject 204 "
          "preflight answers)" },
        { "CORSPreflightStatus 0200", 0, "is not 200 or 204" },
        { "CORSEnable maybe", 1, "CORSEnable must be On or Off" },
        { "CORSAllowCredentials yes", 1, "CORSAllowCredentials must be On or Off" },
        { "CORSDebug", 1, "CORSDebug must be On or Off" },
        { "CORSReportOnly maybe", 1, "CORSReportOnly must be On or Off" },
        { "CORSTimingAllowOrigin 1", 1, "CORSTimingAllowOrigin must be On or Off" },
        { "CORSFrobnicate On", 1, "CORSFrobnicate is not a directive of a CORS policy" },
    };
    const cors_psl_below *below = psl_below_of(p, AMAZON_LIST);
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err = read_level(p, below, cases[i].lines, cors_policy_make(p), NULL, NULL,
                                     NULL);
        if (cases[i].exact) {
            CHECK_STR(u, err, cases[i].want, cases[i].lines);
        }
        else {
            CHECK(u, err && strstr(err, cases[i].want), "'%s': want '...%s...', got: %s",
                  cases[i].lines, cases[i].want, err ? err : "(accepted)");
        }
    }
}

/* Lines past a section's bounds: 256 names, 256 regexes. */
static void test_conf_bounds(apr_pool_t *p, unit_counts *u)
{
    const char *headers = "CORSAllowHeaders", *regexes = "CORSAllowOriginMatch", *err;
    int i;

    for (i = 1; i <= CORS_LIST_MAX + 1; i++) {
        headers = apr_psprintf(p, "%s X-H%d", headers, i);
        regexes = apr_psprintf(p, "%s ^https://r%d\\.example$", regexes, i);
    }
    err = read_level(p, NULL, headers, cors_policy_make(p), NULL, NULL, NULL);
    CHECK(u, err && strstr(err, "CORSAllowHeaders: more than 256 header names in one section")
                    == err, "257 header names: %s", err ? err : "(accepted)");
    err = read_level(p, NULL, regexes, cors_policy_make(p), NULL, NULL, NULL);
    CHECK(u, err && strstr(err, "CORSAllowOriginMatch: more than 256 regexes in one section")
                    == err, "257 regexes: %s", err ? err : "(accepted)");
}

/* Lines read: the policy they set, and where each setting was written. */
static void test_conf_policy(apr_pool_t *p, unit_counts *u)
{
    cors_policy *pol = cors_policy_make(p);
    const char *err = read_level(p, NULL,
                                 "CORSEnable Off\n"
                                 "CORSAllowOrigin https://a.example, https://b.example\n"
                                 "CORSAllowOriginMatch ^https://c{1,3}\\.example$\n"
                                 "CORSAllowMethods GET,PUT patch\n"
                                 "CORSAllowHeaders X-A\n"
                                 "CORSExposeHeaders X-Request-Id\n"
                                 "CORSAllowCredentials on\n"
                                 "CORSMaxAge 0000600\n"
                                 "CORSPreflightStatus 200\n"
                                 "CORSAllowPrivateNetwork ON\n"
                                 "CORSDebug off\n"
                                 "CORSEnable on\n"
                                 "CORSReportOnly On\n"
                                 "CORSTimingAllowOrigin on\n", pol, NULL, NULL, NULL);
    const cors_policy *m;

    CHECK(u, err == NULL, "the level loads: %s", err ? err : "");
    CHECK(u, pol->enable == 1 && pol->credentials == 1 && pol->max_age == 600
             && pol->preflight_status == 200 && pol->private_network == 1 && pol->debug == 0,
          "every setting as given, the last CORSEnable winning");
    CHECK_STR(u, pol->max_age_value, "600", "the max age as the header value");
    CHECK_STR(u, pol->enable_where, "f.conf:12", "enable: where");
    CHECK_STR(u, pol->credentials_where, "f.conf:7", "credentials: where");
    CHECK_STR(u, pol->max_age_where, "f.conf:8", "max age: where");
    CHECK_STR(u, pol->preflight_status_where, "f.conf:9", "preflight status: where");
    CHECK_STR(u, pol->private_network_where, "f.conf:10", "private network: where");
    CHECK_STR(u, pol->debug_where, "f.conf:11", "debug: where");
    CHECK(u, pol->report_only == 1 && pol->timing == 1, "report-only and timing on");
    CHECK_STR(u, pol->report_only_where, "f.conf:13", "report-only: where");
    CHECK_STR(u, pol->timing_where, "f.conf:14", "timing: where");
    CHECK(u, cors_set_count(pol->origins) == 3,
          "two origins split on the comma, one regex never split");
    m = cors_policy_merge(p, cors_policy_make(p), pol);
    CHECK_STR(u, cors_set_value(m->methods), "GET, PUT, patch", "methods");
    CHECK_STR(u, cors_set_value(m->headers), "X-A", "headers");
    CHECK_STR(u, cors_set_value(m->expose), "X-Request-Id", "exposed headers");
    CHECK(u, allowed(p, m->origins, "https://b.example") && allowed(p, m->origins,
                                                                    "https://ccc.example")
             && !allowed(p, m->origins, "https://cccc.example"), "the origins allowed");
    CHECK_STR(u, cors_set_describe(p, m->origins, 6),
              "https://a.example, https://b.example, ~^https://c{1,3}\\.example$", "described");
    CHECK(u, cors_conf_is_directive("corsallowORIGIN") && !cors_conf_is_directive("CORSFoo")
             && !cors_conf_is_directive("CORSAllowOriginFile"),
          "the directives of a policy, in any case; not the origin sources");
}

/* What a line says beside its error, by kind, in the words mod_cors logs. */
static void test_conf_notes(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *lines;
        cors_conf_note_kind kind;
        const char *text;       /* NULL: no note */
    } cases[] = {
        { "CORSAllowMethods patch PUT", CORS_CONF_LOWER_METHOD,
          "CORSAllowMethods: 'patch' is in lower case: browsers send methods other than DELETE "
          "GET HEAD OPTIONS POST PUT exactly as the script wrote them, and scripts usually "
          "write them in upper case; list the spelling your scripts send (both, if unsure)" },
        { "CORSAllowMethods * -patch", CORS_CONF_LOWER_METHOD, NULL },
        { "CORSAllowMethods put Patch", CORS_CONF_LOWER_METHOD, NULL },
        { "CORSAllowOrigin NULL", CORS_CONF_NULL_ORIGIN,
          "CORSAllowOrigin: allowing the origin 'null': any page can send it (sandboxed "
          "iframes, data: and file: URLs, redirects), so it grants nothing a stranger cannot "
          "have" },
        { "CORSAllowOrigin * -null", CORS_CONF_NULL_ORIGIN, NULL },
        { "CORSAllowOrigin http://[0:0:0:0:0:0:0:1]", CORS_CONF_NORMALISED,
          "CORSAllowOrigin: 'http://[0:0:0:0:0:0:0:1]' is read as 'http://[::1]', the form "
          "browsers send" },
        { "CORSAllowOriginMatch .*", CORS_CONF_BROAD_REGEX,
          "CORSAllowOriginMatch: '.*' matches any origin (it matched origins no policy means "
          "to allow): every site may read these answers; anchor it to your own domains, or "
          "write CORSAllowOrigin * if that is what you mean" },
        { "CORSAllowOriginMatch -.*", CORS_CONF_BROAD_REGEX, NULL },
        { "CORSAllowOriginMatch ^https://[a-z]+\\.example\\.com$", CORS_CONF_BROAD_REGEX,
          NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        apr_array_header_t *notes = apr_array_make(p, 2, sizeof(cors_conf_note));
        const char *err = read_level(p, NULL, cases[i].lines, cors_policy_make(p), notes, NULL,
                                     NULL);
        CHECK(u, err == NULL, "'%s' loads: %s", cases[i].lines, err ? err : "");
        if (!cases[i].text) {
            CHECK(u, notes->nelts == 0, "'%s': no note", cases[i].lines);
            continue;
        }
        CHECK(u, notes->nelts == 1
                 && APR_ARRAY_IDX(notes, 0, cors_conf_note).kind == cases[i].kind,
              "'%s': one note of its kind (%d notes)", cases[i].lines, notes->nelts);
        if (notes->nelts == 1) {
            CHECK_STR(u, APR_ARRAY_IDX(notes, 0, cors_conf_note).text, cases[i].text,
                      cases[i].lines);
        }
    }
}

/* The caller's hooks on regexes: a bound over several lines, verdicts remembered. */
typedef struct {
    apr_pool_t *pool;
    int admitted;
    int remembered;
    const char *last_remembered;
} regex_log;

static const char *admit_two(void *baton, const char *directive, const char *source)
{
    regex_log *l = baton;

    (void)source;
    return ++l->admitted > 2 ? apr_psprintf(l->pool, "%s: more than 2 regexes here",
                                            directive) : NULL;
}

static int judged_a(void *baton, const char *source)
{
    (void)baton;
    return strcmp(source, "^https://a\\.example$") == 0 ? 1 : -1;
}

static void remember(void *baton, const char *source, int broad)
{
    regex_log *l = baton;

    l->remembered++;
    l->last_remembered = apr_psprintf(l->pool, "%s=%d", source, broad);
}

static void test_conf_regex_hooks(apr_pool_t *p, unit_counts *u)
{
    regex_log l = { NULL, 0, 0, NULL };
    cors_conf_regex_hooks hooks = { admit_two, judged_a, remember, NULL };
    apr_size_t compiled = 0;
    const char *err;

    l.pool = p;
    hooks.baton = &l;
    err = read_level(p, NULL, "CORSAllowOriginMatch ^https://b\\.example$ .*\n"
                              "CORSAllowOriginMatch ^https://c\\.example$", cors_policy_make(p),
                     NULL, &hooks, &compiled);
    CHECK_STR(u, err, "CORSAllowOriginMatch: more than 2 regexes here",
              "the caller's bound stops the third regex");
    CHECK(u, l.remembered == 2 && strcmp(l.last_remembered, ".*=1") == 0,
          "each probed verdict is remembered: %s", l.last_remembered ? l.last_remembered : "");
    CHECK(u, compiled > (apr_size_t)2 * 512, "what the compiled regexes take is counted: %lu",
          (unsigned long)compiled);
    l.admitted = 0;
    l.remembered = 0;
    err = read_level(p, NULL, "CORSAllowCredentials On\n"
                              "CORSAllowOriginMatch ^https://a\\.example$", cors_policy_make(p),
                     NULL, &hooks, NULL);
    CHECK(u, err && strstr(err, "CORSAllowOriginMatch: a CORSAllowOriginMatch regex that "
                                "matches any origin cannot be combined") && l.remembered == 0,
          "a verdict judged before is taken, and no probe runs: %s", err ? err : "(accepted)");
}

/* Where each item of a list was written, for the view of a URL's policy. */
static void test_conf_where(apr_pool_t *p, unit_counts *u)
{
    cors_policy *pol = cors_policy_make(p);
    apr_array_header_t *notes = apr_array_make(p, 2, sizeof(cors_conf_note));
    const char *err = read_level(p, NULL, "CORSAllowOrigin https://a.example\n"
                                          "CORSAllowOriginMatch ^https://b\\.example$\n"
                                          "CORSAllowOrigin -https://a.example",
                                 pol, notes, NULL, NULL);
    const cors_set *sealed;

    CHECK(u, err == NULL, "loads: %s", err ? err : "");
    sealed = cors_set_sealed_copy(p, pol->origins);
    CHECK_STR(u, cors_set_describe(p, sealed, 6), "~^https://b\\.example$; removed: "
              "https://a.example", "the removal on line 3 stands");
    CHECK(u, notes->nelts == 0, "nothing noted");
}

static void test_conf_number(apr_pool_t *p, unit_counts *u)
{
    unsigned long v = 0;

    CHECK(u, cors_conf_number(p, "CORSOriginCacheTimeout", "60", 1, 86400, &v) == NULL
             && v == 60, "a number in range");
    CHECK_STR(u, cors_conf_number(p, "CORSOriginCacheTimeout", "0", 1, 86400, &v),
              "CORSOriginCacheTimeout: '0' is not a number from 1 to 86400", "0");
    CHECK_STR(u, cors_conf_number(p, "CORSOriginCacheTimeout", "99999999999999999999", 1,
                                  86400, &v),
              "CORSOriginCacheTimeout: '99999999999999999999' is not a number from 1 to 86400",
              "twenty nines");
    CHECK_STR(u, cors_conf_number(p, "CORSOriginQueryBudget", "1.5", 1, 100000, &v),
              "CORSOriginQueryBudget: '1.5' is not a number from 1 to 100000", "1.5");
}

void test_conf(apr_pool_t *p, unit_counts *u)
{
    test_conf_errors(p, u);
    test_conf_bounds(p, u);
    test_conf_policy(p, u);
    test_conf_notes(p, u);
    test_conf_regex_hooks(p, u);
    test_conf_where(p, u);
    test_conf_number(p, u);
}
