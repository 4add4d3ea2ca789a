/* cors_decide.c - the CORS decision for a preflight or any other request, as a browser will judge it. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* An Origin quoted in a reason goes to the error log and, with CORSDebug, into a response
 * header: keep it short and printable whatever was sent. */
#define QUOTE_MAX 100

static const char *quotable(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, QUOTE_MAX + 4);
    size_t i;

    for (i = 0; i < QUOTE_MAX && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (char)((c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') ? '?' : c);
    }
    memcpy(out + i, s[i] ? "..." : "", s[i] ? 4 : 1);
    return out;
}

/* The part every response shares: is the origin allowed, and with what Allow-Origin,
 * Allow-Credentials and Vary.  A fixed "*" is the same answer for every request, with an
 * Origin or without, so a cache may keep it; any other list depends on Origin, so every
 * response says so in Vary.  Returns 0 when the answer is "no CORS headers". */
static int decide_origin(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                         cors_answer *ans)
{
    const cors_set *origins = pol->origins;
    cors_origin_why why = { NULL, NULL, CORS_SOURCE_REFUSED };
    int fixed_any, rc;

    memset(ans, 0, sizeof(*ans));
    ans->origin_sent = req->origin != NULL;
    fixed_any = origins && cors_set_is_any(origins);
    ans->vary = origins && !fixed_any;
    if (fixed_any) {
        ans->allowed = 1;
        ans->conflict = pol->conflict;
        ans->allow_origin = "*";
        return 1;
    }
    if (!req->origin) {
        return 0;
    }
    if (!origins) {
        ans->refusal = CORS_REFUSED_NO_POLICY;
        return 0;
    }
    rc = cors_origins_verdict(p, origins, req->origin, strlen(req->origin), req->source_baton,
                              &why);
    ans->limited = why.limited;
    ans->source = why.source;
    ans->source_answer = why.answer;
    if (rc <= 0) {
        ans->refusal = rc == -1 ? CORS_REFUSED_REGEX_LIMIT
                       : rc == -2 ? CORS_REFUSED_SOURCE_DOWN : CORS_REFUSED_ORIGIN;
        ans->refused = req->origin;
        return 0;
    }
    ans->allowed = 1;
    ans->conflict = pol->conflict;
    if (pol->credentials == 1 && !pol->conflict) {
        ans->allow_credentials = "true";
    }
    ans->allow_origin = req->origin;
    return 1;
}

/* "*" exposes every header only when nothing is taken out of it (and without credentials,
 * which a conflict has already withheld); with removals the filter names the response's own
 * headers that are left. */
static void decide_expose(const cors_policy *pol, cors_answer *ans)
{
    const cors_set *expose = pol->expose;

    if (!expose) {
        return;
    }
    if (!cors_set_has_any(expose)) {
        ans->expose_headers = cors_set_value(expose);
    }
    else if (cors_set_has_denies(expose) || ans->allow_credentials) {
        ans->expose_filter = expose;
    }
    else {
        ans->expose_headers = "*";
    }
}

void cors_decide_actual(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                        cors_answer *ans)
{
    if (decide_origin(p, pol, req, ans)) {
        decide_expose(pol, ans);
        /* Resource Timing's own allowance, given with the same answer (a fixed "*" too). */
        if (pol->timing == 1) {
            ans->timing_allow_origin = ans->allow_origin;
        }
    }
}

typedef struct {
    apr_pool_t *pool;
    const cors_set *headers;
    apr_array_header_t *names;  /* what was asked, lower case, when it may be echoed */
    const char *refused;        /* the first name not allowed */
} header_check;

/* name comes lower-cased (cors_each_request_header_lower). */
static int check_header(void *baton, const char *lower, size_t len)
{
    header_check *hc = baton;

    if (!cors_header_allowed(hc->headers, lower, len)) {
        hc->refused = apr_pstrmemdup(hc->pool, lower, len);
        return 1;
    }
    if (hc->names) {
        APR_ARRAY_PUSH(hc->names, const char *) = apr_pstrmemdup(hc->names->pool, lower, len);
    }
    return 0;
}

/* "*" is a wildcard to the browser only without credentials, and never for Authorization;
 * and it may only stand for the whole set when nothing in it is refused.  Otherwise name
 * what was asked, which is always understood. */
static const char *methods_value(const cors_policy *pol, const cors_answer *ans,
                                 const char *method)
{
    if (pol->methods && cors_set_has_any(pol->methods)) {
        const char *normal = cors_method_normal(method, strlen(method));
        if (cors_set_is_any(pol->methods) && !ans->allow_credentials) {
            return "*";
        }
        return normal ? normal : method;
    }
    return pol->methods ? cors_set_value(pol->methods) : "GET, HEAD, POST";
}

/* A header "*" is always answered by naming what was asked, never with "*": the standard
 * says "*" never covers Authorization, but today's engines let a fresh "*" cover it, and
 * WebKit (2.38) a cached one too (e2e/browser.sh measures each); named, the answer means the
 * same in every engine. */
static const char *headers_value(apr_pool_t *p, const cors_policy *pol, const header_check *hc)
{
    if (pol->headers && cors_set_has_any(pol->headers)) {
        return hc->names && hc->names->nelts ? cors_join(p, hc->names) : NULL;
    }
    return pol->headers ? cors_set_value(pol->headers) : NULL;
}

/* A preflight refused after its origin was allowed: nothing of the allowance stays but
 * what decided the origin. */
static void refuse(cors_answer *ans, cors_refusal refusal, const char *refused)
{
    int vary = ans->vary, origin_sent = ans->origin_sent;
    const char *source = ans->source;
    cors_source_answer source_answer = ans->source_answer;

    memset(ans, 0, sizeof(*ans));
    ans->vary = vary;
    ans->origin_sent = origin_sent;
    ans->source = source;
    ans->source_answer = source_answer;
    ans->refusal = refusal;
    ans->refused = refused;
}

/* The one malformed refusal about the method (the others are about the header list). */
static const char malformed_method[] = "Access-Control-Request-Method is not a valid method name";

void cors_decide_preflight(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                           cors_answer *ans)
{
    header_check hc;
    unsigned int elements = 0, names = 0, i;
    size_t mlen = req->method ? strlen(req->method) : 0;

    if (!decide_origin(p, pol, req, ans)) {
        return;
    }
    if (mlen == 0 || mlen > CORS_TOKEN_MAX || !cors_is_token(req->method, mlen)) {
        refuse(ans, CORS_REFUSED_MALFORMED, malformed_method);
        return;
    }
    if (!cors_method_allowed(pol->methods, req->method, mlen)) {
        refuse(ans, CORS_REFUSED_METHOD, req->method);
        return;
    }
    if (req->request_header_lines > CORS_REQ_LINES_MAX) {
        refuse(ans, CORS_REFUSED_MALFORMED,
               "Access-Control-Request-Headers is split over too many lines");
        return;
    }
    hc.pool = p;
    hc.headers = pol->headers;
    /* Only a "*" list answers by naming what was asked (see headers_value). */
    hc.names = pol->headers && cors_set_has_any(pol->headers)
               ? apr_array_make(p, 4, sizeof(const char *)) : NULL;
    hc.refused = NULL;
    for (i = 0; i < req->request_header_lines; i++) {
        const char *bad = cors_each_request_header_lower(req->request_headers[i], &elements,
                                                         &names, check_header, &hc);
        if (bad) {
            refuse(ans, CORS_REFUSED_MALFORMED, bad);
            return;
        }
        if (hc.refused) {
            refuse(ans, CORS_REFUSED_HEADER, hc.refused);
            return;
        }
    }
    ans->allow_methods = methods_value(pol, ans, req->method);
    ans->allow_headers = headers_value(p, pol, &hc);
    ans->max_age = pol->max_age != CORS_UNSET ? pol->max_age_value : NULL;
    if (req->private_network && pol->private_network == 1) {
        ans->allow_private_network = "true";
    }
    ans->status = pol->preflight_status == 200 ? 200 : 204;
}

/* A fixed "*" allows a request without Origin too (its headers are the same for every
 * response, so a cache may keep them), but the log counts CORS requests: without Origin
 * there was none to allow. */
cors_outcome cors_answer_outcome_of(const cors_answer *ans, int preflight)
{
    if (!ans->origin_sent) {
        return CORS_OUTCOME_NONE;
    }
    if (ans->allowed) {
        return preflight ? CORS_OUTCOME_PREFLIGHT : CORS_OUTCOME_ALLOWED;
    }
    switch (ans->refusal) {
    case CORS_REFUSED_NONE:
    case CORS_REFUSED_NO_POLICY:
        return CORS_OUTCOME_NONE;
    case CORS_REFUSED_METHOD:
        return CORS_OUTCOME_REFUSED_METHOD;
    case CORS_REFUSED_HEADER:
        return CORS_OUTCOME_REFUSED_HEADER;
    case CORS_REFUSED_MALFORMED:
        return ans->refused == malformed_method ? CORS_OUTCOME_REFUSED_METHOD
                                                : CORS_OUTCOME_REFUSED_HEADER;
    case CORS_REFUSED_SOURCE_DOWN:
        return CORS_OUTCOME_REFUSED_UNAVAILABLE;
    default:
        return CORS_OUTCOME_REFUSED_ORIGIN;     /* the origin, or a regex that gave up on it */
    }
}

const char *cors_outcome_name(cors_outcome o, int report)
{
    static const char *const names[CORS_OUTCOMES][2] = {
        { "-", "-" },
        { "allowed", "report-allowed" },
        { "preflight", "report-preflight" },
        { "refused-origin", "report-refused-origin" },
        { "refused-method", "report-refused-method" },
        { "refused-header", "report-refused-header" },
        { "refused-unavailable", "report-refused-unavailable" },
    };

    return (unsigned)o < CORS_OUTCOMES ? names[o][report != 0] : "-";
}

const char *cors_answer_outcome(const cors_answer *ans, int preflight)
{
    return cors_outcome_name(cors_answer_outcome_of(ans, preflight), 0);
}

/* What a response may call a source: the kind its directive names (the source's name
 * starts with it), never the path or SQL after it. */
static const char *source_kind(const char *name, int down)
{
    static const struct {
        const char *directive;
        const char *as_list;
        const char *as_down;
    } kinds[] = {
        { "CORSAllowOriginFile ", "the origin file", "the origin file could not be read" },
        { "CORSAllowOriginMap ", "the origin map", "the origin map could not be read" },
        { "CORSAllowOriginQuery ", "the database", "the database could not answer" },
    };
    size_t i;

    for (i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strncmp(name, kinds[i].directive, strlen(kinds[i].directive)) == 0) {
            return down ? kinds[i].as_down : kinds[i].as_list;
        }
    }
    return down ? "an origin source could not answer" : "an origin source";
}

