/* cors_list.c - HTTP tokens, directive item lists and numbers, and bounded Access-Control-Request-Headers parsing. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <limits.h>
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* Total bytes looked at across an Access-Control-Request-Headers value: the element and name
 * bounds already stop a header of commas; this one stops runs of white space. */
#define REQ_HEADERS_BYTES_MAX 4096

void cors_lower(char *dst, const char *src, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
    }
}

int cors_equal_nocase(const char *a, const char *b, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = (char)(x + ('a' - 'A'));
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char)(y + ('a' - 'A'));
        }
        if (x != y) {
            return 0;
        }
    }
    return 1;
}

/* RFC 9110 tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" /
 * "`" / "|" / "~" / DIGIT / ALPHA.  A table: every request's header names go through it. */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* tchar lower-cased, 0 for anything else: one look-up both checks and folds a name. */
static const unsigned char lower_tchar[256] = {
    ['!'] = '!', ['#'] = '#', ['$'] = '$', ['%'] = '%', ['&'] = '&', ['\''] = '\'',
    ['*'] = '*', ['+'] = '+', ['-'] = '-', ['.'] = '.', ['^'] = '^', ['_'] = '_', ['`'] = '`',
    ['|'] = '|', ['~'] = '~',
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

int cors_is_token(const char *s, size_t len)
{
    size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!tchar[(unsigned char)s[i]]) {
            return 0;
        }
    }
    return 1;
}

const char *cors_join(apr_pool_t *p, const apr_array_header_t *names)
{
    size_t total = 0, n = 0;
    char *out;
    int i;

    for (i = 0; i < names->nelts; i++) {
        total += strlen(APR_ARRAY_IDX(names, i, const char *)) + 2;
    }
    out = apr_palloc(p, total + 1);
    for (i = 0; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        size_t len = strlen(name);
        if (i) {
            out[n++] = ',';
            out[n++] = ' ';
        }
        memcpy(out + n, name, len);
        n += len;
    }
    out[n] = '\0';
    return out;
}

void cors_split_items(apr_pool_t *p, const char *text, apr_array_header_t *out)
{
    const char *s = text;

    while (*s) {
        const char *start;
        while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
            s++;
        }
        start = s;
        while (*s && *s != ',' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
            s++;
        }
        if (s > start) {
            APR_ARRAY_PUSH(out, const char *) = apr_pstrmemdup(p, start, (apr_size_t)(s - start));
        }
    }
}

/* A value past hi only grows with more digits: it ends the loop as out of range before it
 * can wrap around, however many digits follow. */
int cors_parse_uint(const char *text, unsigned long lo, unsigned long hi, unsigned long *out)
{
    const char *s;
    unsigned long v = 0;

    for (s = text; *s >= '0' && *s <= '9'; s++) {
        unsigned long d = (unsigned long)(*s - '0');
        if (v > (ULONG_MAX - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
        if (v > hi) {
            return 0;
        }
    }
    if (s == text || *s || v < lo) {
        return 0;
    }
    *out = v;
    return 1;
}

/* One pass per element: the token scan is also the validity check (and, for the request
 * path, the lower-casing), so an element is looked at once, and every loop stops at a bound
 * whatever the value holds. */
static const char *each_name(const char *value, unsigned int *elements, unsigned int *names,
                             cors_token_fn fn, void *baton, int lower)
{
    const char *s = value;
    char folded[CORS_TOKEN_MAX + 1];

    for (;;) {
        const char *start;
        size_t len;

        if (++*elements > CORS_REQ_ELEMENTS_MAX) {
            return "Access-Control-Request-Headers has too many elements";
        }
        while (CORS_IS_OWS(*s) && (size_t)(s - value) < REQ_HEADERS_BYTES_MAX) {
            s++;
        }
        start = s;
        if (lower) {
            unsigned char c;
            for (len = 0; (c = lower_tchar[(unsigned char)*s]) != 0 && len <= CORS_TOKEN_MAX;
                 s++) {
                folded[len++] = (char)c;
            }
        }
        else {
            while (tchar[(unsigned char)*s] && (size_t)(s - start) <= CORS_TOKEN_MAX) {
                s++;
            }
            len = (size_t)(s - start);
        }
        if (len > CORS_TOKEN_MAX) {
            return "Access-Control-Request-Headers names a header longer than any "
                   "browser sends";
        }
        while (CORS_IS_OWS(*s) && (size_t)(s - value) < REQ_HEADERS_BYTES_MAX) {
            s++;
        }
        if ((size_t)(s - value) >= REQ_HEADERS_BYTES_MAX) {
            return "Access-Control-Request-Headers is too long";
        }
        if (*s && *s != ',') {
            return "Access-Control-Request-Headers holds an element that is not a "
                   "valid header name";
        }
        if (len) {
            if (++*names > CORS_REQ_HEADERS_MAX) {
                return "Access-Control-Request-Headers names too many headers";
            }
            if (fn(baton, lower ? folded : start, len)) {
                return NULL;
            }
        }
        if (*s != ',') {
            return NULL;
        }
        s++;
    }
}

const char *cors_each_request_header(const char *value, unsigned int *elements,
                                     unsigned int *names, cors_token_fn fn, void *baton)
{
    return each_name(value, elements, names, fn, baton, 0);
}

const char *cors_each_request_header_lower(const char *value, unsigned int *elements,
                                           unsigned int *names, cors_token_fn fn, void *baton)
{
    return each_name(value, elements, names, fn, baton, 1);
}
