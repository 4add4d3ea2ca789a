/* test_main.c - runs the policy core's unit tests, one file per file of the core, and prints the closing count. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_general.h>

#include "unit.h"

int main(void)
{
    apr_pool_t *p;
    unit_counts u = { 0, 0 };

    apr_initialize();
    apr_pool_create(&p, NULL);
    test_hash(p, &u);
    test_list(p, &u);
    test_index(p, &u);
    test_origin(p, &u);
    test_canon(p, &u);
    test_sql(p, &u);
    test_pcre(p, &u);
    test_level(p, &u);
    test_probe(p, &u);
    test_origins(p, &u);
    test_tokens(p, &u);
    test_set(p, &u);
    test_policy(p, &u);
    test_conf(p, &u);
    test_decide(p, &u);
    apr_pool_destroy(p);
    apr_terminate();
    printf("%u passed, %u failed\n", u.passed, u.failed);
    return u.failed ? 1 : 0;
}
