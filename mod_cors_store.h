/* mod_cors_store.h - the server's shared memory: what every child process must see alike, kept across graceful restarts. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_STORE_H
#define MOD_CORS_STORE_H

#include "apr_pools.h"
#include "httpd.h"

/*
 * One anonymous shared-memory segment (apr_shm), made by the parent on the process pool the
 * first time the configuration needs it and inherited by every child it forks: it outlives
 * a graceful or full restart (only stopping httpd ends it), and it never grows.  It holds:
 *
 *   listed   the origins a database listed (keyed fingerprints, not the origins): a child
 *            that never asked for an origin still knows that it was listed, so a flood of
 *            strangers' origins cannot make it compete with them for the query budget.
 *
 * Fingerprints are keyed by a secret drawn when the segment is made: nobody can choose an
 * origin whose fingerprint is a tenant's.  Slots are read and written with atomic operations;
 * no lock is taken.
 */
typedef struct cors_store cors_store;

/* The store, made on first use (post_config, in the parent); NULL with the reason logged
 * when the segment cannot be made. */
cors_store *cors_store_attach(server_rec *s);

/* A keyed fingerprint of the bytes of parts (NULL-ended list of strings), never 0. */
apr_uint64_t cors_store_fingerprint(const cors_store *st, const char *const *parts);

/* Whether fingerprint fp is in the listed set; and putting it in (listed) or taking it out.
 * The set holds a fixed number of fingerprints: when full, a new one replaces an old one. */
int cors_store_listed(const cors_store *st, apr_uint64_t fp);
void cors_store_set_listed(cors_store *st, apr_uint64_t fp, int listed);

#endif /* MOD_CORS_STORE_H */
