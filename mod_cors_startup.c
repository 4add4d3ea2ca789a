/* mod_cors_startup.c - what start-up checks and says of every level of configuration it can see. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * httpd merges a virtual host with the main server at start-up, but a <Directory> or
 * <Location> with what is above it only per request.  Start-up walks core's sections
 * (sec_dir, sec_url, sec_file, sec_if: core_dir_config, http_core.h's) merging each with the
 * levels that enclose it, so that a contradiction only merging shows ("*" in a virtual host,
 * credentials in a <Location>) stops configtest, and each level's policy is said at info.
 * What .htaccess files and the <Directory> a URL maps to add, only a request shows.
 */

#include <string.h>

#include "apr_strings.h"

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"

#include "mod_cors.h"
#include "mod_cors_startup.h"

APLOG_USE_MODULE(cors);

static const char *section_name(ap_conf_vector_t *sec)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    return cdc && cdc->d ? cdc->d : "(unnamed section)";
}

static const char *server_name(apr_pool_t *p, const server_rec *s)
{
    return s->is_virtual ? apr_psprintf(p, "the virtual host at %s:%d (%s)", s->defn_name,
                                        s->defn_line_number,
                                        s->server_hostname ? s->server_hostname : "no name")
                         : "the main server";
}

/* ---- every level start-up can see, merged as it is in force there ---------------------- */

/* A visitor of one level: own is what the level itself says, merged what is in force there;
 * inherited: a section of the main server seen again in a virtual host. */
typedef void (*level_fn)(void *baton, server_rec *s, const char *where, const cors_policy *own,
                         const cors_policy *merged, int inherited);

static int is_regex_section(ap_conf_vector_t *sec)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    return cdc && cdc->r != NULL;
}

/* Does section a (a <Directory> or <Location> path) enclose section b? */
static int encloses(ap_conf_vector_t *a, ap_conf_vector_t *b)
{
    const char *pa = section_name(a), *pb = section_name(b);
    size_t la = strlen(pa);

    if (is_regex_section(a) || is_regex_section(b) || strncmp(pa, pb, la) != 0) {
        return 0;
    }
    return la == 0 || pa[la - 1] == '/' || pb[la] == '\0' || pb[la] == '/';
}

static const char *level_name(apr_pool_t *p, ap_conf_vector_t *sec, int url, server_rec *s)
{
    return apr_psprintf(p, "<%s%s %s> in %s", url ? "Location" : "Directory",
                        is_regex_section(sec) ? "Match" : "", section_name(sec),
                        server_name(p, s));
}

/* An <If> is named by where it was written (its expression's text is not kept). */
static const char *nested_name(apr_pool_t *p, ap_conf_vector_t *sec, int is_if)
{
    core_dir_config *cdc = ap_get_core_module_config(sec);

    if (is_if) {
        return cdc->condition && cdc->condition->filename
               ? apr_psprintf(p, "<If> at %s:%u", cdc->condition->filename,
                              cdc->condition->line_number)
               : "<If>";
    }
    return apr_psprintf(p, "<Files%s %s>", is_regex_section(sec) ? "Match" : "",
                        section_name(sec));
}

/* The <Files> and <If> sections held in a level (the server's defaults, a <Directory>, a
 * <Location>), each merged onto what is in force in that level. */
static void each_nested(apr_pool_t *ptemp, server_rec *s, ap_conf_vector_t *holder,
                        const cors_policy *base, const char *in, int inherited, level_fn fn,
                        void *baton)
{
    core_dir_config *cdc = ap_get_core_module_config(holder);
    int n, i;

    for (n = 0; cdc && n < 2; n++) {
        apr_array_header_t *secs = n ? cdc->sec_if : cdc->sec_file;
        ap_conf_vector_t **elts = secs ? (ap_conf_vector_t **)secs->elts : NULL;
        for (i = 0; secs && i < secs->nelts; i++) {
            const cors_policy *own = ap_get_module_config(elts[i], &cors_module);
            if (own) {
                fn(baton, s, apr_psprintf(ptemp, "%s in %s", nested_name(ptemp, elts[i], n), in),
                   own, cors_policy_merge(ptemp, base, own), inherited);
            }
        }
    }
}

/* A virtual host merged with the main server's defaults; a <Directory> with the
 * <Directory> sections above it; a <Location> with the <Location> sections that prefix it.
 * What .htaccess files and the <Directory> a URL maps to add is known only per request. */
