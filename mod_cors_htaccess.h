/* mod_cors_htaccess.h - the per-process cache of .htaccess directive lines and the policies they build. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_HTACCESS_H
#define MOD_CORS_HTACCESS_H

#include "apr_pools.h"
#include "apr_thread_mutex.h"
#include "httpd.h"
#include "http_config.h"

#include "cors.h"
#include "mod_cors_process.h"

/*
 * httpd reads a .htaccess file again on every request and calls each directive's handler.
 * The cache remembers each CORS directive line under the line before it, so a file is a
 * chain of lines and an unchanged file walks an unchanged chain:
 *
 *   key:   (the line before, the directive, file and line number, the argument text as read)
 *   value: the line, its error if it had one, and once a request has used the chain ending
 *          at it, the sealed policy those lines build
 *
 * A line found in the chain costs one hash look-up of its text; nothing is parsed.  Any
 * change to the file changes a key, so the chain from there on is new: a policy is only
 * ever served for the text httpd has just read.  Lines and policies are immutable once
 * added, and live in a generation: when a generation outgrows its share of the bound, a new
 * one starts and the old one goes once the last request using it ends.
 */

typedef struct cors_htcache cors_htcache;
typedef struct cors_htline cors_htline;

/* One directive line as httpd handed it over. */
typedef struct {
    const command_rec *cmd;
    const char *file;
    int line_num;
    const char *args;           /* RAW_ARGS as written, TAKE1's word, "On"/"Off" for FLAG */
    int flag;
    const char *bound;          /* CORSAllowOriginFile: the real path of the directory the
                                 * file was read from when the line was first read (not part
                                 * of what identifies the line) */
} cors_htkey;

/* Applies one cached line to a policy being built in pool (see cors_htcache_policy). */
typedef const char *(*cors_htapply_fn)(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                       const cors_htkey *key, void *dconf);

/* Made at child_init: bytes is the bound on what one generation holds (see the .c file),
 * lock guards it where the MPM runs threads (NULL where it does not). */
cors_htcache *cors_htcache_make(apr_pool_t *pchild, apr_size_t bytes, apr_thread_mutex_t *lock);

/* The generation a request reads and adds to, held until rp is destroyed. */
typedef struct cors_htpin cors_htpin;
cors_htpin *cors_htcache_pin(cors_htcache *c, apr_pool_t *rp);

/* Whether a request (its pool) has read CORS lines of an .htaccess file: it pinned a
 * generation. */
int cors_htcache_pinned(apr_pool_t *rp);

/* The line key follows parent (NULL: the file's first CORS line) with, or NULL. */
const cors_htline *cors_htcache_find(cors_htpin *pin, const cors_htline *parent,
                                     const cors_htkey *key);

/* Remember a line just applied: error is what the handler returned (NULL if it took the
 * line), regexes the number of regexes it compiled and compiled the bytes they took.
 * Returns the line as kept, or NULL where it is not kept (the cache is full, or another
 * line has its key). */
const cors_htline *cors_htcache_add(cors_htpin *pin, const cors_htline *parent,
                                    const cors_htkey *key, const char *error, int regexes,
                                    apr_size_t compiled);

const char *cors_htline_error(const cors_htline *line);
int cors_htline_regexes(const cors_htline *line);

/* Apply the lines from the file's first up to line, in order, to dconf; stops at the first
 * error, which it returns (the caller makes it the file's error: the lines after it are not
 * applied). */
const char *cors_htcache_replay(const cors_htline *line, apr_pool_t *pool,
                                apr_pool_t *scratch, cors_htapply_fn apply, void *baton,
                                void *dconf);

/* The sealed policy of the lines up to line, built once per generation and then shared.
 * build replays the lines into a new level in pool, seals it and says how many bytes of
 * compiled regexes and origin lists it holds; it runs outside the cache's lock (one site's
 * edits cost that site only), and what its origin files read later is counted through meter.
 * On an error build returns NULL and sets *error.  Returns NULL where the cache keeps no
 * policy for the lines (it is full, the policy would be too large a share of it, or the
 * build failed): the caller builds its own, and *error says why the build failed, if it did. */
typedef cors_policy *(*cors_htbuild_fn)(void *baton, apr_pool_t *pool, apr_pool_t *scratch,
                                        const cors_htline *line, const cors_meter *meter,
                                        apr_size_t *compiled, const char **error);
const cors_policy *cors_htcache_policy(cors_htpin *pin, const cors_htline *line,
                                       apr_pool_t *scratch, cors_htbuild_fn build, void *baton,
                                       const char **error);

#endif
