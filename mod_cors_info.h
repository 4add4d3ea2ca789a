/* mod_cors_info.h - SetHandler cors-info: the policy in force for a URL after every merge, each item with the file and line that put it there. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#ifndef MOD_CORS_INFO_H
#define MOD_CORS_INFO_H

#include "httpd.h"

/*
 * GET ...?path=/api/v2/items[&origin=https://app.example.com][&method=PUT][&headers=a,b]
 * [&json] answers what a request to path on the virtual host serving r would get: the
 * sections and .htaccess files are merged by a subrequest lookup that carries the given
 * origin and method (a lookup copies the asker's own request), and the decision is made for
 * the origin.  Plain text, or JSON with Accept: application/json or &json.  The caller has
 * checked CORSHandlers.
 */
int cors_info_answer(request_rec *r);

/* fixups, first: a lookup's policy is taken as a request's is, before mod_dir swaps in an
 * index file's configuration.  Declines at once for every request but cors-info's. */
int cors_info_fixup(request_rec *r);

#endif /* MOD_CORS_INFO_H */
