/* mod_cors_floor.c - bench fixture, never installed: mod_cors's bench headers, no decision. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#define FLOOR_FILTER "CORS_FLOOR"

module AP_MODULE_DECLARE_DATA cors_floor_module;

typedef struct {
    int enable;                 /* -1 unset, 0 off, 1 on */
    int credentials;            /* -1 unset, 0 off, 1 on */
    const char *origin;
    const char *methods;
    const char *headers;
    const char *max_age;
    const char *expose;
} floor_conf;

/* Set once at post_config, before any request thread exists. */
static ap_filter_rec_t *floor_filter;

static void *create_floor_dir_config(apr_pool_t *p, char *dir)
{
    floor_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)dir;
    c->enable = -1;
    c->credentials = -1;
    return c;
}

static void *merge_floor_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    const floor_conf *base = basev, *add = addv;
    floor_conf *c = apr_palloc(p, sizeof(*c));

    c->enable = add->enable != -1 ? add->enable : base->enable;
    c->credentials = add->credentials != -1 ? add->credentials : base->credentials;
    c->origin = add->origin ? add->origin : base->origin;
    c->methods = add->methods ? add->methods : base->methods;
    c->headers = add->headers ? add->headers : base->headers;
    c->max_age = add->max_age ? add->max_age : base->max_age;
    c->expose = add->expose ? add->expose : base->expose;
    return c;
}

static const char *set_flag(cmd_parms *cmd, void *dirv, int on)
{
    floor_conf *c = dirv;

    if (cmd->info == (void *)0) {
        c->enable = on;
    }
    else {
        c->credentials = on;
    }
    return NULL;
}

static const char *ignore_raw(cmd_parms *cmd, void *dirv, const char *args)
{
    (void)cmd;
    (void)dirv;
    (void)args;
    return NULL;
}

static const char *ignore_flag(cmd_parms *cmd, void *dirv, int on)
{
    (void)cmd;
    (void)dirv;
    (void)on;
    return NULL;
}

