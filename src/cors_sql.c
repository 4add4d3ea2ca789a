/* cors_sql.c - the check of a CORSAllowOriginQuery's SQL: one read-only SELECT whose rows exist only for the origin it names. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * Any row the query returns allows the origin, so the query must return none for an origin
 * nobody listed: the origin is compared as "column = %s", one of the conditions the
 * outermost SELECT's WHERE clause joins with AND, and nothing in the query can produce a row
 * without that condition (OR beside it, NOT or CASE around it, an aggregate, EXISTS or UNION
 * in the outermost SELECT).  The text is read as tokens, as the database reads it: words in
 * quotes are names or text, never keywords.  What two databases read differently (a
 * backslash in quotes, comments, dollar quoting) is refused rather than guessed at.
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

typedef enum {
    TK_WORD,                    /* a keyword or a name */
    TK_NAME,                    /* a quoted name: "x", `x`, [x] */
    TK_STRING,                  /* '...' */
    TK_NUMBER,
    TK_PARAM,                   /* the %s */
    TK_OP,                      /* a run of operator characters: =, <=, ||, ::, ~* */
    TK_OPEN,
    TK_CLOSE,
    TK_COMMA,
    TK_DOT,
    TK_SEMI
} tok_kind;

/* What a bracket (a parenthesis, or CASE ... END) encloses. */
typedef enum {
    GROUP_PAREN = 0,            /* grouping, a call's arguments, a list */
    GROUP_SUBQUERY,             /* ( SELECT ... ), ( WITH ... ), ( VALUES ... ) */
    GROUP_CASE
} group_kind;

typedef struct {
    tok_kind kind;
    const char *s;
    size_t len;
    int depth;                  /* brackets around it (CASE ... END counts as one) */
    int in_subquery;            /* one of them is a subquery's */
    int match;                  /* a bracket's other end (index) */
    group_kind group;           /* opening brackets: what they enclose */
    unsigned int or_inside : 1;     /* opening brackets: OR, XOR or || at their own level */
    unsigned int comma_inside : 1;  /* opening brackets: a comma at their own level */
    unsigned int between_and : 1;   /* an AND that ends "x BETWEEN a AND b" */
} tok;

typedef struct {
    apr_pool_t *p;
    const char *sql;
    tok *t;
    int n;
} query;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || (unsigned char)c >= 0x80;
}