static void each_level(apr_pool_t *ptemp, server_rec *main_server, level_fn fn, void *baton)
{
    core_server_config *main_core = ap_get_core_module_config(main_server->module_config);
    server_rec *s;

    for (s = main_server; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(s->module_config);
        const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
        int n, i, j;

        fn(baton, s, server_name(ptemp, s), spol, cors_policy_sealed_copy(ptemp, spol), 0);
        each_nested(ptemp, s, s->lookup_defaults, spol, server_name(ptemp, s), 0, fn, baton);
        for (n = 0; n < 2; n++) {
            apr_array_header_t *secs = n ? core->sec_url : core->sec_dir;
            int inherited = s->is_virtual ? (n ? main_core->sec_url : main_core->sec_dir)->nelts
                                          : 0;
            ap_conf_vector_t **elts = (ap_conf_vector_t **)secs->elts;
            for (i = 0; i < secs->nelts; i++) {
                const cors_policy *own = ap_get_module_config(elts[i], &cors_module);
                const cors_policy *merged = spol;
                if (!own) {
                    continue;
                }
                for (j = 0; j < i; j++) {
                    const cors_policy *up = ap_get_module_config(elts[j], &cors_module);
                    if (up && encloses(elts[j], elts[i])) {
                        merged = cors_policy_merge(ptemp, merged, up);
                    }
                }
                merged = cors_policy_merge(ptemp, merged, own);
                fn(baton, s, level_name(ptemp, elts[i], n, s), own, merged, i < inherited);
                each_nested(ptemp, s, elts[i], merged, level_name(ptemp, elts[i], n, s),
                            i < inherited, fn, baton);
            }
        }
    }
}

static int policy_given(const cors_policy *pol)
{
    return pol && (pol->enable != CORS_UNSET || pol->origins || pol->methods || pol->headers
                   || pol->expose || pol->credentials != CORS_UNSET);
}

typedef struct {
    apr_pool_t *ptemp;
    server_rec *main_server;
    int failed;
} check_baton;

/* A level that gives its own origin list but no CORSEnable, under a CORSEnable Off from
 * above.  A virtual host's record is already merged with the main server's by now: it gave
 * its own list when that list is not the main server's, and the Off came from the main
 * server when it is the main server's Off. */
static int origin_list_under_inherited_off(const check_baton *cb, server_rec *s,
                                           const cors_policy *own)
{
    const cors_policy *main_pol = ap_get_module_config(cb->main_server->lookup_defaults,
                                                       &cors_module);

    if (own != ap_get_module_config(s->lookup_defaults, &cors_module) || !s->is_virtual) {
        return own->enable == CORS_UNSET;
    }
    return own->enable == 0 && own->enable_where == main_pol->enable_where
           && cors_set_identity(own->origins) != cors_set_identity(main_pol->origins);
}

/* Contradictions that only appear once levels are merged ("*" in a virtual host,
 * credentials in a <Location>) stop the start-up, as configtest runs this hook too.
 * Warnings are logged through the main server, so a virtual host's LogLevel hides none. */
static void check_level_merged(void *baton, server_rec *s, const char *where,
                               const cors_policy *own, const cors_policy *merged, int inherited)
{
    check_baton *cb = baton;
    const cors_policy *spol = ap_get_module_config(s->lookup_defaults, &cors_module);
    /* Refused only where it holds both as merged with its server alone and with the sections
     * above it: either way another section, or a <Location> or .htaccess file below, may
     * replace the list that makes the contradiction (a request then withholds credentials). */
    const char *err = cors_policy_conflict(merged);

    if (err && own != spol && !cors_policy_conflict(cors_policy_merge(cb->ptemp, spol, own))) {
        err = NULL;
    }
    apr_array_header_t *warnings;
    int i;

    if (err) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "mod_cors: in %s: %s",
                     where, err);
        cb->failed = 1;
    }
    /* A main server's section seen again in a virtual host that adds nothing says again
     * what was said for the main server. */
    if (inherited && !policy_given(ap_get_module_config(s->lookup_defaults, &cors_module))) {
        return;
    }
    /* Chrome 142 replaced Private Network Access preflights with the Local Network Access
     * permission prompt: the header is still answered (older Chromium asks), but it fixes
     * nothing in a current browser, and an admin chasing that error must know. */
    if (own->private_network == 1) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cb->main_server, "mod_cors: in %s: "
                     "CORSAllowPrivateNetwork%s%s is obsolete: Chrome 142 and later ask the "
                     "user (the Local Network Access permission) instead of sending a "
                     "preflight, and no header answers that prompt; it is still answered for "
                     "older Chromium (see Troubleshooting in the README)", where,
                     own->private_network_where ? " at " : "",
                     own->private_network_where ? own->private_network_where : "");
    }
    if (!policy_given(own)) {
        return;
    }
    /* An origin list under an inherited CORSEnable Off is the one place where "an origin list
     * is all it takes" does not hold: say so, with the line that switched it off. */
    if (own->origins && merged->enable == 0 && origin_list_under_inherited_off(cb, s, own)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cb->main_server, "mod_cors: in %s: the "
                     "origin list has no effect: CORSEnable Off%s%s is in force there; add "
                     "CORSEnable On to this section if it should apply", where,
                     merged->enable_where ? " at " : "",
                     merged->enable_where ? merged->enable_where : "");
    }
    warnings = apr_array_make(cb->ptemp, 2, sizeof(const char *));
    cors_policy_warnings(cb->ptemp, merged, warnings);
    for (i = 0; i < warnings->nelts; i++) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cb->main_server, "mod_cors: in %s: %s",
                     where, APR_ARRAY_IDX(warnings, i, const char *));
    }
}

