/* mod_cors.h - what every file of the glue shares: the module record and the per-server record. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_H
#define MOD_CORS_H

#include "httpd.h"
#include "http_config.h"
#include "util_filter.h"

#include "cors.h"

/*
 * The glue's files, each behind a header of its own, from the top down (a file calls only
 * files below it):
 *
 *   mod_cors.c              the module record, the hooks in phase order, the request path
 *   mod_cors_info.c         cors-info: the policy in force for a URL, and which lines made it
 *   mod_cors_startup.c      what start-up checks and says of every level it can see
 *   mod_cors_config.c       the directives, create/merge, the .htaccess replay client
 *   mod_cors_source_*.c     the origin back ends, providers of "cors_origin_source"
 *   mod_cors_sources.c      what the back ends share: answers kept, the budget, the breaker
 *   mod_cors_htaccess.c     the per-process cache of .htaccess lines and their policies
 *   mod_cors_store.c        the server's shared memory
 *   mod_cors_metrics.c      the shared counters, for mod_status and Prometheus
 *   mod_cors_process.c      per-process services: locks, said-once, pools, the suffix list
 */

extern module AP_MODULE_DECLARE_DATA cors_module;

typedef struct cors_process cors_process;
struct cors_htcache;
struct cors_sources_env;
struct cors_metrics;

/* Per virtual host: what is not policy.  The main server's also holds what a serving
 * process keeps (made at child_init), reached through ap_server_conf. */
typedef struct {
    ap_filter_rec_t *filter;            /* looked up once at post_config */
    const cors_psl_below *below;        /* main: the suffix list, for .htaccess files */
    cors_process *process;              /* main: said-once rooms, regex verdicts */
    struct cors_htcache *htcache;       /* main: the .htaccess cache */
    struct cors_sources_env *sources;   /* main: what the origin back ends share */
    struct cors_metrics *metrics;       /* main: the shared counters (post_config) */
    int slot;                           /* this virtual host's place among the counters */
    apr_uint64_t *counts;               /* its outcomes' counters there, or NULL */
} cors_server_conf;

/* The main server's record, where a serving process keeps what it shares. */
cors_server_conf *cors_main_conf(void);

#endif /* MOD_CORS_H */