static int is_word_char(char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int is_op_char(char c)
{
    return c != '\0' && strchr("<>=!~|&^@:+-*/", c) != NULL;
}

static int is_word(const tok *t, const char *w)
{
    size_t len = strlen(w);

    return t->kind == TK_WORD && t->len == len && cors_equal_nocase(t->s, w, len);
}

static int is_op(const tok *t, const char *op)
{
    return t->kind == TK_OP && t->len == strlen(op) && memcmp(t->s, op, t->len) == 0;
}

/* What joins conditions so that one alone may decide. */
static int is_or(const tok *t)
{
    return is_word(t, "OR") || is_word(t, "XOR") || is_op(t, "||");
}

/* The word of words (upper case, NULL-ended) that t is, or NULL. */
static const char *word_in(const tok *t, const char *const *words)
{
    for (; *words; words++) {
        if (is_word(t, *words)) {
            return *words;
        }
    }
    return NULL;
}

static const char *const writes[] = {
    "INSERT", "UPDATE", "DELETE", "MERGE", "DROP", "ALTER", "CREATE", "TRUNCATE", "GRANT",
    "REVOKE", "INTO", "CALL", "EXEC", "EXECUTE", "COPY", "LOCK", "SET", "ATTACH", "DETACH",
    "PRAGMA", "VACUUM", "REINDEX", "UPSERT", NULL
};

/* A row for every group, and a query without GROUP BY is one group: one row even when no
 * row matched. */
static const char *const aggregates[] = {
    "COUNT", "SUM", "MIN", "MAX", "AVG", "BOOL_OR", "BOOL_AND", "EVERY", "ARRAY_AGG",
    "STRING_AGG", "JSON_AGG", "JSONB_AGG", "JSON_OBJECT_AGG", "JSONB_OBJECT_AGG",
    "GROUP_CONCAT", "TOTAL", "XMLAGG", "LISTAGG", "JSON_GROUP_ARRAY", "JSON_GROUP_OBJECT",
    "JSON_ARRAYAGG", "JSON_OBJECTAGG", "BIT_AND", "BIT_OR", "BIT_XOR", "STDDEV",
    "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "ANY_VALUE", "MODE",
    "PERCENTILE_CONT", "PERCENTILE_DISC", NULL
};

/* Comparisons that read the origin as a pattern (the word before %s). */
static const char *const patterns[] = {
    "LIKE", "ILIKE", "SIMILAR", "TO", "GLOB", "REGEXP", "RLIKE", "MATCH", "AGAINST", NULL
};

/* Where the outermost WHERE clause ends. */
static const char *const clause_ends[] = {
    "GROUP", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "HAVING", "WINDOW", "UNION",
    "INTERSECT", "EXCEPT", "MINUS", "RETURNING", NULL
};

/* What may follow the origin's condition at the WHERE clause's own level. */
static const char *const after_condition[] = {
    "GROUP", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", NULL
};

/* Words that are no column: a condition "NOT = %s" or "END = %s" is not a comparison of a
 * column with the origin. */
static const char *const not_columns[] = {
    "ALL", "AND", "ANY", "AS", "BETWEEN", "BY", "CASE", "DISTINCT", "ELSE", "END", "EXISTS",
    "FALSE", "FROM", "IN", "IS", "LIKE", "NOT", "NULL", "ON", "OR", "SELECT", "SOME", "THEN",
    "TRUE", "WHEN", "WHERE", "XOR", "UNKNOWN", NULL
};

static const char *refuse_comment(const query *q)
{
    return apr_psprintf(q->p, "'%s' holds an SQL comment (--, # or /* */): write it without "
                        "comments (a comment hides text from the database, not from this "
                        "check, which would then judge a query the database never runs)",
                        q->sql);
}

/* Reads q->sql into tokens; NULL, or the sentence saying what cannot be read. */
static const char *tokenize(query *q)
{
    const char *c = q->sql;
    size_t cap = strlen(q->sql) + 1;

    q->t = apr_pcalloc(q->p, cap * sizeof(tok));
    q->n = 0;
    while (*c) {
        tok *t = &q->t[q->n];
        const char *start = c;

        if (is_space(*c)) {
            c++;
            continue;
        }
        if ((c[0] == '-' && c[1] == '-') || (c[0] == '/' && c[1] == '*') || c[0] == '#') {
            return refuse_comment(q);
        }
        if (*c == '\'' || *c == '"' || *c == '`' || *c == '[') {
            char close = *c;
            if (close == '[') {
                close = ']';
            }
            for (c++; *c && !(c[0] == close && c[1] != close); c += c[0] == close ? 2 : 1) {
                if (*c == '\\') {
                    return apr_psprintf(q->p, "'%s' has a backslash in quotes, which MySQL "
                                        "reads as an escape and other databases as text: "
                                        "write the text without it", q->sql);
                }
            }
            if (!*c) {
                return apr_psprintf(q->p, "'%s' has a quote (%c) that is not closed",
                                    q->sql, *start);
            }
            c++;
            t->kind = *start == '\'' ? TK_STRING : TK_NAME;
        }
        else if (c[0] == '%' && c[1] == 's') {
            c += 2;
            t->kind = TK_PARAM;
        }
        else if (is_word_start(*c)) {
            while (is_word_char(*c)) {
                c++;
            }
            t->kind = TK_WORD;
        }
        else if (*c >= '0' && *c <= '9') {
            while (is_word_char(*c) || (*c >= '0' && *c <= '9') || *c == '.') {
                c++;
            }
            t->kind = TK_NUMBER;
        }
        else if (is_op_char(*c)) {
            /* A comment may start inside a run of operators ("=--"): it ends the run. */
            while (is_op_char(*c) && !(c[0] == '-' && c[1] == '-')
                   && !(c[0] == '/' && c[1] == '*')) {
                c++;
            }
            t->kind = TK_OP;
        }
        else if (*c == '(' || *c == ')' || *c == ',' || *c == '.' || *c == ';') {
            t->kind = *c == '(' ? TK_OPEN : *c == ')' ? TK_CLOSE : *c == ',' ? TK_COMMA
                      : *c == '.' ? TK_DOT : TK_SEMI;
            c++;
        }
        else if (*c == '$') {
            return apr_psprintf(q->p, "'%s' holds '$' (dollar quoting, or a $1 parameter): "
                                "write text in single quotes; the one parameter is %%s", q->sql);
        }
        else if (*c == '?') {
            return apr_psprintf(q->p, "'%s' holds '?', a parameter to some drivers: the one "
                                "parameter is %%s", q->sql);
        }
        else {
            return apr_psprintf(q->p, "'%s' holds a character that is not SQL here (byte "
                                "0x%02x at offset %lu)", q->sql, (unsigned int)(unsigned char)*c,
                                (unsigned long)(c - q->sql));
        }
        t->s = start;
        t->len = (size_t)(c - start);
        t->match = -1;
        q->n++;
    }
    return NULL;
}

/* Brackets: depths, pairs, what each encloses and what its own level holds.  One pass, so a
 * query of deep brackets costs what it is long. */
static const char *nest(query *q)
{
    int *stack = apr_palloc(q->p, ((size_t)q->n + 1) * sizeof(int));
    int top = 0, subqueries = 0, i;
    int between = 0;            /* "x BETWEEN a" seen at the outermost level, AND pending */
    int *between_at = apr_pcalloc(q->p, ((size_t)q->n + 1) * sizeof(int));

    for (i = 0; i < q->n; i++) {
        tok *t = &q->t[i];
        int closes = t->kind == TK_CLOSE || is_word(t, "END");
        int *pending = top ? &between_at[top] : &between;

        if (closes) {
            tok *open;
            if (top == 0 || (q->t[stack[top - 1]].group == GROUP_CASE) != is_word(t, "END")) {
                if (t->kind == TK_CLOSE || top > 0) {
                    return apr_psprintf(q->p, "'%s': its parentheses (or CASE ... END) do "
                                        "not match", q->sql);
                }
                continue;   /* END outside CASE: not a bracket (no SELECT has one) */
            }
            open = &q->t[stack[--top]];
            open->match = i;
            t->match = stack[top];
            if (open->group == GROUP_SUBQUERY) {
                subqueries--;
            }
        }
        t->depth = top;
        t->in_subquery = subqueries > 0;
        if (top > 0 && is_or(t)) {
            q->t[stack[top - 1]].or_inside = 1;
        }
        if (top > 0 && t->kind == TK_COMMA) {
            q->t[stack[top - 1]].comma_inside = 1;
        }
        if (is_word(t, "BETWEEN")) {
            *pending = 1;
        }
        else if (is_word(t, "AND") && *pending) {
            t->between_and = 1;
            *pending = 0;
        }
        if (t->kind == TK_OPEN || is_word(t, "CASE")) {
            const tok *next = i + 1 < q->n ? &q->t[i + 1] : NULL;
            t->group = is_word(t, "CASE") ? GROUP_CASE
                       : next && (is_word(next, "SELECT") || is_word(next, "WITH")
                                  || is_word(next, "VALUES")) ? GROUP_SUBQUERY : GROUP_PAREN;
            if (t->group == GROUP_SUBQUERY) {
                subqueries++;
            }
            stack[top++] = i;
            between_at[top] = 0;
        }
    }
    if (top) {
        return apr_psprintf(q->p, "'%s': its parentheses (or CASE ... END) do not match",
                            q->sql);
    }
    return NULL;
}

/* A statement in parentheses, "((SELECT ...))", is that statement: the outer pairs are
 * taken off in one pass, whatever their number. */
static void unwrap(query *q)
{
    int k = 0, i;

    while (2 * k + 1 < q->n && q->t[k].kind == TK_OPEN && q->t[k].match == q->n - 1 - k) {
        k++;
    }
    if (k == 0) {
        return;
    }
    q->t += k;
    q->n -= 2 * k;
    for (i = 0; i < q->n; i++) {
        q->t[i].depth -= k;
        if (q->t[i].match >= 0) {
            q->t[i].match -= k;
        }
        q->t[i].in_subquery = 0;
    }
    /* What was inside the outer parentheses is the outermost statement now. */
    for (i = 0; i < q->n; i++) {
        if (q->t[i].kind == TK_OPEN && q->t[i].group == GROUP_SUBQUERY) {
            int j;
            for (j = i + 1; j < q->t[i].match; j++) {
                q->t[j].in_subquery = 1;
            }
            i = q->t[i].match;
        }
    }
}

static const char *refuse_rows(const query *q, const char *what)
{
    return apr_psprintf(q->p, "'%s' %s: any row returned allows the origin, and this query "
                        "can return a row for every origin; write SELECT 1 FROM table WHERE "
                        "column = %%s (other conditions joined with AND)", q->sql, what);
}

static const char *refuse_condition(const query *q, const char *what)
{
    return apr_psprintf(q->p, "'%s': %s: any row returned allows the origin, so the origin "
                        "is compared as 'column = %%s', one of the conditions the outermost "
                        "WHERE clause joins with AND (no OR beside it, nothing around it but "
                        "parentheses)", q->sql, what);
}

/* Does the token at i end a condition at its level: AND (not BETWEEN's), ")" closing the
 * bracket around it, or (at the WHERE clause's level) the clause's end. */
static int ends_condition(const query *q, int i, int depth)
{
    if (i >= q->n) {
        return depth == 0;
    }
    if (is_word(&q->t[i], "AND") && !q->t[i].between_and) {
        return 1;
    }
    if (q->t[i].kind == TK_CLOSE) {
        return depth > 0;
    }
    return depth == 0 && word_in(&q->t[i], after_condition) != NULL;
}

/* Does the token at i start a condition: WHERE (the outermost one, where_at), AND (not
 * BETWEEN's), or "(". */
static int starts_condition(const query *q, int i, int where_at)
{
    if (i < 0) {
        return 0;
    }
    return i == where_at || (is_word(&q->t[i], "AND") && !q->t[i].between_and)
           || q->t[i].kind == TK_OPEN;
}

static int is_name(const tok *t)
{
    return (t->kind == TK_WORD && !word_in(t, not_columns)) || t->kind == TK_NAME;
}

/* The first token of the column reference that ends at i ("origin", "t.origin",
 * "lower(o.origin)", "CAST(origin AS text)"), or -1. */
static int column_start(const query *q, int i)
{
    if (i < 0) {
        return -1;
    }
    if (q->t[i].kind == TK_CLOSE) {
        int open = q->t[i].match;
        if (q->t[open].group != GROUP_PAREN || open < 1
            || !(is_name(&q->t[open - 1]) || is_word(&q->t[open - 1], "CAST"))) {
            return -1;
        }
        i = open - 1;
    }
    else if (!is_name(&q->t[i])) {
        return -1;
    }
    while (i >= 2 && q->t[i - 1].kind == TK_DOT && is_name(&q->t[i - 2])) {
        i -= 2;
    }
    return i;
}

/* The outermost SELECT: aggregates, EXISTS, UNION and where the origin is compared. */
static const char *check_shape(query *q)
{
    int i, select_at = -1, where_at = -1, where_end, param = -1, group_by = 0, col, at;
    int from_seen = 0, order_seen = 0;

    for (i = 0; i < q->n; i++) {
        const tok *t = &q->t[i];
        if (is_word(t, "UNION") || is_word(t, "INTERSECT") || is_word(t, "EXCEPT")
            || is_word(t, "MINUS")) {
            return refuse_rows(q, apr_psprintf(q->p, "combines queries with %.*s",
                                               (int)t->len, t->s));
        }
        if (t->kind == TK_PARAM) {
            param = i;
        }
        if (select_at < 0 && t->depth == 0 && is_word(t, "SELECT")) {
            select_at = i;
        }
    }
    if (select_at < 0 || (select_at > 0 && !is_word(&q->t[0], "WITH"))) {
        return apr_psprintf(q->p, "'%s' is not a SELECT: the query only reads (any row "
                            "returned allows the origin)", q->sql);
    }
    for (i = select_at + 1; i < q->n; i++) {
        const tok *t = &q->t[i];
        if (t->in_subquery) {
            continue;
        }
        if (t->kind == TK_WORD && word_in(t, aggregates) && i + 1 < q->n
            && q->t[i + 1].kind == TK_OPEN) {
            return refuse_rows(q, apr_psprintf(q->p, "has the aggregate %.*s() in its "
                                               "outermost SELECT (%.*s() over no rows is "
                                               "still a row)", (int)t->len, t->s,
                                               (int)t->len, t->s));
        }
        from_seen |= t->depth == 0 && is_word(t, "FROM");
        if (is_word(t, "EXISTS") && !from_seen && where_at < 0) {
            return refuse_rows(q, "selects EXISTS(...) (a row holding true or false)");
        }
        /* Any function may be an aggregate (a quoted name, the database's own, one the
         * admin made): none in the select list, nor in ORDER BY without GROUP BY. */
        if (t->kind == TK_OPEN && !from_seen && where_at < 0
            && !(i + 1 < q->n && q->t[i + 1].in_subquery)) {
            return refuse_rows(q, "has brackets in its select list (a function there may be "
                               "an aggregate, and over no rows an aggregate is still a row; "
                               "select a constant or a column)");
        }
        order_seen |= t->depth == 0 && is_word(t, "ORDER");
        if (t->kind == TK_OPEN && order_seen && !group_by && i > 0 && is_name(&q->t[i - 1])) {
            return refuse_rows(q, "orders by a function without GROUP BY (an aggregate there "
                               "makes the whole query one group, a row even of no rows)");
        }
        if (t->depth == 0 && is_word(t, "WHERE") && where_at < 0) {
            where_at = i;
        }
        if (t->depth == 0 && is_word(t, "GROUP")) {
            group_by = 1;
            if (i + 3 < q->n && q->t[i + 2].kind == TK_OPEN && q->t[i + 3].kind == TK_CLOSE) {
                return refuse_rows(q, "groups by () (one group, a row, even of no rows)");
            }
        }
        if (t->depth == 0 && (is_word(t, "ROLLUP") || is_word(t, "CUBE")
                              || is_word(t, "GROUPING"))) {
            return refuse_rows(q, apr_psprintf(q->p, "groups with %.*s (a total row, even "
                                               "of no rows)", (int)t->len, t->s));
        }
        if (t->depth == 0 && is_word(t, "HAVING") && !group_by) {
            return refuse_rows(q, "has HAVING without GROUP BY (the whole query is one "
                               "group, a row even of no rows)");
        }
    }
    if (where_at < 0 || param < where_at || q->t[param].in_subquery) {
        return refuse_rows(q, "compares the origin elsewhere than in the outermost SELECT's "
                           "WHERE clause");
    }
    for (where_end = where_at + 1; where_end < q->n; where_end++) {
        const tok *t = &q->t[where_end];
        if (t->depth == 0 && word_in(t, clause_ends)) {
            break;
        }
        if (t->depth == 0 && is_or(t)) {
            return refuse_condition(q, apr_psprintf(q->p, "%.*s is beside the origin's "
                                                    "condition (OR, XOR and MySQL's || join "
                                                    "conditions)", (int)t->len, t->s));
        }
    }
    if (param > where_end) {
        return refuse_rows(q, "compares the origin elsewhere than in the outermost SELECT's "
                           "WHERE clause");
    }
    /* The condition itself: column = %s, between the marks of a condition's start and end. */
    if (!is_op(&q->t[param - 1], "=")) {
        if (q->t[param - 1].kind == TK_OP) {
            return refuse_condition(q, apr_psprintf(q->p, "it compares the origin with "
                                                    "'%.*s', not '='",
                                                    (int)q->t[param - 1].len,
                                                    q->t[param - 1].s));
        }
        return refuse_condition(q, "the origin is not compared with '='");
    }
    col = column_start(q, param - 2);
    if (col < 0) {
        return refuse_condition(q, "what it compares with the origin is not a column (or a "
                                "function of one)");
    }
    if (!starts_condition(q, col - 1, where_at) || !ends_condition(q, param + 1,
                                                                   q->t[param].depth)) {
        const tok *next = param + 1 < q->n ? &q->t[param + 1] : NULL;
        if (is_or(&q->t[col - 1]) || (next && is_or(next))) {
            return refuse_condition(q, "OR is beside the origin's condition");
        }
        return refuse_condition(q, "the comparison with the origin is part of a larger "
                                "expression");
    }
    /* Each bracket around it: plain parentheses, themselves a condition of their level. */
    for (at = col - 1; at > where_at; at--) {
        const tok *open = &q->t[at];
        if (open->depth >= q->t[param].depth || open->match < param
            || !(open->kind == TK_OPEN || is_word(open, "CASE"))) {
            continue;
        }
        if (open->group != GROUP_PAREN || open->or_inside || open->comma_inside
            || !starts_condition(q, at - 1, where_at)
            || !ends_condition(q, open->match + 1, open->depth)) {
            return refuse_condition(q, open->or_inside ? "OR is beside the origin's condition"
                                    : "the brackets around the origin's condition are more "
                                      "than grouping");
        }
    }
    return NULL;
}

const char *cors_sql_check(apr_pool_t *p, const char *sql)
{
    query q;
    const char *pct = strstr(sql, "%s"), *c, *err, *write = NULL;
    size_t lead = strspn(sql, " \t\r\n(");
    int i, semicolon = 0, before = -1;

    /* The first checks, with the words admins and tests know. */
    if (!((strncasecmp(sql + lead, "select", 6) == 0 && !is_word_char(sql[lead + 6]))
          || (strncasecmp(sql + lead, "with", 4) == 0 && !is_word_char(sql[lead + 4])))) {
        return apr_psprintf(p, "'%s' is not a SELECT: the query only reads (any row returned "
                            "allows the origin)", sql);
    }
    for (c = strchr(sql, '%'); c; c = strchr(c + 1, '%')) {
        if (c[1] != 's') {
            return apr_psprintf(p, "'%s': the only %% it may hold is the one %%s where the "
                                "origin goes (apr_dbd reads every %% as a parameter)", sql);
        }
    }
    if (!pct || strstr(pct + 2, "%s") || (pct > sql && (pct[-1] == '\'' || pct[-1] == '"'))
        || pct[2] == '\'' || pct[2] == '"') {
        return apr_psprintf(p, "'%s' must hold one %%s, unquoted, where the origin goes (it is "
                            "bound as a parameter, never pasted into the SQL)", sql);
    }
    q.p = p;
    q.sql = sql;
    if ((err = tokenize(&q)) != NULL) {
        return err;
    }
    for (i = 0; i < q.n; i++) {
        const tok *t = &q.t[i];
        if (t->kind == TK_PARAM) {
            before = i;
        }
        if (!write && t->kind == TK_WORD) {
            write = word_in(t, writes);
        }
        semicolon |= t->kind == TK_SEMI;
    }
    if (before < 0) {
        return apr_psprintf(p, "'%s' must hold one %%s, unquoted, where the origin goes (it is "
                            "bound as a parameter, never pasted into the SQL)", sql);
    }
    if (write || semicolon) {
        return apr_psprintf(p, "'%s' must be one statement that only reads (%s): the query "
                            "is sent for every origin not in the cache", sql,
                            write ? write : "';'");
    }
    /* The word (or ~ operator) nearest before %s. */
    for (i = before - 1; i >= 0; i--) {
        const tok *t = &q.t[i];
        if (t->kind == TK_WORD || (t->kind == TK_OP && memchr(t->s, '~', t->len))) {
            if ((t->kind == TK_OP || word_in(t, patterns))) {
                const char *how = apr_pstrmemdup(p, t->s, t->len);
                if (is_word(t, "TO") && i > 0 && is_word(&q.t[i - 1], "SIMILAR")) {
                    how = "SIMILAR TO";
                }
                else if (t->kind == TK_WORD) {
                    how = word_in(t, patterns);
                }
                return apr_psprintf(p, "'%s' compares the origin with %s: the origin would be "
                                    "a pattern (https://a_b.example matches "
                                    "https://a-b.example); compare with =", sql, how);
            }
            break;
        }
    }
    if ((err = nest(&q)) != NULL) {
        return err;
    }
    unwrap(&q);
    return check_shape(&q);
}
