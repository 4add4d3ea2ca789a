/* cors_policy.c - one configuration level's policy, and how levels merge from server to .htaccess. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

cors_policy *cors_policy_make(apr_pool_t *p)
{
    cors_policy *pol = apr_palloc(p, sizeof(*pol));

    cors_policy_init(pol);
    return pol;
}

void cors_policy_init(cors_policy *pol)
{
    memset(pol, 0, sizeof(*pol));
    pol->enable = CORS_UNSET;
    pol->credentials = CORS_UNSET;
    pol->max_age = CORS_UNSET;
    pol->preflight_status = CORS_UNSET;
    pol->private_network = CORS_UNSET;
    pol->debug = CORS_UNSET;
    pol->report_only = CORS_UNSET;
    pol->timing = CORS_UNSET;
}

/* A level that says nothing: most sections of a site, and the server's defaults. */
static int says_nothing(const cors_policy *pol)
{
    return pol->enable == CORS_UNSET && !pol->origins && !pol->methods && !pol->headers
           && !pol->expose && pol->credentials == CORS_UNSET && pol->max_age == CORS_UNSET
           && pol->preflight_status == CORS_UNSET && pol->private_network == CORS_UNSET
           && pol->debug == CORS_UNSET && pol->report_only == CORS_UNSET
           && pol->timing == CORS_UNSET;
}

void cors_policy_seal(apr_pool_t *p, cors_policy *pol)
{
    if (pol->sealed) {
        return;
    }
    pol->origins = (cors_set *)cors_set_sealed_copy(p, pol->origins);
    pol->methods = (cors_set *)cors_set_sealed_copy(p, pol->methods);
    pol->headers = (cors_set *)cors_set_sealed_copy(p, pol->headers);
    pol->expose = (cors_set *)cors_set_sealed_copy(p, pol->expose);
    pol->conflict = cors_policy_conflict(pol) != NULL;
    pol->empty = says_nothing(pol);
    pol->sealed = 1;
}

const cors_policy *cors_policy_sealed_copy(apr_pool_t *p, const cors_policy *pol)
{
    cors_policy *copy;

    if (pol->sealed) {
        return pol;
    }
    copy = apr_pmemdup(p, pol, sizeof(*pol));
    cors_policy_seal(p, copy);
    return copy;
}

static int empty(const cors_policy *pol)
{
    return pol->sealed ? pol->empty : says_nothing(pol);
}

/* A setting and where it was set, taken together from the nearer level that sets it. */
#define MERGE_SETTING(field) do {                                   \
        const cors_policy *from_ = add->field != CORS_UNSET ? add : base; \
        out->field = from_->field;                                  \
        out->field##_where = from_->field##_where;                  \
    } while (0)

/* Runs for every request whose configuration spans sections or .htaccess files, so it only
 * picks pointers; origin edits are layered, not copied (see cors_set_merge). */
void cors_policy_merge_into(apr_pool_t *p, const cors_policy *base, const cors_policy *add,
                            cors_policy *out)
{
    if (empty(add) || empty(base)) {
        *out = *(empty(add) ? base : add);
        cors_policy_seal(p, out);
        return;
    }
    MERGE_SETTING(enable);
    out->origins = (cors_set *)cors_set_merge(p, base->origins, add->origins);
    out->methods = (cors_set *)cors_set_merge(p, base->methods, add->methods);
    out->headers = (cors_set *)cors_set_merge(p, base->headers, add->headers);
    out->expose = (cors_set *)cors_set_merge(p, base->expose, add->expose);
    MERGE_SETTING(credentials);
    MERGE_SETTING(max_age);
    out->max_age_value = add->max_age != CORS_UNSET ? add->max_age_value : base->max_age_value;
    MERGE_SETTING(preflight_status);
    MERGE_SETTING(private_network);
    MERGE_SETTING(debug);
    MERGE_SETTING(report_only);
    MERGE_SETTING(timing);
    out->conflict = cors_policy_conflict(out) != NULL;
    out->empty = 0;
    out->sealed = 1;
}

/* A level that says nothing is merged by handing back the other one (policies are never
 * written once sealed). */
const cors_policy *cors_policy_merge(apr_pool_t *p, const cors_policy *base,
                                     const cors_policy *add)
{
    cors_policy *pol;

    if (empty(add)) {
        return cors_policy_sealed_copy(p, base);
    }
    if (empty(base)) {
        return cors_policy_sealed_copy(p, add);
    }
    pol = apr_palloc(p, sizeof(*pol));
    cors_policy_merge_into(p, base, add, pol);
    return pol;
}

