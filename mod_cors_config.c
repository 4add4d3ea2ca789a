/* mod_cors_config.c - the directives: the command table, the per-directory records and their merge, and the .htaccess replay client. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Every directive goes through read_directive: in the configuration it is applied at once;
 * in an .htaccess file (at request time) its line is looked up in the process's cache first
 * (mod_cors_htaccess.c), so a file read again unchanged costs one look-up per line, not a
 * parse.  A level's record is a cors_dir_conf whatever made it (a section, an .htaccess
 * file, a merge), so that merging can tell an .htaccess file found in the cache from a
 * level read in full.
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "apr_strings.h"

#include "ap_provider.h"
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"

#include "mod_cors.h"
#include "mod_cors_config.h"
#include "mod_cors_htaccess.h"
#include "mod_cors_process.h"
#include "mod_cors_sources.h"
#include "cors_conf.h"

APLOG_USE_MODULE(cors);

/* What one generation of a process's .htaccess cache may hold before it starts afresh (the
 * old lines go once the requests reading them end): some 15,000 origins' worth. */
#define CORS_HTACCESS_CACHE_BYTES   ((apr_size_t)8 * 1024 * 1024)

/* The per-directory record: a level as the core sees it, and for an .htaccess file where its
 * CORS lines stand in the process's cache.  A file read again unchanged only walks the cache:
 * pol stays empty, and line is the last line, whose policy is used when httpd merges the
 * level.  The first line not found there makes the level "live": pol gets the lines read so
 * far and every later line is applied to it, as at start-up. */
typedef struct {
    cors_policy pol;                    /* first: the record is used as a cors_policy */
    const cors_htline *line;            /* .htaccess: the last CORS line read, or NULL */
    cors_htpin *pin;                    /* .htaccess: the cache generation this request reads */
    int live;
    int unkept;                         /* a line was not kept: none after it is */
    /* For the origin files an .htaccess line names: the real path of the directory the file
     * was read from, and where a policy the cache keeps counts what they hold (NULL: the
     * request's own). */
    const char *bound;
    const cors_meter *meter;
    const char *failed;                 /* merged: why an .htaccess file's policy could not be
                                         * built again (see htaccess_policy), or NULL */
    int handlers;                       /* CORSHandlers: CORS_UNSET, 0, 1 (never .htaccess) */
} cors_dir_conf;

/* The levels read at start-up, sealed in place at post_config (see cors_set_seal): kept on
 * the configuration pool, so each configuration cycle has its own list. */
#define LEVELS_KEY "mod_cors levels"

static cors_dir_conf *new_level(apr_pool_t *p)
{
    cors_dir_conf *dc = apr_pcalloc(p, sizeof(*dc));

    cors_policy_init(&dc->pol);
    dc->handlers = CORS_UNSET;
    return dc;
}

void *cors_create_dir_config(apr_pool_t *p, char *dir)
{
    cors_dir_conf *dc = new_level(p);

    (void)dir;
    /* .htaccess levels are made per request, their lines found in the cache (htaccess_line). */
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_RUN_MPM) {
        apr_array_header_t *levels = NULL;
        apr_pool_userdata_get((void **)&levels, LEVELS_KEY, p);
        if (!levels) {
            levels = apr_array_make(p, 16, sizeof(cors_policy *));
            apr_pool_userdata_setn(levels, LEVELS_KEY, NULL, p);
        }
        APR_ARRAY_PUSH(levels, cors_policy *) = &dc->pol;
    }
    return dc;
}

static const cors_policy *htaccess_policy(apr_pool_t *p, const cors_dir_conf *dc,
                                          const char **failed);

/* The level a record stands for: itself, or for an .htaccess file read unchanged, the
 * policy its lines built the first time. */
static const cors_policy *level_of(apr_pool_t *p, const cors_dir_conf *dc, const char **failed)
{
    return dc->line && !dc->live ? htaccess_policy(p, dc, failed) : &dc->pol;
}

/* Either side may be a section's own record or a merge's result: httpd merges the sections
 * of one walk (<Files> in an .htaccess file, <Location>) among themselves first. */
