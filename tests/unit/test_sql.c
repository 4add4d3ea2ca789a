/* test_sql.c - the CORSAllowOriginQuery check: a table of SQL texts and what cors_sql_check answers. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_strings.h>

#include "cors.h"
#include "unit.h"

/* NULL: the query is fine.  Otherwise a part of the sentence expected (every refusal quotes
 * the query, which the loop checks too). */
#define OK NULL

/* 1.3.0's sentences, kept word for word (tests/apache/ and tests/httpd/sources.sh match them). */
#define NOT_SELECT  "is not a SELECT: the query only reads (any row returned allows the origin)"
#define ONLY_PCT    "the only % it may hold is the one %s where the origin goes (apr_dbd reads every % as a parameter)"
#define ONE_PARAM   "must hold one %s, unquoted, where the origin goes (it is bound as a parameter, never pasted into the SQL)"
#define ONE_STMT    "must be one statement that only reads ("
#define PATTERN     "the origin would be a pattern (https://a_b.example matches https://a-b.example); compare with ="
/* 1.3.1's. */
#define ROWS        "any row returned allows the origin, and this query can return a row for every origin"
#define CONDITION   "any row returned allows the origin, so the origin is compared as 'column = %s'"
#define COMMENT     "holds an SQL comment"

static const struct {
    const char *sql;
    const char *want;
} cases[] = {
    /* Fine: what the README and the e2e suites use, and the shapes real schemas need. */
    { "SELECT 1 FROM tenant_origins WHERE origin = %s", OK },
    { "SELECT 1 FROM t WHERE origin = %s", OK },
    { "select 1 from t where origin=%s", OK },
    { "SELECT origin FROM tenant_origins WHERE origin = %s AND 1 = 1", OK },
    { "SELECT 1 FROM t WHERE active AND origin = %s LIMIT 1", OK },
    { "SELECT 1 FROM tenant_origins o JOIN tenants t ON t.id = o.tenant_id "
      "WHERE t.active = true AND o.origin = %s", OK },
    { "WITH x AS (SELECT origin FROM t) SELECT 1 FROM x WHERE origin = %s", OK },
    { "WITH RECURSIVE x(o) AS (SELECT origin FROM t) SELECT 1 FROM x WHERE o = %s", OK },
    { "SELECT 1 FROM t WHERE lower(origin) = %s", OK },
    { "SELECT 1 FROM t WHERE CAST(origin AS text) = %s", OK },
    { "SELECT 1 FROM t WHERE \"t\".\"origin\" = %s", OK },
    { "SELECT 1 FROM t WHERE `origin` = %s", OK },
    { "SELECT 1 FROM t WHERE [origin] = %s", OK },
    { "SELECT 1 FROM s.t WHERE s.t.origin = %s", OK },
    { "SELECT 1 FROM t WHERE (origin = %s)", OK },
    { "SELECT 1 FROM t WHERE ((origin = %s)) AND active", OK },
    { "SELECT 1 FROM t WHERE active AND (kind = 'web' AND origin = %s)", OK },
    { "SELECT 1 FROM t WHERE (a OR b) AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE origin = %s AND (a OR b)", OK },
    { "SELECT 1 FROM t WHERE created BETWEEN 1 AND 5 AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE revoked_at IS NULL AND origin = %s ORDER BY id", OK },
    { "SELECT 1 FROM t WHERE NOT revoked AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE expires IS NOT NULL AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE NOT EXISTS (SELECT 1 FROM blocked b WHERE b.o = t.origin) "
      "AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE kind IN ('a', 'b') AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE CASE WHEN a THEN true ELSE false END AND origin = %s", OK },
    { "SELECT 1 FROM (SELECT origin FROM t WHERE a OR b) x WHERE x.origin = %s", OK },
    { "SELECT 1 FROM t WHERE name = 'it''s' AND origin = %s", OK },
    { "SELECT 1 FROM t WHERE note = 'UNION, -- and ; in text' AND origin = %s", OK },
    { "SELECT origin FROM t WHERE origin = %s GROUP BY origin", OK },
    { "SELECT origin FROM t WHERE origin = %s GROUP BY origin HAVING count(*) > 0", "aggregate" },
    { "SELECT 1 FROM t WHERE origin = %s FETCH FIRST 1 ROW ONLY", OK },
    { "SELECT DISTINCT 1 FROM t WHERE origin = %s OFFSET 0", OK },
    { "(SELECT 1 FROM t WHERE origin = %s)", OK },
    { "  SELECT 1\n  FROM t\n  WHERE origin = %s\n", OK },

    /* 1.3.0's refusals, with its words. */
    { "DELETE FROM t WHERE origin = %s", NOT_SELECT },
    { "SELECTX 1 FROM t WHERE origin = %s", NOT_SELECT },
    { "VALUES (%s)", NOT_SELECT },
    { "SELECT 1 FROM t WHERE origin = %%s", ONLY_PCT },
    { "SELECT 1 FROM t WHERE origin LIKE 'a%' AND origin = %s", ONLY_PCT },
    { "SELECT 1 FROM t WHERE origin = %d", ONLY_PCT },
    { "SELECT 1 FROM t WHERE origin = '%s'", ONE_PARAM },
    { "SELECT 1 FROM t WHERE origin = \"%s\"", ONE_PARAM },
    { "SELECT 1 FROM t WHERE origin = 'x %s'", ONE_PARAM },
    { "SELECT 1 FROM t WHERE origin = %s OR origin = %s", ONE_PARAM },
    { "SELECT 1 FROM t WHERE origin = origin", ONE_PARAM },
    { "SELECT 1 FROM t WHERE origin = %s; DELETE FROM t", ONE_STMT "DELETE)" },
    { "SELECT 1 FROM t WHERE origin = %s;", ONE_STMT "';')" },
    { "WITH d AS (DELETE FROM t RETURNING origin) SELECT 1 FROM d WHERE origin = %s",
      ONE_STMT "DELETE)" },
    { "SELECT origin INTO copy FROM t WHERE origin = %s", ONE_STMT "INTO)" },
    { "SELECT 1 FROM t WHERE origin = %s FOR UPDATE", ONE_STMT "UPDATE)" },
    { "SELECT 1 FROM t WHERE origin LIKE %s", "compares the origin with LIKE: " PATTERN },
    { "SELECT 1 FROM t WHERE origin NOT ILIKE %s", "compares the origin with ILIKE: " },
    { "SELECT 1 FROM t WHERE origin SIMILAR TO %s", "compares the origin with SIMILAR TO: " },
    { "SELECT 1 FROM t WHERE origin ~ %s", "compares the origin with ~: " },
    { "SELECT 1 FROM t WHERE origin ~* %s", "compares the origin with ~*: " },
    { "SELECT 1 FROM t WHERE origin GLOB %s", "compares the origin with GLOB: " },
    { "SELECT 1 FROM t WHERE origin REGEXP %s", "compares the origin with REGEXP: " },
    { "SELECT 1 FROM t WHERE origin MATCH %s", "compares the origin with MATCH: " },

    /* The outside review of 1.3.1: any function may be an aggregate (a quoted name, one the
     * list does not know, one the admin made). */
    { "SELECT \"count\"(*) FROM t WHERE origin = %s", "brackets in its select list" },
    { "SELECT corr(1, 1) FROM t WHERE origin = %s", "brackets in its select list" },
    { "SELECT regr_count(1, 1) FROM t WHERE origin = %s", "brackets in its select list" },
    { "SELECT public.myagg(1) FROM t WHERE origin = %s", "brackets in its select list" },
    { "SELECT lower(origin) FROM t WHERE origin = %s", "brackets in its select list" },
    { "SELECT 1 FROM t WHERE origin = %s ORDER BY \"count\"(*)", "orders by a function" },
    { "SELECT 1 FROM t WHERE origin = %s ORDER BY id", OK },
    { "SELECT origin FROM t WHERE origin = %s GROUP BY origin ORDER BY lower(origin)", OK },

    /* 1.3.1: the origin's condition decides, alone among conditions joined by AND. */
    { "SELECT 1 FROM t WHERE origin = %s OR 1=1", CONDITION },
    { "SELECT 1 FROM t WHERE 1=1 OR origin = %s", CONDITION },
    { "SELECT 1 FROM t WHERE a = 1 OR b = 2 AND origin = %s", "OR is beside" },
    { "SELECT 1 FROM t WHERE a XOR origin = %s", CONDITION },
    { "SELECT 1 FROM t WHERE a || origin = %s", CONDITION },
    { "SELECT 1 FROM t WHERE NOT origin = %s", CONDITION },
    { "SELECT 1 FROM t WHERE NOT (origin = %s)", CONDITION },
    { "SELECT 1 FROM t WHERE ! (origin = %s)", CONDITION },
    { "SELECT 1 FROM t WHERE (origin = %s OR true)", "OR is beside" },
    { "SELECT 1 FROM t WHERE a AND (b OR origin = %s)", CONDITION },
    { "SELECT 1 FROM t WHERE origin = %s IS NOT NULL", CONDITION },
    { "SELECT 1 FROM t WHERE (origin = %s) IS NOT TRUE", CONDITION },
    { "SELECT 1 FROM t WHERE (origin = %s) = false", CONDITION },
    { "SELECT 1 FROM t WHERE coalesce(origin = %s, true)", CONDITION },
    { "SELECT 1 FROM t WHERE f(origin = %s)", CONDITION },
    { "SELECT 1 FROM t WHERE (a, origin = %s) = (1, true)", CONDITION },
    { "SELECT 1 FROM t WHERE CASE WHEN origin = %s THEN 1 ELSE 1 END = 1", CONDITION },
    { "SELECT 1 FROM t WHERE x BETWEEN 1 AND origin = %s", CONDITION },
    { "SELECT 1 FROM t WHERE origin <= %s", "compares the origin with '<=', not '='" },
    { "SELECT 1 FROM t WHERE origin >= %s", "with '>='" },
    { "SELECT 1 FROM t WHERE origin != %s", "with '!='" },
    { "SELECT 1 FROM t WHERE origin <> %s", "with '<>'" },
    { "SELECT 1 FROM t WHERE origin == %s", "with '=='" },
    { "SELECT 1 FROM t WHERE origin <=> %s", "with '<=>'" },
    { "SELECT 1 FROM t WHERE origin IN (%s)", CONDITION },
    { "SELECT 1 FROM t WHERE %s = origin", CONDITION },
    { "SELECT 1 FROM t WHERE 'https://a.example' = %s", "is not a column" },
    { "SELECT 1 FROM t WHERE 1 = %s", "is not a column" },
    { "SELECT 1 FROM t WHERE true = %s", "is not a column" },
    { "SELECT 1 FROM t WHERE origin = %s COLLATE \"C\"", CONDITION },
    { "SELECT 1 FROM t WHERE origin = %s::text", CONDITION },
    { "SELECT 1 FROM t WHERE origin::text = %s", CONDITION },
    { "SELECT 1 FROM t WHERE origin = %s || ''", CONDITION },
    { "SELECT 1 FROM t WHERE a = origin = %s", CONDITION },

    /* 1.3.1: queries that return a row whatever the origin. */
    { "SELECT count(*) FROM t WHERE origin = %s", "has the aggregate count() in its "
      "outermost SELECT (count() over no rows is still a row): " ROWS },
    { "SELECT COUNT(1) FROM t WHERE origin = %s", ROWS },
    { "SELECT max(id) FROM t WHERE origin = %s", ROWS },
    { "SELECT coalesce(sum(n), 0) FROM t WHERE origin = %s", ROWS },
    { "SELECT bool_or(true) FROM t WHERE origin = %s", ROWS },
    { "SELECT group_concat(origin) FROM t WHERE origin = %s", ROWS },
    { "SELECT total(n) FROM t WHERE origin = %s", ROWS },
    { "SELECT 1 FROM t WHERE origin = %s ORDER BY count(*)", ROWS },
    { "SELECT 1 FROM t WHERE origin = %s HAVING true", ROWS },
    { "SELECT 1 FROM t WHERE origin = %s GROUP BY ()", ROWS },
    { "SELECT 1 FROM t WHERE origin = %s GROUP BY ROLLUP (origin)", ROWS },
    { "SELECT EXISTS(SELECT 1 FROM t WHERE origin = %s)", "selects EXISTS(...)" },
    { "SELECT NOT EXISTS (SELECT 1 FROM t WHERE origin = %s)", "selects EXISTS(...)" },
    { "SELECT (SELECT 1 FROM t WHERE origin = %s)", "elsewhere than in the outermost" },
    { "SELECT 1 WHERE EXISTS (SELECT 1 FROM t WHERE origin = %s)", "elsewhere than" },
    { "SELECT 1 FROM t WHERE id IN (SELECT id FROM u WHERE origin = %s)", "elsewhere than" },
    { "WITH x AS (SELECT origin FROM t WHERE origin = %s) SELECT 1 FROM x", "elsewhere" },
    { "SELECT 1 FROM t JOIN u ON u.origin = %s", "elsewhere than" },
    { "SELECT 1 FROM t WHERE origin = %s UNION SELECT 1", "combines queries with UNION" },
    { "SELECT 1 FROM t WHERE origin = %s UNION ALL SELECT 1 FROM u", ROWS },
    { "SELECT 1 FROM t WHERE origin = %s INTERSECT SELECT 1", "with INTERSECT" },
    { "SELECT 1 FROM t WHERE origin = %s EXCEPT SELECT 2", "with EXCEPT" },
    { "SELECT 1 FROM (SELECT 1 UNION SELECT 2) x WHERE origin = %s", "UNION" },
    { "(SELECT 1 FROM t WHERE origin = %s) UNION (SELECT 1)", "UNION" },

    /* What databases read differently, refused rather than guessed at. */
    { "SELECT 1 FROM t WHERE origin = %s -- OR 1=1", COMMENT },
    { "SELECT 1 FROM t WHERE origin = %s /* x */", COMMENT },
    { "/* x */ SELECT 1 FROM t WHERE origin = %s", NOT_SELECT },
    { "SELECT 1 FROM t WHERE origin = %s # note", COMMENT },
    { "SELECT 1 FROM t WHERE origin =--\n%s", COMMENT },
    { "SELECT 1 FROM t WHERE note = 'a\\' AND origin = %s", "backslash in quotes" },
    { "SELECT 1 FROM t WHERE note = $$x$$ AND origin = %s", "holds '$'" },
    { "SELECT 1 FROM t WHERE origin = %s AND id = $1", "holds '$'" },
    { "SELECT 1 FROM t WHERE origin = %s AND id = ?", "holds '?'" },
    { "SELECT 1 FROM t WHERE origin = %s AND note = 'open", "quote (') that is not closed" },
    { "SELECT 1 FROM t WHERE origin = %s AND \"open = 1", "quote (\") that is not closed" },
    { "SELECT 1 FROM t WHERE (origin = %s", "parentheses (or CASE ... END) do not match" },
    { "SELECT 1 FROM t WHERE origin = %s)", "do not match" },
    { "SELECT 1 FROM t WHERE CASE WHEN a THEN 1 AND origin = %s", "do not match" },
    { "SELECT 1 FROM t WHERE origin = %s AND x = {1}", "not SQL here (byte 0x7b" },
    { "SELECT 1 FROM t WHERE origin = %s AND x = \001", "not SQL here (byte 0x01" },
};