const char *cors_policy_conflict(const cors_policy *pol)
{
    if (pol->credentials != 1) {
        return NULL;
    }
    if (pol->origins && cors_set_has_any(pol->origins)) {
        return "CORSAllowOrigin * cannot be combined with CORSAllowCredentials On: browsers "
               "refuse a wildcard origin with credentials; list the origins instead";
    }
    if (pol->origins && cors_set_has_broad(pol->origins)) {
        return "a CORSAllowOriginMatch regex that matches any origin cannot be combined with "
               "CORSAllowCredentials On: it would hand every site the user's credentialed "
               "answers; anchor the regex to your own domains (^https://[a-z0-9-]+\\."
               "example\\.com$)";
    }
    if (pol->expose && cors_set_has_any(pol->expose)) {
        return "CORSExposeHeaders * cannot be combined with CORSAllowCredentials On: with "
               "credentials browsers read '*' as a header name; list the headers instead";
    }
    return NULL;
}

/* The first any-origin regex allowed in force. */
static const char *broad_source(const cors_set *origins)
{
    int i;

    for (i = 0; i < origins->eff_regexes->nelts; i++) {
        const cors_regex_item *r = APR_ARRAY_IDX(origins->eff_regexes, i, cors_regex_item *);
        if (r->broad && r->verdict == CORS_ALLOW) {
            return r->source;
        }
    }
    return "?";
}

void cors_policy_warnings(apr_pool_t *p, const cors_policy *pol, apr_array_header_t *out)
{
    const char *insecure;

    if (pol->origins && cors_set_has_null(pol->origins)) {
        APR_ARRAY_PUSH(out, const char *) =
            "allowing the origin 'null': any page can send it (sandboxed iframes, data: and "
            "file: URLs, redirects), so it grants nothing a stranger cannot have";
    }
    if (pol->origins && cors_set_has_broad(pol->origins) && pol->credentials != 1) {
        APR_ARRAY_PUSH(out, const char *) =
            apr_psprintf(p, "CORSAllowOriginMatch '%s' matches any origin (it matched origins "
                         "no policy means to allow): every site may read these answers; "
                         "anchor it to your own domains, or write CORSAllowOrigin * if that "
                         "is what you mean", broad_source(pol->origins));
    }
    if (pol->credentials == 1 && pol->origins
        && (insecure = cors_set_insecure_origin(pol->origins)) != NULL) {
        APR_ARRAY_PUSH(out, const char *) =
            apr_psprintf(p, "'%s' is allowed with CORSAllowCredentials On over plain http: "
                         "anyone on the network path can read and change the credentialed "
                         "answers; use https://", insecure);
    }
}

const char *cors_policy_overflow(const cors_policy *pol)
{
    if (pol->origins && pol->origins->overflow) {
        return "more than 64 sections in force here edit CORSAllowOrigin: no origin is "
               "allowed here; give a whole list instead of +/- edits in so many sections";
    }
    if (pol->methods && pol->methods->overflow) {
        return "the sections in force here hold more than 512 CORSAllowMethods items and "
               "edits: it allows nothing beyond GET, HEAD and POST here; give a whole list "
               "instead of +/- edits in so many sections";
    }
    if (pol->headers && pol->headers->overflow) {
        return "the sections in force here hold more than 512 CORSAllowHeaders items and "
               "edits: it allows no header here; give a whole list instead of +/- edits in so "
               "many sections";
    }
    if (pol->expose && pol->expose->overflow) {
        return "the sections in force here hold more than 512 CORSExposeHeaders items and "
               "edits: it exposes no header here; give a whole list instead of +/- edits in "
               "so many sections";
    }
    return NULL;
}

/* An origin list is what a policy is for: where one is in force the policy is on unless
 * CORSEnable Off says otherwise (a forgotten "CORSEnable On" must not be a silent no-op). */
int cors_policy_enabled(const cors_policy *pol)
{
    return pol->enable == 1 || (pol->enable == CORS_UNSET && pol->origins != NULL);
}

const char *cors_policy_off_reason(apr_pool_t *p, const cors_policy *pol)
{
    if (cors_policy_enabled(pol)) {
        return NULL;
    }
    if (pol->enable == 0) {
        return apr_psprintf(p, "mod_cors is off here: CORSEnable Off%s%s", pol->enable_where
                            ? " at " : "", pol->enable_where ? pol->enable_where : "");
    }
    return "mod_cors is off here: no CORSAllowOrigin (or CORSAllowOriginMatch) is in force "
           "for this location";
}