void *cors_merge_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    const cors_dir_conf *base = basev, *add = addv;
    cors_dir_conf *out = apr_palloc(p, sizeof(*out));
    const char *failed = NULL;
    const cors_policy *b = level_of(p, base, &failed), *a = level_of(p, add, &failed);

    memset((char *)out + sizeof(out->pol), 0, sizeof(*out) - sizeof(out->pol));
    cors_policy_merge_into(p, b, a, &out->pol);
    out->failed = base->failed ? base->failed : add->failed ? add->failed : failed;
    out->handlers = add->handlers != CORS_UNSET ? add->handlers : base->handlers;
    return out;
}

const cors_policy *cors_level_of(apr_pool_t *p, const void *record)
{
    const char *failed = NULL;

    return cors_policy_sealed_copy(p, level_of(p, record, &failed));
}

const char *cors_level_failed(const void *record)
{
    return ((const cors_dir_conf *)record)->failed;
}

int cors_level_handlers(const void *record)
{
    return ((const cors_dir_conf *)record)->handlers == 1;
}

/* Not a policy's: where the admin lets cors-info and cors-metrics answer.  Never in an
 * .htaccess file (SetHandler needs only FileInfo there: a customer must not read the
 * admin's configuration or other tenants' counts). */
static const char *set_handlers(cmd_parms *cmd, void *dconf, int on)
{
    (void)cmd;
    ((cors_dir_conf *)dconf)->handlers = on ? 1 : 0;
    return NULL;
}

void *cors_create_server_config(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(cors_server_conf));
}

/* Where a message about the configuration goes: while it is read, through no server (the
 * console at start-up, the main error log at a graceful restart), as a virtual host's record
 * is not set up to log yet; at request time (.htaccess), the request's server. */
static server_rec *config_log_server(cmd_parms *cmd)
{
    return cors_in_htaccess(cmd) ? cmd->server : NULL;
}

/* A warning about the policy a directive sets.  An .htaccess file is read on every request,
 * so there each warning is logged once per process and file. */
static void warn_policy(cmd_parms *cmd, const char *msg)
{
    const char *file = cmd->directive->filename;

    if (cors_say_once(CORS_SAID_HTACCESS,
                              apr_psprintf(cmd->temp_pool, "%s\n%s", file, msg))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, config_log_server(cmd), "%s (%s:%d)", msg,
                     file, cmd->directive->line_num);
    }
}

/* A counter kept on a pool (a request's, or the .htaccess cache's while it builds a level). */
static apr_size_t *pool_counter(apr_pool_t *p, const char *key)
{
    apr_size_t *counter = NULL;

    apr_pool_userdata_get((void **)&counter, key, p);
    if (!counter) {
        counter = apr_pcalloc(p, sizeof(*counter));
        apr_pool_userdata_setn(counter, key, NULL, p);
    }
    return counter;
}

/* What a level's regexes compiled to and its sources read take (the .htaccess cache counts
 * it), on the pool the level is read into. */
static apr_size_t *compiled_bytes(apr_pool_t *p)
{
    return pool_counter(p, "mod_cors compiled bytes");
}

/* .htaccess files may hold many sections: the regexes one request's files hold are bounded
 * as a whole, not per section.  Counted on the request's pool, for the lines httpd reads
 * (cmd->config_file is the file it reads): a line replayed from the cache was counted when
 * the request found it there, and counts no more. */
static apr_size_t *regex_count(apr_pool_t *p)
{
    return pool_counter(p, "mod_cors regexes compiled");
}

static const char *count_htaccess_regexes(cmd_parms *cmd, int n)
{
    apr_size_t *count;

    if (!cors_in_htaccess(cmd) || !cmd->config_file) {
        return NULL;
    }
    count = regex_count(cmd->pool);
    *count += (apr_size_t)n;
    if (*count > CORS_LIST_MAX) {
        return apr_psprintf(cmd->pool, "%s: more than %d regexes in the .htaccess files of "
                            "one request; use exact origins or *.domain patterns",
                            cmd->cmd->name, CORS_LIST_MAX);
    }
    return NULL;
}

