/* test_main.c - runs the policy core's unit tests and prints the closing count. */
#include <apr_general.h>

#include "unit.h"

void test_core(apr_pool_t *p, unit_counts *u);
void test_canon(apr_pool_t *p, unit_counts *u);
void test_sql(apr_pool_t *p, unit_counts *u);

int main(void)
{
    apr_pool_t *p;
    unit_counts u = { 0, 0 };

    apr_initialize();
    apr_pool_create(&p, NULL);
    test_core(p, &u);
    test_canon(p, &u);
    test_sql(p, &u);
    apr_pool_destroy(p);
    apr_terminate();
    printf("%u passed, %u failed\n", u.passed, u.failed);
    return u.failed ? 1 : 0;
}
