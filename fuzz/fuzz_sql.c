/* fuzz_sql.c - libFuzzer target: the CORSAllowOriginQuery check on any text. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include "fuzz_common.h"

/* Beyond "no crash, no read out of bounds, bounded time" (make's runs pass -timeout): a query
 * the check accepts holds exactly one %s and no other %, as apr_dbd needs; a refusal quotes
 * the query first, so the admin sees which. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_for_input();
    const char *sql = fuzz_string(p, data, size);
    const char *err = cors_sql_check(p, sql);
    size_t len = strlen(sql);

    if (!err) {
        const char *c = strstr(sql, "%s");
        if (!c || strstr(c + 2, "%s")) {
            __builtin_trap();
        }
        for (c = strchr(sql, '%'); c; c = strchr(c + 1, '%')) {
            if (c[1] != 's') {
                __builtin_trap();
            }
        }
    }
    else if (err[0] != '\'' || strncmp(err + 1, sql, len) != 0 || err[len + 1] != '\'') {
        __builtin_trap();
    }
    return 0;
}