/* ---- a policy's lines: checked and applied by the core's reader (cors_conf.c) ------------ */

/* The regexes one request's .htaccess files compile are bounded as a whole; a line the cache
 * applies again was counted when the request found it there. */
static const char *admit_regex(void *baton, const char *directive, const char *source)
{
    (void)directive;
    (void)source;
    return count_htaccess_regexes(baton, 1);
}

/* The any-origin probes of a regex run once per process and regex text (a policy rebuilt on
 * every request, an .htaccess file too large to keep, would otherwise run them each time). */
static int judged_regex(void *baton, const char *source)
{
    (void)baton;
    return cors_regex_verdict(source);
}

static void remember_regex(void *baton, const char *source, int broad)
{
    cmd_parms *cmd = baton;

    if (cors_in_htaccess(cmd)) {
        ap_log_error(APLOG_MARK, APLOG_TRACE1, 0, cmd->server, "mod_cors: probed the regex "
                     "'%s' (%s)", source, broad ? "matches any origin" : "anchored");
        cors_regex_remember(source, broad);
    }
}

/* What a line says beside its error.  At start-up the merged policies say the warnings
 * about null and any-origin regexes (startup), which .htaccess levels never are. */
static void say_notes(cmd_parms *cmd, const apr_array_header_t *notes)
{
    int i;

    for (i = 0; i < notes->nelts; i++) {
        const cors_conf_note *n = &APR_ARRAY_IDX(notes, i, cors_conf_note);
        if (n->kind == CORS_CONF_NORMALISED) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, cmd->server->is_virtual
                         ? config_log_server(cmd) : cmd->server, "%s (%s:%d)", n->text,
                         cmd->directive->filename, cmd->directive->line_num);
        }
        else if (n->kind == CORS_CONF_LOWER_METHOD || cors_in_htaccess(cmd)) {
            warn_policy(cmd, n->text);
        }
    }
}

/* Every directive of a policy's level but the origin sources: the line's words, as httpd
 * splits them, to the core's reader. */
static const char *set_policy_line(cmd_parms *cmd, void *dconf, const char *args)
{
    cors_dir_conf *dc = dconf;
    cors_conf_regex_hooks hooks;
    cors_conf_line line;
    apr_array_header_t *words = apr_array_make(cmd->temp_pool, 8, sizeof(const char *));
    const char *err;

    while (*args) {
        APR_ARRAY_PUSH(words, const char *) = ap_getword_conf(cmd->temp_pool, &args);
    }
    hooks.admit = admit_regex;
    hooks.judged = judged_regex;
    hooks.remember = remember_regex;
    hooks.baton = cmd;
    line.pool = cmd->pool;
    line.temp = cmd->temp_pool;
    line.name = cmd->cmd->name;
    line.where = apr_psprintf(cmd->temp_pool, "%s:%d", cmd->directive->filename,
                              cmd->directive->line_num);
    line.below = cors_suffixes_below(cmd);
    line.notes = apr_array_make(cmd->temp_pool, 2, sizeof(cors_conf_note));
    line.regex = &hooks;
    line.compiled = compiled_bytes(cmd->pool);
    err = cors_conf_apply(&line, words, &dc->pol);
    say_notes(cmd, line.notes);
    return err;
}

/* Where an item of a level was written, for the view of a URL's policy. */
static void note_where(cmd_parms *cmd, cors_set *set)
{
    cors_set_note_where(set, apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename,
                                          cmd->directive->line_num));
}

/* CORSAllowOriginFile, CORSAllowOriginMap, CORSAllowOriginQuery: one argument, which like a
 * list replaces the inherited origins, or with "+" before it adds to them, read by the back
 * end the directive names (a provider of CORS_ORIGIN_SOURCE_GROUP).  An .htaccess file's
 * origin file is named relative to the directory that file was read from, its level's bound
 * (htaccess_line resolves it; a line replayed from the cache brings the one resolved when it
 * was first read). */