void test_sql(apr_pool_t *p, unit_counts *u)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = cors_sql_check(p, cases[i].sql);
        if (!cases[i].want) {
            CHECK(u, got == NULL, "'%s' should pass, got: %s", cases[i].sql, got);
            continue;
        }
        CHECK(u, got && strstr(got, cases[i].want), "'%s': want '...%s...', got: %s",
              cases[i].sql, cases[i].want, got ? got : "(accepted)");
        CHECK(u, got && strncmp(got, apr_psprintf(p, "'%s'", cases[i].sql),
                                strlen(cases[i].sql) + 2) == 0,
              "'%s': the sentence quotes the query first: %s", cases[i].sql,
              got ? got : "(accepted)");
    }
    {
        /* Long and deep input costs what it is long: brackets 20,000 deep around the origin's
         * condition, and a long run of conditions. */
        size_t n = 20000, len = strlen("SELECT 1 FROM t WHERE ") + 2 * n + 16, k;
        char *deep = apr_palloc(p, len), *o = deep;
        o += sprintf(o, "SELECT 1 FROM t WHERE ");
        for (k = 0; k < n; k++) {
            *o++ = '(';
        }
        o += sprintf(o, "origin = %%s");
        for (k = 0; k < n; k++) {
            *o++ = ')';
        }
        *o = '\0';
        CHECK(u, cors_sql_check(p, deep) == NULL, "20,000 plain brackets around the condition");
        deep[strlen("SELECT 1 FROM t WHERE ")] = '!';
        CHECK(u, cors_sql_check(p, deep) != NULL, "... under a NOT (!) they are refused");
        /* The same around the whole statement. */
        o = deep;
        for (k = 0; k < n; k++) {
            *o++ = '(';
        }
        o += sprintf(o, "SELECT 1 FROM t WHERE origin = %%s");
        for (k = 0; k < n; k++) {
            *o++ = ')';
        }
        *o = '\0';
        CHECK(u, cors_sql_check(p, deep) == NULL, "a statement in 20,000 brackets");
    }
}