int cors_startup_check(apr_pool_t *ptemp, server_rec *s)
{
    check_baton cb;

    cb.ptemp = ptemp;
    cb.main_server = s;
    cb.failed = 0;
    each_level(ptemp, s, check_level_merged, &cb);
    return cb.failed;
}

static const char *list_or(const cors_set *set, const char *none)
{
    const char *v = set ? cors_set_value(set) : NULL;

    if (set && cors_set_has_any(set)) {
        return cors_set_has_denies(set) ? "* less removals" : "*";
    }
    return v ? v : none;
}

static void say_max_age_caps(apr_pool_t *ptemp, server_rec *s, const char *where,
                             const cors_policy *own);

/* One line per level that says something, with the policy in force there (LogLevel info or
 * cors:info, the virtual host's own level deciding for its sections). */
static void summarize_level(void *baton, server_rec *s, const char *where,
                            const cors_policy *own, const cors_policy *merged, int inherited)
{
    apr_pool_t *ptemp = baton;
    const cors_set *o = merged->origins;

    if (!APLOGinfo(s) || (inherited && !policy_given(ap_get_module_config(s->lookup_defaults,
                                                                          &cors_module)))) {
        return;
    }
    say_max_age_caps(ptemp, s, where, own);
    if (!policy_given(own)) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 "mod_cors: %s: %s; origins: %s; methods %s; request headers %s; exposed "
                 "%s; credentials %s", where,
                 cors_policy_enabled(merged) ? "on" : "off",
                 !o ? "none" : cors_set_is_any(o) ? "* (any)"
                 : cors_set_describe(ptemp, o, 6),
                 list_or(merged->methods, "GET, HEAD, POST"), list_or(merged->headers, "none"),
                 list_or(merged->expose, "none"), merged->credentials == 1 ? "On" : "Off");
}

/* Each engine caps how long it keeps a preflight's answer: a larger CORSMaxAge is no error,
 * but the admin should know which engines shorten it. */
static const struct {
    const char *engine;
    int cap;
} max_age_caps[] = {
    { "WebKit (Safari)", 600 },
    { "Chromium", 7200 },
    { "Firefox", 86400 },
};

static void say_max_age_caps(apr_pool_t *ptemp, server_rec *s, const char *where,
                             const cors_policy *own)
{
    const char *capped = NULL;
    size_t i;

    if (own->max_age == CORS_UNSET) {
        return;
    }
    for (i = 0; i < sizeof(max_age_caps) / sizeof(max_age_caps[0]); i++) {
        if (own->max_age > max_age_caps[i].cap) {
            const char *one = apr_psprintf(ptemp, "%s to %d s", max_age_caps[i].engine,
                                           max_age_caps[i].cap);
            capped = capped ? apr_pstrcat(ptemp, capped, ", ", one, (char *)NULL) : one;
        }
    }
    if (capped) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, "mod_cors: %s: CORSMaxAge %d%s%s is "
                     "shortened by %s (each engine caps how long it keeps a preflight's "
                     "answer)", where, own->max_age, own->max_age_where ? " at " : "",
                     own->max_age_where ? own->max_age_where : "", capped);
    }
}

void cors_startup_summary(apr_pool_t *ptemp, server_rec *s)
{
    each_level(ptemp, s, summarize_level, ptemp);
}