static const char *set_origin_source(cmd_parms *cmd, void *dconf, const char *args)
{
    cors_dir_conf *dc = dconf;
    cors_policy *pol = &dc->pol;
    const char *provider = cmd->info;
    const cors_origin_source *be = ap_lookup_provider(CORS_ORIGIN_SOURCE_GROUP, provider,
                                                      CORS_ORIGIN_SOURCE_VERSION);
    cors_source_where where;
    cors_edit e = CORS_ITEM_PLAIN;
    cors_source_made made;
    const char *arg, *err;

    while (*args == ' ' || *args == '\t') {
        args++;
    }
    if (*args == '+') {
        e = CORS_ITEM_ADD;
        args++;
    }
    arg = ap_getword_conf(cmd->temp_pool, &args);
    if (!*arg || *args) {
        return apr_psprintf(cmd->pool, "%s takes one argument (quote it if it holds spaces), "
                            "with '+' before it to add to the inherited origins",
                            cmd->cmd->name);
    }
    if (!be) {
        return apr_psprintf(cmd->pool, "%s: no origin back end '%s' in this module",
                            cmd->cmd->name, provider);
    }
    where.bound = cors_in_htaccess(cmd) ? dc->bound : NULL;
    where.meter = dc->meter;
    where.below = cors_suffixes_below(cmd);
    if (cors_in_htaccess(cmd) && !strcmp(provider, "file") && !where.bound) {
        return apr_psprintf(cmd->pool, "%s: cannot tell which directory this .htaccess file "
                            "was read from", cmd->cmd->name);
    }
    if ((err = be->make(cmd, &where, arg, &made)) != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    if (!pol->origins) {
        pol->origins = cors_set_make(cmd->pool, CORS_SET_ORIGINS);
    }
    note_where(cmd, pol->origins);
    err = cors_set_add_source(cmd->pool, pol->origins, made.name, made.lookup, made.src, e);
    if (err) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    *compiled_bytes(cmd->pool) += made.bytes;
    return cors_conf_check_level(cmd->pool, cmd->cmd->name, pol);
}

/* The server-wide settings of the sources (mod_cors_sources.c). */
static const char *set_origin_cache(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_cache(cmd, arg);
}

static const char *set_origin_cache_timeout(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_timeout(cmd, arg);
}

static const char *set_origin_query_budget(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_budget(cmd, arg);
}

static const char *set_origin_cache_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    return cors_sources_set_secret(cmd, arg);
}

/* ---- .htaccess: the lines of an unchanged file are looked up, not parsed again ---------- */

/* The command table's entries all go through read_directive, which at request time looks
 * the line up in the cache first; cmd->info names an origin back end, or is NULL for the
 * directives of the policy itself.  A FLAG's word is "On" or "Off". */
static const char *apply_directive(cmd_parms *cmd, void *dconf, const char *args, int on)
{
    (void)on;
    return cmd->info ? set_origin_source(cmd, dconf, args) : set_policy_line(cmd, dconf, args);
}

/* Applies a cached line again (cors_htcache_replay): the handler sees the command, the
 * file and line it came from, the directory it is bound to, and pools; baton is the server it
 * is logged for.  dconf is a level's record (cors_dir_conf).  An error names the line: it is
 * the file's error. */
static const char *apply_cached_line(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                     const cors_htkey *key, void *dconf)
{
    cmd_parms parms;
    ap_directive_t where;
    const char *err;

    memset(&parms, 0, sizeof(parms));
    memset(&where, 0, sizeof(where));
    where.directive = key->cmd->name;
    where.args = key->args;
    where.filename = key->file;
    where.line_num = key->line_num;
    parms.cmd = key->cmd;
    parms.info = key->cmd->cmd_data;
    parms.override = OR_FILEINFO;
    parms.directive = &where;
    parms.pool = pool;
    parms.temp_pool = scratch;
    parms.server = baton;
    ((cors_dir_conf *)dconf)->bound = key->bound;
    err = apply_directive(&parms, dconf, key->args, key->flag);
    return err ? apr_psprintf(pool, "%s:%d: %s", key->file, key->line_num, err) : NULL;
}

/* A level built from cached lines in a pool of the cache's (see cors_htcache_policy); the
 * origin files its lines name count what they read later through meter. */
