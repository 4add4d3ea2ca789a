/* mod_cors_startup.h - what start-up checks and says of every level of configuration it can see. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_STARTUP_H
#define MOD_CORS_STARTUP_H

#include "apr_pools.h"
#include "httpd.h"

/* Contradictions only merged levels show, logged (non-zero: start-up refused), and the
 * warnings of each level (check_config). */
int cors_startup_check(apr_pool_t *ptemp, server_rec *s);

/* One line per level that says something, with the policy in force there, at info. */
void cors_startup_summary(apr_pool_t *ptemp, server_rec *s);

#endif /* MOD_CORS_STARTUP_H */
