/* mod_cors_metrics.h - the counters every child of a server shares: what became of CORS requests per virtual host, and what the origin sources did; shown by mod_status and as Prometheus text. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_METRICS_H
#define MOD_CORS_METRICS_H

#include "apr_pools.h"
#include "httpd.h"

#include "cors.h"

/*
 * One anonymous shared-memory segment (apr_shm) per configuration cycle, made by the parent
 * in post_config on the configuration pool and inherited by every child it forks: its size
 * is fixed then (virtual hosts x outcomes, source kinds x results), so nothing grows at run
 * time, and a restart, graceful or not, starts every count at 0 (Prometheus reads that as a
 * counter reset; mod_cors_start_time_seconds says when).  Counting is one relaxed atomic
 * add on a 64-bit slot: no lock.
 */
typedef struct cors_metrics cors_metrics;

/* The kinds of origin source, as the counters label them: sources of every level share
 * their kind's counters (sources named in .htaccess files appear at run time, so the memory
 * could not be fixed if each had its own). */
typedef enum {
    CORS_COUNT_FILE = 0,
    CORS_COUNT_DBM,
    CORS_COUNT_QUERY,
    CORS_COUNT_CACHE,                    /* answers kept: per process and in mod_socache */
    CORS_COUNT_KINDS
} cors_count_kind;

typedef enum {
    CORS_LOOKUP_HIT = 0,                /* cache: a kept answer decided */
    CORS_LOOKUP_MISS,                   /* cache: none was kept */
    CORS_LOOKUP_DONE,                   /* file, dbm: looked up; query: sent to the database */
    CORS_LOOKUP_FAILED,                 /* could not answer (unreadable, the query failed) */
    CORS_LOOKUP_BUDGET,                 /* query: not sent, the budget spent or the breaker
                                         * open */
    CORS_LOOKUP_RESULTS
} cors_lookup_result;

/* The segment, and each virtual host's place in it (post_config, in the parent; every host
 * has a record of its own by then); NULL with the reason logged when the segment cannot be
 * made (nothing is counted then). */
cors_metrics *cors_metrics_make(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* Counting, from any thread of any child.  An outcome is counted on every CORS request, so it
 * is inline: counts is the virtual host's own block (cors_server_conf's counts, NULL when
 * nothing is counted). */
static APR_INLINE void cors_metrics_outcome(apr_uint64_t *counts, cors_outcome o, int report)
{
    if (counts && o != CORS_OUTCOME_NONE) {
        __atomic_fetch_add(&counts[(int)o * 2 + (report != 0)], 1, __ATOMIC_RELAXED);
    }
}

void cors_metrics_source(cors_count_kind kind, cors_lookup_result result);

/* The Prometheus text format (version 0.0.4), every family and label documented in
 * docs/metrics.md. */
int cors_metrics_write(request_rec *r, const cors_metrics *m);

/* mod_status's status hook: a "mod_cors" section, or CORS...: N lines for ?auto. */
int cors_metrics_status(request_rec *r, int flags);

#endif /* MOD_CORS_METRICS_H */