static cors_policy *build_level(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                const cors_htline *line, const cors_meter *meter,
                                apr_size_t *compiled, const char **error)
{
    cors_dir_conf *level = new_level(pool);
    const char *err;

    level->meter = meter;
    err = cors_htcache_replay(line, pool, scratch, apply_cached_line, baton, level);
    if (err) {
        *error = apr_pstrdup(scratch, err);     /* pool goes with the failed build */
        return NULL;
    }
    cors_policy_seal(pool, &level->pol);
    *compiled = *compiled_bytes(pool);
    return &level->pol;
}

/* The policy of an .htaccess file's lines found in the cache: the one kept there, or where
 * the cache keeps none (it is full, or the policy would take too much of it), one built for
 * this request from the lines, as without a cache.  Lines that cannot be applied again (what
 * a line reads changed under it) are the file's error, as a line httpd cannot parse is:
 * *failed says why, the level says nothing, and the request answers 500 (in header_parser,
 * as merging cannot fail); never a policy that stops short of its last lines, which may be
 * removals. */
static const cors_policy *htaccess_policy(apr_pool_t *p, const cors_dir_conf *dc,
                                          const char **failed)
{
    const char *err = NULL;
    const cors_policy *pol = cors_htcache_policy(dc->pin, dc->line, p, build_level,
                                                 ap_server_conf, &err);
    cors_dir_conf *own;

    if (pol) {
        return pol;
    }
    if (!err) {
        own = new_level(p);
        err = cors_htcache_replay(dc->line, p, p, apply_cached_line, ap_server_conf, own);
        if (!err) {
            return cors_policy_sealed_copy(p, &own->pol);
        }
    }
    *failed = err;
    return cors_policy_sealed_copy(p, cors_policy_make(p));
}

/* The first line of this file not in the cache: the level gets the lines read so far (each
 * was checked when it was first read, and their regexes are already counted), then is read
 * on as at start-up.  An error in them is this file's. */
static const char *go_live(cmd_parms *cmd, cors_dir_conf *dc)
{
    dc->live = 1;
    return dc->line ? cors_htcache_replay(dc->line, cmd->pool, cmd->temp_pool,
                                          apply_cached_line, cmd->server, dc)
                    : NULL;
}

/* The real path of the directory httpd read this .htaccess file from, for the origin files
 * its lines name: the file's directory, resolved once here, must hold the very file httpd
 * has open (device and inode of what it reads, not of what its name leads to now), so a
 * link re-pointed while the file is read cannot make a server directory the bound.  httpd
 * opens every .htaccess file with ap_pcfg_openfile, whose param is the apr_file_t it reads. */
static const char *htaccess_bound(cmd_parms *cmd, const char **bound)
{
    const char *file = cmd->directive->filename;
    const char *slash = strrchr(file, '/');
    apr_file_t *opened = cmd->config_file ? cmd->config_file->param : NULL;
    apr_finfo_t read_fi, there;
    char real[PATH_MAX];
    const char *dir;

    if (!slash || !opened) {
        return apr_psprintf(cmd->pool, "%s: cannot tell which directory %s was read from",
                            cmd->cmd->name, file);
    }
    dir = slash == file ? "/" : apr_pstrmemdup(cmd->temp_pool, file, (apr_size_t)(slash - file));
    if (!realpath(dir, real)
        || apr_file_info_get(&read_fi, APR_FINFO_INODE | APR_FINFO_DEV, opened) != APR_SUCCESS
        || apr_stat(&there, apr_pstrcat(cmd->temp_pool, real, slash, (char *)NULL),
                    APR_FINFO_INODE | APR_FINFO_DEV, cmd->temp_pool) != APR_SUCCESS
        || read_fi.inode != there.inode || read_fi.device != there.device) {
        return apr_psprintf(cmd->pool, "%s: the directory %s was read from changed while it "
                            "was read (a link re-pointed?)", cmd->cmd->name, file);
    }
    *bound = apr_pstrdup(cmd->pool, real);
    return NULL;
}

