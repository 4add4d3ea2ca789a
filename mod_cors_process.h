/* mod_cors_process.h - per-process services of the glue: locks, pools, what is said once, the suffix list. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_PROCESS_H
#define MOD_CORS_PROCESS_H

#include "apr_pools.h"
#include "apr_thread_mutex.h"
#include "httpd.h"
#include "http_config.h"

#include "cors.h"

/* A lock for per-process state, where the MPM runs threads (NULL where it does not); and
 * taking and giving it back, doing nothing for NULL. */
apr_thread_mutex_t *cors_process_lock(apr_pool_t *pchild);
void cors_lock(apr_thread_mutex_t *m);
void cors_unlock(apr_thread_mutex_t *m);

/* A pool with an allocator of its own, for per-process state used under its lock only (or
 * by one thread, then read only), while other threads use parent's. */
apr_pool_t *cors_own_pool(apr_pool_t *parent);

/* Where a part of per-process state counts what it holds: charge says whether it may hold
 * delta bytes more (or fewer); one refused keeps what it holds.  The .htaccess cache gives
 * one to the origin files its policies read. */
typedef struct {
    int (*charge)(void *baton, apr_off_t delta);
    void *baton;
} cors_meter;

/* Whether a directive is read at request time, from an .htaccess file: the same for a line
 * httpd reads and for one the .htaccess cache applies again (whose cmd_parms pools differ
 * from httpd's, so ap_check_cmd_context(NOT_IN_HTACCESS) cannot tell). */
int cors_in_htaccess(const cmd_parms *cmd);

/* Whether this serving process says KEY now: once each, in one of three rooms of
 * CORS_SAID_MAX, so the messages .htaccess files cause never use up the server's own, nor
 * report-only's disagreements (whose keys hold origins strangers choose) either's.
 * Outside a serving process (start-up, configtest) everything is said. */
typedef enum {
    CORS_SAID_SERVER = 0,
    CORS_SAID_HTACCESS,
    CORS_SAID_REPORT
} cors_said;
#define CORS_SAID_MAX 1024
int cors_say_once(cors_said room, const char *key);

/* Whether a room holds CORS_SAID_MAX keys: nothing new is said in it by this process. */
int cors_said_full(cors_said room);

/* What the any-origin probes found of a regex, by its text, in this process: -1 not known
 * yet; and remembering it (bounded: the memory starts afresh past its size). */
int cors_regex_verdict(const char *source);
void cors_regex_remember(const char *source, int broad);

/* The domains holding public suffixes, for the directive checks: read once per configuration
 * cycle (kept on pconf), and for .htaccess files the main server's copy. */
const cors_psl_below *cors_suffixes_below(const cmd_parms *cmd);
const cors_psl_below *cors_suffixes_load(apr_pool_t *pconf);

/* The per-process state, made in each child. */
void cors_process_child_init(apr_pool_t *pchild, server_rec *s);

#endif /* MOD_CORS_PROCESS_H */