/* The two readers of a reason: the error log (named_items: the regex, the source's name)
 * and a response header, which a stranger reads. */
static const char *reason(apr_pool_t *p, const cors_answer *ans, int named_items)
{
    switch (ans->refusal) {
    case CORS_REFUSED_NONE:
        return NULL;
    case CORS_REFUSED_NO_POLICY:
        return "no CORSAllowOrigin is configured for this location";
    case CORS_REFUSED_ORIGIN:
        if (ans->source && ans->source_answer == CORS_SOURCE_REFUSED) {
            /* A source was asked and said no: it decided, so the reason names it. */
            return apr_psprintf(p, "origin '%s' is not in %s (nor allowed by the policy's "
                                "other items), so no 'Access-Control-Allow-Origin' header is "
                                "sent", quotable(p, ans->refused),
                                named_items ? ans->source : source_kind(ans->source, 0));
        }
        return apr_psprintf(p, "origin '%s' is not allowed by CORSAllowOrigin, so no "
                            "'Access-Control-Allow-Origin' header is sent",
                            quotable(p, ans->refused));
    case CORS_REFUSED_METHOD:
        return apr_psprintf(p, "Method %s is not allowed by Access-Control-Allow-Methods "
                            "(CORSAllowMethods)", quotable(p, ans->refused));
    case CORS_REFUSED_HEADER:
        return apr_psprintf(p, "Request header field %s is not allowed by "
                            "Access-Control-Allow-Headers (CORSAllowHeaders)",
                            quotable(p, ans->refused));
    case CORS_REFUSED_MALFORMED:
        return ans->refused;
    case CORS_REFUSED_REGEX_LIMIT:
        if (!named_items) {
            return apr_psprintf(p, "origin '%s' is refused: a CORSAllowOriginMatch regex gave "
                                "up at its match limit (the error log names it)",
                                quotable(p, ans->refused));
        }
        return apr_psprintf(p, "origin '%s' is refused: CORSAllowOriginMatch '%s' gave up at "
                            "its match limit (a regex that backtracks without bound; write "
                            "it without nested repetition)", quotable(p, ans->refused),
                            ans->limited);
    case CORS_REFUSED_SOURCE_DOWN:
        if (!named_items) {
            return apr_psprintf(p, "origin '%s' is refused: %s now (it is refused until it "
                                "can: the error log says why)", quotable(p, ans->refused),
                                source_kind(ans->limited, 1));
        }
        return apr_psprintf(p, "origin '%s' is refused: %s cannot answer now (it is refused "
                            "until it can: the error log says why)", quotable(p, ans->refused),
                            ans->limited);
    }
    return NULL;
}

const char *cors_answer_reason(apr_pool_t *p, const cors_answer *ans)
{
    return reason(p, ans, 1);
}

const char *cors_answer_reason_public(apr_pool_t *p, const cors_answer *ans)
{
    return reason(p, ans, 0);
}
