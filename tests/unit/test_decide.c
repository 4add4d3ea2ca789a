/* test_decide.c - cors_decide.c: the decision for preflights and other requests, its reasons and outcomes. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

/* The one-word outcome an access log gets (%{cors}n), for each way a request can end. */
static void test_outcome(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *origin, *method, *headers, *want;
        int preflight;
        int star;               /* under CORSAllowOrigin * (a fixed answer) */
    } cases[] = {
        { "https://a.example", NULL, NULL, "allowed", 0, 0 },
        { "https://evil.example", NULL, NULL, "refused-origin", 0, 0 },
        { NULL, NULL, NULL, "-", 0, 0 },
        { "https://a.example", "PUT", "x-a", "preflight", 1, 0 },
        { "https://evil.example", "PUT", NULL, "refused-origin", 1, 0 },
        { "https://a.example", "PATCH", NULL, "refused-method", 1, 0 },
        { "https://a.example", "P@T", NULL, "refused-method", 1, 0 },
        { "https://a.example", "PUT", "x-nope", "refused-header", 1, 0 },
        { "https://a.example", "PUT", "x-a;", "refused-header", 1, 0 },
        /* 1.3.1 (G16): "*" answers a request without Origin, but it was no CORS request. */
        { NULL, NULL, NULL, "-", 0, 1 },
        { "https://any.example", NULL, NULL, "allowed", 0, 1 },
        { "https://any.example", "PUT", NULL, "preflight", 1, 1 },
        { "https://any.example", "PATCH", NULL, "refused-method", 1, 1 },
    };
    policy_spec spec = { "https://a.example", "PUT", "X-A", NULL, 0, -1, 0, 0 };
    policy_spec star_spec = { "*", "PUT", NULL, NULL, 0, -1, 0, 0 };
    cors_policy *pol = policy_of(p, u, &spec), *none = cors_policy_make(p);
    cors_policy *star = policy_of(p, u, &star_spec);
    cors_answer ans;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_request req;
        const char *lines[1];
        const cors_policy *in_force = cases[i].star ? star : pol;
        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        lines[0] = cases[i].headers;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        if (cases[i].preflight) {
            cors_decide_preflight(p, in_force, &req, &ans);
        }
        else {
            cors_decide_actual(p, in_force, &req, &ans);
        }
        CHECK_STR(u, cors_answer_outcome(&ans, cases[i].preflight), cases[i].want,
                  apr_psprintf(p, "%s%s", cases[i].origin ? cases[i].origin : "(no Origin)",
                               cases[i].star ? " under *" : ""));
    }
    none->enable = 1;   /* CORSEnable On, no origin list: no policy applies */
    {
        cors_request req;
        memset(&req, 0, sizeof(req));
        req.origin = "https://a.example";
        cors_decide_actual(p, (cors_policy *)cors_policy_merge(p, cors_policy_make(p), none),
                           &req, &ans);
        CHECK_STR(u, cors_answer_outcome(&ans, 0), "-", "no origin list in force");
    }
}