static const command_rec floor_cmds[] = {
    AP_INIT_FLAG("CORSFloor", set_flag, (void *)0, OR_FILEINFO,
                 "On to write the bench's CORS header lines here"),
    AP_INIT_FLAG("CORSFloorCredentials", set_flag, (void *)1, OR_FILEINFO,
                 "On to write Access-Control-Allow-Credentials: true"),
    AP_INIT_TAKE1("CORSFloorOrigin", ap_set_string_slot,
                  (void *)APR_OFFSETOF(floor_conf, origin), OR_FILEINFO,
                  "the one origin answered"),
    AP_INIT_TAKE1("CORSFloorMethods", ap_set_string_slot,
                  (void *)APR_OFFSETOF(floor_conf, methods), OR_FILEINFO,
                  "Access-Control-Allow-Methods of a preflight, verbatim"),
    AP_INIT_TAKE1("CORSFloorHeaders", ap_set_string_slot,
                  (void *)APR_OFFSETOF(floor_conf, headers), OR_FILEINFO,
                  "Access-Control-Allow-Headers of a preflight, verbatim"),
    AP_INIT_TAKE1("CORSFloorMaxAge", ap_set_string_slot,
                  (void *)APR_OFFSETOF(floor_conf, max_age), OR_FILEINFO,
                  "Access-Control-Max-Age of a preflight, verbatim"),
    AP_INIT_TAKE1("CORSFloorExpose", ap_set_string_slot,
                  (void *)APR_OFFSETOF(floor_conf, expose), OR_FILEINFO,
                  "Access-Control-Expose-Headers of an allowed request, verbatim"),
    /* mod_cors's own directives, read and ignored (bench/conf.sh "ht-floor"): what httpd
     * costs to read an .htaccess policy, with nothing done with it. */
    AP_INIT_FLAG("CORSEnable", ignore_flag, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_RAW_ARGS("CORSAllowOrigin", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_RAW_ARGS("CORSAllowOriginMatch", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_RAW_ARGS("CORSAllowMethods", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_RAW_ARGS("CORSAllowHeaders", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_RAW_ARGS("CORSExposeHeaders", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_FLAG("CORSAllowCredentials", ignore_flag, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_TAKE1("CORSMaxAge", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_TAKE1("CORSPreflightStatus", ignore_raw, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_FLAG("CORSAllowPrivateNetwork", ignore_flag, NULL, OR_FILEINFO, "ignored"),
    AP_INIT_FLAG("CORSDebug", ignore_flag, NULL, OR_FILEINFO, "ignored"),
    { NULL }
};

static void add_if(apr_table_t *t, const char *name, const char *value)
{
    if (value) {
        apr_table_addn(t, name, value);
    }
}

/* header_parser: the preflight, answered as mod_cors answers an allowed or refused one. */
static int floor_preflight(request_rec *r)
{
    const floor_conf *c;
    const char *origin, *method;

    if (r->prev || r->method_number != M_OPTIONS) {
        return DECLINED;
    }
    c = ap_get_module_config(r->per_dir_config, &cors_floor_module);
    if (c->enable != 1) {
        return DECLINED;
    }
    origin = apr_table_get(r->headers_in, "Origin");
    method = apr_table_get(r->headers_in, "Access-Control-Request-Method");
    if (!origin || !method || !*method) {
        return DECLINED;
    }
    if (!c->origin || strcmp(origin, c->origin) != 0) {
        ap_custom_response(r, HTTP_FORBIDDEN, "");
        return HTTP_FORBIDDEN;      /* the error filter adds Vary */
    }
    apr_table_addn(r->headers_out, "Access-Control-Allow-Origin", origin);
    if (c->credentials == 1) {
        apr_table_addn(r->headers_out, "Access-Control-Allow-Credentials", "true");
    }
    add_if(r->headers_out, "Access-Control-Allow-Methods", c->methods);
    add_if(r->headers_out, "Access-Control-Allow-Headers", c->headers);
    add_if(r->headers_out, "Access-Control-Max-Age", c->max_age);
    apr_table_mergen(r->headers_out, "Vary", "Origin");
    r->status = HTTP_NO_CONTENT;
    return DONE;
}

static void floor_insert_filter(request_rec *r)
{
    const floor_conf *c;

    if (r->main) {
        return;
    }
    c = ap_get_module_config(r->per_dir_config, &cors_floor_module);
    if (c->enable == 1) {
        ap_add_output_filter_handle(floor_filter, NULL, r, r->connection);
    }
}

/* The first brigade of every other response: its headers are not sent yet. */
static apr_status_t floor_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    const floor_conf *c = ap_get_module_config(r->per_dir_config, &cors_floor_module);
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (origin && c->origin && strcmp(origin, c->origin) == 0) {
        apr_table_addn(r->headers_out, "Access-Control-Allow-Origin", origin);
        if (c->credentials == 1) {
            apr_table_addn(r->headers_out, "Access-Control-Allow-Credentials", "true");
        }
        add_if(r->headers_out, "Access-Control-Expose-Headers", c->expose);
    }
    apr_table_mergen(r->headers_out, "Vary", "Origin");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static int floor_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    (void)pconf;
    (void)plog;
    (void)ptemp;
    (void)s;
    floor_filter = ap_get_output_filter_handle(FLOOR_FILTER);
    return OK;
}

/* mod_cors's hooks, at mod_cors's places: the same header lines for the bench requests,
 * from one origin compared with strcmp and values written verbatim (bench/conf.sh "floor"). */
static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(floor_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_header_parser(floor_preflight, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(floor_insert_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_insert_error_filter(floor_insert_filter, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_register_output_filter(FLOOR_FILTER, floor_out_filter, NULL, AP_FTYPE_CONTENT_SET);
}

module AP_MODULE_DECLARE_DATA cors_floor_module = {
    STANDARD20_MODULE_STUFF,
    create_floor_dir_config,
    merge_floor_dir_config,
    NULL,
    NULL,
    floor_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