static int names_origin_file(const cmd_parms *cmd)
{
    const char *provider = cmd->info;

    return provider && !strcmp(provider, "file");
}

/* A directive line read at request time: one cache look-up when the file is unchanged;
 * otherwise applied, and remembered (with its error: a bad line stays bad). */
static const char *htaccess_line(cmd_parms *cmd, cors_dir_conf *dc, cors_htcache *cache,
                                 const char *args, int on)
{
    cors_htkey key;
    const cors_htline *found;
    const char *err;
    apr_size_t *count, before, compiled;

    key.cmd = cmd->cmd;
    key.file = cmd->directive->filename;
    key.line_num = cmd->directive->line_num;
    key.args = args;
    key.flag = on;
    key.bound = NULL;
    if (!dc->pin) {
        dc->pin = cors_htcache_pin(cache, cmd->pool);
    }
    if (!dc->live) {
        found = cors_htcache_find(dc->pin, dc->line, &key);
        if (found) {
            if (cors_htline_error(found)) {
                return apr_pstrdup(cmd->pool, cors_htline_error(found));
            }
            if (cors_htline_regexes(found)
                && (err = count_htaccess_regexes(cmd, cors_htline_regexes(found))) != NULL) {
                return err;
            }
            dc->line = found;
            return NULL;
        }
        if ((err = go_live(cmd, dc)) != NULL) {
            dc->unkept = 1;
            return err;
        }
    }
    /* Not kept when it fails: the directory, not the line, is at fault. */
    if (names_origin_file(cmd)) {
        if ((err = htaccess_bound(cmd, &dc->bound)) != NULL) {
            dc->unkept = 1;
            return err;
        }
        key.bound = dc->bound;
    }
    count = regex_count(cmd->pool);
    before = *count;
    compiled = *compiled_bytes(cmd->pool);
    err = apply_directive(cmd, &dc->pol, args, on);
    /* Past the per-request regex bound the line is not at fault: it depends on the other
     * files the request reads, so it is not remembered.  A line not remembered ends the
     * chain for this reading of the file (a later line must not follow the one before). */
    if (!dc->unkept && *count <= CORS_LIST_MAX) {
        dc->line = cors_htcache_add(dc->pin, dc->line, &key, err, (int)(*count - before),
                                    *compiled_bytes(cmd->pool) - compiled);
    }
    dc->unkept |= dc->line == NULL || *count > CORS_LIST_MAX;
    return err;
}

static const char *read_directive(cmd_parms *cmd, void *dconf, const char *args, int on)
{
    cors_htcache *cache;

    if (!cors_in_htaccess(cmd) || (cache = cors_main_conf()->htcache) == NULL) {
        return apply_directive(cmd, dconf, args, on);
    }
    return htaccess_line(cmd, dconf, cache, args, on);
}

static const char *read_take(cmd_parms *cmd, void *dconf, const char *args)
{
    return read_directive(cmd, dconf, args, 0);
}

static const char *read_flag(cmd_parms *cmd, void *dconf, int on)
{
    return read_directive(cmd, dconf, on ? "On" : "Off", on);
}

#define RAW(name, help) AP_INIT_RAW_ARGS(name, read_take, NULL, OR_FILEINFO, help)
#define TAKE1(name, help) AP_INIT_TAKE1(name, read_take, NULL, OR_FILEINFO, help)
#define FLAG(name, help) AP_INIT_FLAG(name, read_flag, NULL, OR_FILEINFO, help)
/* An origin back end, by its provider's name.  Not for .htaccess files unless the admin names
 * the directive in AllowOverrideList (and then files only: a database or DBM file is the
 * server's, which the back end says). */
#define SOURCE(name, provider, help) AP_INIT_RAW_ARGS(name, read_take, (void *)(provider), \
                                                      ACCESS_CONF | RSRC_CONF, help)