static void test_preflight(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *name;
        policy_spec pol;
        const char *origin, *method, *headers;
        int pn;
        /* expected */
        int allowed;
        const char *reason_part, *acao, *acac, *acam, *acah, *max_age, *pna;
        int status, vary;
    } cases[] = {
        { "allowed, explicit lists",
          { "https://app.test", "GET PUT", "Content-Type Authorization", NULL, 1, 600, -1, 0 },
          "https://app.test", "PUT", "content-type,authorization", 0,
          1, NULL, "https://app.test", "true", "GET, PUT", "Content-Type, Authorization",
          "600", NULL, 204, 1 },
        { "status 200 on request",
          { "https://app.test", NULL, NULL, NULL, 0, -1, 200, 0 },
          "https://app.test", "GET", NULL, 0,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, NULL, 200, 1 },
        { "origin refused",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://evil.test", "GET", NULL, 0,
          0, "origin 'https://evil.test' is not allowed", NULL, NULL, NULL, NULL, NULL, NULL,
          0, 1 },
        { "method refused",
          { "https://app.test", "GET POST", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PUT", NULL, 0,
          0, "Method PUT is not allowed by Access-Control-Allow-Methods", NULL, NULL, NULL,
          NULL, NULL, NULL, 0, 1 },
        { "method case matters",
          { "https://app.test", "PATCH", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "patch", NULL, 0,
          0, "Method patch is not allowed", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "header refused",
          { "https://app.test", NULL, "Content-Type", NULL, 0, -1, -1, 0 },
          "https://app.test", "POST", "content-type,x-foo", 0,
          0, "Request header field x-foo is not allowed by Access-Control-Allow-Headers",
          NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "header case does not matter",
          { "https://app.test", NULL, "x-foo", NULL, 0, -1, -1, 0 },
          "https://app.test", "POST", "X-FOO", 0,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", "x-foo", NULL, NULL, 204, 1 },
        { "invalid method token",
          { "https://app.test", "*", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PU T", NULL, 0,
          0, "not a valid method", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        /* Headers are named even so: a cached "*" must never cover Authorization. */
        { "wildcards without credentials answer *, headers by name",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "PATCH", "x-a,x-b", 0,
          1, NULL, "*", NULL, "*", "x-a, x-b", NULL, NULL, 204, 0 },
        { "a header * with no header asked answers none",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "PUT", NULL, 0,
          1, NULL, "*", NULL, "*", NULL, NULL, NULL, 204, 0 },
        { "* headers never cover authorization",
          { "*", "*", "*", NULL, 0, -1, -1, 0 },
          "https://any.test", "GET", "x-a,authorization", 0,
          0, "Request header field authorization is not allowed", NULL, NULL, NULL, NULL,
          NULL, NULL, 0, 0 },
        { "* headers with authorization listed: echo, as * would not cover it",
          { "*", NULL, "* Authorization", NULL, 0, -1, -1, 0 },
          "https://any.test", "GET", "x-a,authorization", 0,
          1, NULL, "*", NULL, "GET, HEAD, POST", "x-a, authorization", NULL, NULL, 204, 0 },
        { "wildcards with credentials echo what was asked",
          { "https://app.test", "*", "*", NULL, 1, -1, -1, 0 },
          "https://app.test", "PATCH", "x-a,x-b", 0,
          1, NULL, "https://app.test", "true", "PATCH", "x-a, x-b", NULL, NULL, 204, 1 },
        { "* minus a method echoes",
          { "https://app.test", "* -DELETE", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "PUT", NULL, 0,
          1, NULL, "https://app.test", NULL, "PUT", NULL, NULL, NULL, 204, 1 },
        { "* minus a method refuses it",
          { "https://app.test", "* -DELETE", NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "DELETE", NULL, 0,
          0, "Method DELETE", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
        { "private network answered when on",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 1 },
          "https://app.test", "GET", NULL, 1,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, "true", 204, 1 },
        { "private network not answered when off",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", NULL, 1,
          1, NULL, "https://app.test", NULL, "GET, HEAD, POST", NULL, NULL, NULL, 204, 1 },
        { "no origins configured",
          { NULL, NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", NULL, 0,
          0, "no CORSAllowOrigin", NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 },
        { "8 KB of commas refused",
          { "https://app.test", NULL, "*", NULL, 0, -1, -1, 0 },
          "https://app.test", "GET", ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
          ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", 0,
          0, "too many elements", NULL, NULL, NULL, NULL, NULL, NULL, 0, 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = policy_of(p, u, &cases[i].pol);
        cors_request req;
        cors_answer ans;
        const char *lines[1];

        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        lines[0] = cases[i].headers;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        req.private_network = cases[i].pn;
        cors_decide_preflight(p, pol, &req, &ans);

        CHECK(u, ans.allowed == cases[i].allowed, "%s: allowed %d (reason: %s)",
              cases[i].name, ans.allowed, cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "");
        if (cases[i].reason_part) {
            CHECK(u, cors_answer_reason(p, &ans) && strstr(cors_answer_reason(p, &ans), cases[i].reason_part),
                  "%s: reason '%s'", cases[i].name, cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "(none)");
        }
        if (cases[i].allowed) {
            CHECK_STR(u, ans.allow_origin, cases[i].acao, cases[i].name);
            CHECK_STR(u, ans.allow_credentials, cases[i].acac, cases[i].name);
            CHECK_STR(u, ans.allow_methods, cases[i].acam, cases[i].name);
            CHECK_STR(u, ans.allow_headers, cases[i].acah, cases[i].name);
            CHECK_STR(u, ans.max_age, cases[i].max_age, cases[i].name);
            CHECK_STR(u, ans.allow_private_network, cases[i].pna, cases[i].name);
            CHECK(u, ans.status == cases[i].status, "%s: status %d", cases[i].name,
                  ans.status);
        }
        CHECK(u, ans.vary == cases[i].vary, "%s: vary %d", cases[i].name, ans.vary);
    }
}

static void test_actual(apr_pool_t *p, unit_counts *u)
{
    static const struct {
        const char *name;
        policy_spec pol;
        const char *origin;
        int allowed, vary, conflict;
        const char *acao, *acac, *aceh;
    } cases[] = {
        { "allowed origin echoed",
          { "https://app.test", NULL, NULL, "X-Request-Id", 1, -1, -1, 0 },
          "https://app.test", 1, 1, 0, "https://app.test", "true", "X-Request-Id" },
        { "refused origin: nothing, but Vary",
          { "https://app.test", NULL, NULL, NULL, 1, -1, -1, 0 },
          "https://evil.test", 0, 1, 0, NULL, NULL, NULL },
        { "no Origin: nothing, but Vary",
          { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          NULL, 0, 1, 0, NULL, NULL, NULL },
        { "plain * answers * without Vary",
          { "*", NULL, NULL, "*", 0, -1, -1, 0 },
          "https://any.test", 1, 0, 0, "*", NULL, "*" },
        { "plain * answers * without Origin too, so a cache may keep it for everyone",
          { "*", NULL, NULL, "X-Request-Id", 0, -1, -1, 0 },
          NULL, 1, 0, 0, "*", NULL, "X-Request-Id" },
        { "plain * answers * to Origin: null",
          { "*", NULL, NULL, NULL, 0, -1, -1, 0 },
          "null", 1, 0, 0, "*", NULL, NULL },
        { "* minus one: no Origin gets nothing, but Vary",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          NULL, 0, 1, 0, NULL, NULL, NULL },
        { "* minus one echoes the origin and varies",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://ok.test", 1, 1, 0, "https://ok.test", NULL, NULL },
        { "null listed is echoed",
          { "null", NULL, NULL, NULL, 0, -1, -1, 0 },
          "null", 1, 1, 0, "null", NULL, NULL },
        { "merged * with credentials: credentials withheld",
          { "*", NULL, NULL, NULL, 1, -1, -1, 0 },
          "https://any.test", 1, 0, 1, "*", NULL, NULL },
        { "a hostile origin gets the fixed * and nothing of itself",
          { "*", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test\x01'\\x", 1, 0, 0, "*", NULL, NULL },
        { "a hostile origin is refused where the answer depends on Origin",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test\x01'\\x", 0, 1, 0, NULL, NULL, NULL },
        { "two origins in one header are refused",
          { "* -https://evil.test", NULL, NULL, NULL, 0, -1, -1, 0 },
          "https://a.test, https://b.test", 0, 1, 0, NULL, NULL, NULL },
        { "expose * minus one: the filter names the response's headers",
          { "https://app.test", NULL, NULL, "* -X-Secret", 0, -1, -1, 0 },
          "https://app.test", 1, 1, 0, "https://app.test", NULL, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cors_policy *pol = policy_of(p, u, &cases[i].pol);
        cors_request req;
        cors_answer ans;

        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        cors_decide_actual(p, pol, &req, &ans);
        CHECK(u, ans.allowed == cases[i].allowed, "%s: allowed %d", cases[i].name,
              ans.allowed);
        CHECK(u, ans.vary == cases[i].vary, "%s: vary %d", cases[i].name, ans.vary);
        CHECK(u, ans.conflict == cases[i].conflict, "%s: conflict %d", cases[i].name,
              ans.conflict);
        CHECK_STR(u, ans.allow_origin, cases[i].acao, cases[i].name);
        CHECK_STR(u, ans.allow_credentials, cases[i].acac, cases[i].name);
        CHECK_STR(u, ans.expose_headers, cases[i].aceh, cases[i].name);
        CHECK(u, ans.allow_methods == NULL && ans.max_age == NULL,
              "%s: preflight-only headers stay off actual responses", cases[i].name);
    }
}

static void test_reason_is_quotable(apr_pool_t *p, unit_counts *u)
{
    policy_spec spec = { "https://app.test", NULL, NULL, NULL, 0, -1, -1, 0 };
    cors_policy *pol = policy_of(p, u, &spec);
    char *big = apr_palloc(p, 8193);
    cors_request req;
    cors_answer ans;

    memset(big, 'a', 8192);
    big[8192] = '\0';
    memset(&req, 0, sizeof(req));
    req.origin = big;
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, cors_answer_reason(p, &ans) && strlen(cors_answer_reason(p, &ans)) < 300, "an 8 KB origin is quoted short");
    req.origin = "https://x\x01\x7f\xc3\xbc'";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, cors_answer_reason(p, &ans) && strstr(cors_answer_reason(p, &ans), "'https://x?" "?" "?" "?" "?'"), "controls and non-ASCII "
          "quoted as '?': %s", cors_answer_reason(p, &ans) ? cors_answer_reason(p, &ans) : "");
}

/* The decision with a source down: refused, the reason names it, the outcome is an origin's. */
static void test_source_answer(apr_pool_t *p, unit_counts *u)
{
    table_source *t = table_of(p, "https://tenant.example");
    cors_policy *pol = cors_policy_make(p);
    cors_request req;
    cors_answer ans;
    const char *reason;

    pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add_source(p, pol->origins, "query 'SELECT 1'", table_lookup, t,
                        CORS_ITEM_PLAIN);
    pol = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
    memset(&req, 0, sizeof(req));
    req.origin = "https://tenant.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.vary, "allowed by the source, with Vary");
    CHECK_STR(u, ans.allow_origin, "https://tenant.example", "the origin echoed");
    t->down = 1;
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, !ans.allowed && ans.vary && ans.refusal == CORS_REFUSED_SOURCE_DOWN,
          "the source down: refused");
    reason = cors_answer_reason(p, &ans);
    CHECK(u, reason && strstr(reason, "query 'SELECT 1' cannot answer now"), "reason: %s",
          reason ? reason : "(null)");
    CHECK_STR(u, cors_answer_outcome(&ans, 0), "refused-unavailable", "outcome: an outage");
    CHECK_STR(u, cors_outcome_name(cors_answer_outcome_of(&ans, 0), 1),
              "report-refused-unavailable", "outcome under CORSReportOnly");
    t->down = 0;
    req.origin = "https://other.example";
    cors_decide_actual(p, pol, &req, &ans);
    reason = cors_answer_reason(p, &ans);
    CHECK(u, !ans.allowed && ans.refusal == CORS_REFUSED_ORIGIN, "the source says no");
    CHECK(u, reason && strstr(reason, "is not in query 'SELECT 1'"),
          "the source that said no is named: %s", reason ? reason : "(null)");
    CHECK_STR(u, cors_answer_outcome(&ans, 0), "refused-origin", "outcome: a refusal");
}

/* 1.3.1 (G12): what a response may say.  CORSDebug may be switched on by an .htaccess file's
 * author, who must not read the admin's SQL, file paths or regexes in X-CORS-Reason: the
 * public reason says which kind of item failed, the log's names it; every other reason is the
 * same in both. */
static void test_public_reason(apr_pool_t *p, unit_counts *u)
{
    enum { BY_SOURCE, BY_REGEX, BY_LIST };
    static const struct {
        int kind;
        const char *item;       /* the source's name, the regex, or the origin list */
        const char *origin, *method, *headers;
        const char *secret;     /* in the log's reason, never in the public one; NULL: the two
                                 * are the same */
        const char *public_says;
    } cases[] = {
        { BY_SOURCE, "CORSAllowOriginQuery \"SELECT 1 FROM secret_tenants WHERE origin = %s\"",
          "https://t.example", NULL, NULL, "secret_tenants",
          "origin 'https://t.example' is refused: the database could not answer now" },
        { BY_SOURCE, "CORSAllowOriginFile /srv/private/origins.txt", "https://t.example", NULL,
          NULL, "/srv/private", "the origin file could not be read now" },
        { BY_SOURCE, "CORSAllowOriginMap dbm:/srv/private/origins.db", "https://t.example",
          NULL, NULL, "/srv/private", "the origin map could not be read now" },
        { BY_REGEX, "^https://(internal-[a-z]+)+\\.corp\\.example$", "https://t.example", NULL,
          NULL, "internal-",
          "origin 'https://t.example' is refused: a CORSAllowOriginMatch regex gave up at its "
          "match limit" },
        { BY_LIST, "https://a.example", "https://evil.example", NULL, NULL, NULL,
          "origin 'https://evil.example' is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PATCH", NULL, NULL,
          "Method PATCH is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", "x-nope", NULL,
          "Request header field x-nope is not allowed" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", "x-a;", NULL,
          "is not a valid header name" },
        { BY_LIST, "https://a.example", "https://a.example", "P@T", NULL, NULL,
          "Access-Control-Request-Method is not a valid method name" },
        { BY_LIST, "https://a.example", "https://a.example", "PUT", NULL, NULL, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        policy_spec spec = { cases[i].item, "PUT", "X-A", NULL, 0, -1, 0, 0 };
        cors_policy *pol;
        cors_request req;
        cors_answer ans;
        const char *logged, *public;
        const char *lines[1] = { cases[i].headers };

        if (cases[i].kind == BY_LIST) {
            pol = policy_of(p, u, &spec);
        }
        else {
            int broad;
            pol = cors_policy_make(p);
            pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
            if (cases[i].kind == BY_SOURCE) {
                table_source *t = table_of(p, "https://tenant.example");
                t->down = 1;
                cors_set_add_source(p, pol->origins, cases[i].item, table_lookup, t,
                                    CORS_ITEM_PLAIN);
            }
            else {
                cors_set_add_regex(p, pol->origins, cases[i].item, limit_match, NULL,
                                   CORS_ITEM_PLAIN, &broad);
            }
            pol = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
        }
        memset(&req, 0, sizeof(req));
        req.origin = cases[i].origin;
        req.method = cases[i].method;
        req.request_headers = lines;
        req.request_header_lines = cases[i].headers ? 1 : 0;
        if (cases[i].method) {
            cors_decide_preflight(p, pol, &req, &ans);
        }
        else {
            cors_decide_actual(p, pol, &req, &ans);
        }
        logged = cors_answer_reason(p, &ans);
        public = cors_answer_reason_public(p, &ans);
        if (!cases[i].public_says) {
            CHECK(u, !logged && !public, "case %zu: allowed, no reason", i);
            continue;
        }
        CHECK(u, public && strstr(public, cases[i].public_says), "case %zu: public reason "
              "'%s' should say '%s'", i, public ? public : "(null)", cases[i].public_says);
        if (cases[i].secret) {
            CHECK(u, logged && strstr(logged, cases[i].secret), "case %zu: the log's reason "
                  "'%s' names '%s'", i, logged ? logged : "(null)", cases[i].secret);
            CHECK(u, public && !strstr(public, cases[i].secret) && !strstr(public, "SELECT"),
                  "case %zu: the public reason '%s' must not quote '%s'", i,
                  public ? public : "(null)", cases[i].secret);
        }
        else {
            CHECK_STR(u, public, logged, "the same reason in the log and the header");
        }
    }
}

/* Which source decided, and what it answered, for counting outcomes by reason: a fresh
 * answer, a stale one (still allowed), one that cannot answer (refused), a refusal; none
 * where a listed origin settles it without a source. */
static void test_source_in_answer(apr_pool_t *p, unit_counts *u)
{
    table_source *t = table_of(p, "https://tenant.example");
    table_source *t2 = table_of(p, "https://other.example");
    cors_policy *pol = cors_policy_make(p);
    cors_request req;
    cors_answer ans;
    const char *lines[1] = { "x-nope" };

    pol->origins = cors_set_make(p, CORS_SET_ORIGINS);
    cors_set_add(p, pol->origins, "https://listed.example", CORS_ITEM_PLAIN);
    cors_set_add_source(p, pol->origins, "file /t", table_lookup, t, CORS_ITEM_ADD);
    cors_set_add_source(p, pol->origins, "dbm /t2", table_lookup, t2, CORS_ITEM_ADD);
    pol = (cors_policy *)cors_policy_merge(p, cors_policy_make(p), pol);
    memset(&req, 0, sizeof(req));

    req.origin = "https://tenant.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.source && strcmp(ans.source, "file /t") == 0
             && ans.source_answer == CORS_SOURCE_ALLOWED, "allowed by a source, fresh");
    t->stale = 1;
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.source_answer == CORS_SOURCE_STALE
             && ans.refusal == CORS_REFUSED_NONE, "a stale answer still allows, and says so");
    t->stale = 0;
    req.origin = "https://other.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.source && strcmp(ans.source, "dbm /t2") == 0
             && ans.source_answer == CORS_SOURCE_ALLOWED,
          "the first refuses, the second allows: the second decided");
    req.origin = "https://stranger.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, !ans.allowed && ans.refusal == CORS_REFUSED_ORIGIN && ans.source
             && strcmp(ans.source, "file /t") == 0 && ans.source_answer == CORS_SOURCE_REFUSED,
          "every source refuses: the first asked is named");
    t->down = 1;
    req.origin = "https://tenant.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, !ans.allowed && ans.refusal == CORS_REFUSED_SOURCE_DOWN && ans.source
             && strcmp(ans.source, "file /t") == 0
             && ans.source_answer == CORS_SOURCE_UNAVAILABLE, "a source down refuses");
    t->down = 0;
    req.origin = "https://listed.example";
    cors_decide_actual(p, pol, &req, &ans);
    CHECK(u, ans.allowed && ans.source == NULL, "a listed origin: no source decided");
    req.origin = "https://tenant.example";
    req.method = "PUT";
    req.request_headers = lines;
    req.request_header_lines = 1;
    cors_decide_preflight(p, pol, &req, &ans);
    CHECK(u, !ans.allowed && ans.refusal == CORS_REFUSED_METHOD && ans.source
             && strcmp(ans.source, "file /t") == 0,
          "a preflight refused for its method still says which source allowed its origin");
}

/* CORSTimingAllowOrigin: Timing-Allow-Origin with the actual response's decision only (a
 * preflight's timing is never exposed), the origin or the fixed "*"; nothing refused. */
static void test_timing(apr_pool_t *p, unit_counts *u)
{
    policy_spec spec = { "https://a.example", "PUT", NULL, NULL, 0, -1, 0, 0 };
    policy_spec star_spec = { "*", NULL, NULL, NULL, 0, -1, 0, 0 };
    cors_policy *on = policy_of(p, u, &spec), *star = policy_of(p, u, &star_spec);
    cors_policy *off = policy_of(p, u, &spec);
    cors_request req;
    cors_answer ans;

    on->timing = 1;
    star->timing = 1;
    memset(&req, 0, sizeof(req));
    req.origin = "https://a.example";
    cors_decide_actual(p, on, &req, &ans);
    CHECK_STR(u, ans.timing_allow_origin, "https://a.example", "allowed: the origin");
    cors_decide_actual(p, off, &req, &ans);
    CHECK(u, ans.allowed && !ans.timing_allow_origin, "not asked for: none");
    req.method = "PUT";
    cors_decide_preflight(p, on, &req, &ans);
    CHECK(u, ans.allowed && !ans.timing_allow_origin, "a preflight: none");
    req.method = NULL;
    req.origin = "https://evil.example";
    cors_decide_actual(p, on, &req, &ans);
    CHECK(u, !ans.allowed && !ans.timing_allow_origin, "refused: none");
    cors_decide_actual(p, star, &req, &ans);
    CHECK_STR(u, ans.timing_allow_origin, "*", "the fixed star: *");
}

/* Report-only and timing merge like the other scalars: the nearer level that says wins. */
static void test_report_merge(apr_pool_t *p, unit_counts *u)
{
    cors_policy *server = cors_policy_make(p), *section = cors_policy_make(p);
    const cors_policy *m;

    server->report_only = 1;
    server->report_only_where = "s.conf:1";
    section->timing = 1;
    m = cors_policy_merge(p, server, section);
    CHECK(u, m->report_only == 1 && m->timing == 1, "both inherited or set");
    CHECK_STR(u, m->report_only_where, "s.conf:1", "where report-only was set");
    section->report_only = 0;
    m = cors_policy_merge(p, server, section);
    CHECK(u, m->report_only == 0, "the section's Off wins");
    m = cors_policy_merge(p, cors_policy_make(p), cors_policy_make(p));
    CHECK(u, m->report_only == CORS_UNSET && m->timing == CORS_UNSET, "unset by default");
}

void test_decide(apr_pool_t *p, unit_counts *u)
{
    test_timing(p, u);
    test_report_merge(p, u);
    test_outcome(p, u);
    test_preflight(p, u);
    test_actual(p, u);
    test_reason_is_quotable(p, u);
    test_source_answer(p, u);
    test_public_reason(p, u);
    test_source_in_answer(p, u);
}
