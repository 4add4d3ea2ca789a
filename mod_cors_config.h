/* mod_cors_config.h - the directives: the command table, the per-directory records and their merge, and the .htaccess replay client. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_CONFIG_H
#define MOD_CORS_CONFIG_H

#include "apr_pools.h"
#include "httpd.h"
#include "http_config.h"

#include "cors.h"

extern const command_rec cors_cmds[];

void *cors_create_dir_config(apr_pool_t *p, char *dir);
void *cors_merge_dir_config(apr_pool_t *p, void *basev, void *addv);
void *cors_create_server_config(apr_pool_t *p, server_rec *s);

/* The policy in force for a per-directory record (sealed): for an .htaccess file found
 * unchanged in the cache, the policy its lines build. */
const cors_policy *cors_level_of(apr_pool_t *p, const void *record);

/* Why the .htaccess files merged into a record could not build their policy (the request
 * answers 500, as for a line httpd cannot parse), or NULL. */
const char *cors_level_failed(const void *record);

/* Whether CORSHandlers On is in force for a per-directory record. */
int cors_level_handlers(const void *record);

/* Every level read is complete: derive what requests need (post_config); each process's
 * .htaccess cache (child_init). */
void cors_config_post_config(apr_pool_t *pconf, server_rec *s);
void cors_config_child_init(apr_pool_t *pchild, server_rec *s);

#endif /* MOD_CORS_CONFIG_H */