const command_rec cors_cmds[] = {
    FLAG("CORSEnable",
         "Off to switch the policy off below this point, On to switch it back on (a "
         "location with an origin list is on by default)"),
    RAW("CORSAllowOrigin",
        "origins allowed: https://host[:port], https://*.domain, http://host:*, *, null; "
        "+item/-item edit the inherited list"),
    RAW("CORSAllowOriginMatch",
        "regular expressions an origin must match as a whole"),
    SOURCE("CORSAllowOriginFile", "file",
          "[+]PATH: a file of origins, one per line, read again when it changes"),
    SOURCE("CORSAllowOriginMap", "dbm",
          "[+]dbm[=type]:PATH: a DBM file whose keys are the origins allowed (httxt2dbm)"),
    SOURCE("CORSAllowOriginQuery", "dbd",
          "[+]\"SQL with one %s\": an origin is allowed when the query (mod_dbd) returns a row"),
    AP_INIT_TAKE1("CORSOriginCache", set_origin_cache, NULL, RSRC_CONF,
                  "PROVIDER[:ARGS]: the mod_socache cache of CORSAllowOriginQuery answers "
                  "(shmcb, memcache, redis)"),
    AP_INIT_TAKE1("CORSOriginCacheTimeout", set_origin_cache_timeout, NULL, RSRC_CONF,
                  "seconds an answer of CORSAllowOriginQuery is kept (default 60)"),
    AP_INIT_TAKE1("CORSOriginQueryBudget", set_origin_query_budget, NULL, RSRC_CONF,
                  "origin queries one process may send a second (default 50)"),
    AP_INIT_TAKE1("CORSOriginCacheSecret", set_origin_cache_secret, NULL, RSRC_CONF,
                  "PATH: a file of at least 32 secret bytes, the same on every server sharing "
                  "a memcache or redis CORSOriginCache: answers kept there are signed with it"),
    RAW("CORSAllowMethods", "methods allowed in preflights (default GET HEAD POST)"),
    RAW("CORSAllowHeaders", "request headers allowed in preflights, or *"),
    RAW("CORSExposeHeaders", "response headers scripts may read, or *"),
    FLAG("CORSAllowCredentials",
         "On to allow cookies and HTTP authentication (Access-Control-Allow-Credentials)"),
    TAKE1("CORSMaxAge", "seconds browsers may cache a preflight answer (0..86400)"),
    TAKE1("CORSPreflightStatus",
          "status of an allowed preflight answer: 204 (default) or 200"),
    FLAG("CORSAllowPrivateNetwork",
         "On to answer Access-Control-Request-Private-Network"),
    FLAG("CORSDebug",
         "On to say in an X-CORS-Reason response header why CORS headers were not sent"),
    AP_INIT_FLAG("CORSHandlers", set_handlers, NULL, RSRC_CONF | ACCESS_CONF,
                 "On to let SetHandler cors-info and cors-metrics answer here (elsewhere they "
                 "answer 404); not in .htaccess files"),
    FLAG("CORSReportOnly",
         "On to decide and record (the log, %{cors}n, the counters) but change no response "
         "and answer no preflight"),
    FLAG("CORSTimingAllowOrigin",
         "On to send Timing-Allow-Origin with the same decision on actual responses"),
    { NULL }
};

void cors_config_post_config(apr_pool_t *pconf, server_rec *s)
{
    cors_server_conf *main_conf = ap_get_module_config(s->module_config, &cors_module);
    apr_array_header_t *levels = NULL;
    int i;

    main_conf->below = cors_suffixes_load(pconf);
    if (!main_conf->below && ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: cannot read %s (Debian's "
                     "publicsuffix package): a wildcard over a domain that holds public "
                     "suffixes (https://*.amazonaws.com) is not caught", CORS_PSL_LIST);
    }
    /* Every level read from the configuration is complete now: derive once what requests
     * need, so that none of them does it again. */
    apr_pool_userdata_get((void **)&levels, LEVELS_KEY, pconf);
    for (i = 0; levels && i < levels->nelts; i++) {
        cors_policy_seal(pconf, APR_ARRAY_IDX(levels, i, cors_policy *));
    }
}

void cors_config_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_server_conf *sconf = ap_get_module_config(s->module_config, &cors_module);

    sconf->htcache = cors_htcache_make(pchild, CORS_HTACCESS_CACHE_BYTES,
                                       cors_process_lock(pchild));
}
