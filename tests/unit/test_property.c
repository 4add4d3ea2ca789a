/* test_property.c - the fast origin matcher against a deliberately simple reference, on random input. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "cors.h"

#define ITERATIONS 200000
#define MAX_ITEMS 6

/* ---- the reference: string compares and label-by-label suffix checks, nothing clever ---- */

typedef struct {
    char scheme[32];
    char host[300];
    char port[8];               /* "" for the default port, "*" for any */
} ref_origin;

static void lower(char *s)
{
    for (; *s; s++) {
        *s = (char)tolower((unsigned char)*s);
    }
}

static size_t count(const char *s, char c)
{
    size_t n = 0;

    for (; *s; s++) {
        n += *s == c;
    }
    return n;
}

static int all_chars(const char *s, const char *allowed)
{
    return *s && strspn(s, allowed) == strlen(s);
}

/* Split "scheme://host[:port]" the obvious way; 0 if it is not one. */
static int ref_parse(const char *text, int pattern, ref_origin *o)
{
    const char *sep = strstr(text, "://"), *host, *colon;
    size_t n;

    memset(o, 0, sizeof(*o));
    if (!sep || sep == text || (size_t)(sep - text) >= sizeof(o->scheme)) {
        return 0;
    }
    memcpy(o->scheme, text, (size_t)(sep - text));
    lower(o->scheme);
    if (!isalpha((unsigned char)o->scheme[0])
        || !all_chars(o->scheme, "abcdefghijklmnopqrstuvwxyz0123456789+-.")) {
        return 0;
    }
    host = sep + 3;
    colon = host[0] == '[' ? strstr(host, "]:") : strchr(host, ':');
    if (colon && host[0] == '[') {
        colon++;
    }
    n = colon ? (size_t)(colon - host) : strlen(host);
    if (n == 0 || n >= sizeof(o->host)) {
        return 0;
    }
    memcpy(o->host, host, n);
    lower(o->host);
    if (o->host[0] == '[') {
        if (o->host[n - 1] != ']' || n < 4) {
            return 0;
        }
        o->host[n - 1] = '\0';
        /* An IPv6 literal has at least two colons ("::1", or eight groups). */
        if (!all_chars(o->host + 1, "0123456789abcdef:.") || count(o->host, ':') < 2) {
            return 0;
        }
        o->host[n - 1] = ']';
    }
    else {
        const char *h = o->host;
        if (pattern && strncmp(h, "*.", 2) == 0) {
            h += 2;
        }
        if (!all_chars(h, "abcdefghijklmnopqrstuvwxyz0123456789-_.") || h[0] == '.'
            || h[strlen(h) - 1] == '.' || strstr(h, "..")) {
            return 0;
        }
    }
    if (colon) {
        const char *p = colon + 1;
        if (pattern && strcmp(p, "*") == 0) {
            snprintf(o->port, sizeof(o->port), "*");
            return 1;
        }
        long port;
        if (!all_chars(p, "0123456789") || p[0] == '0' || strlen(p) > 5) {
            return 0;
        }
        port = strtol(p, NULL, 10);
        if (port < 1 || port > 65535) {
            return 0;
        }
        if (!((port == 443 && (!strcmp(o->scheme, "https") || !strcmp(o->scheme, "wss")))
              || (port == 80 && (!strcmp(o->scheme, "http") || !strcmp(o->scheme, "ws"))))) {
            snprintf(o->port, sizeof(o->port), "%ld", port);
        }
    }
    return 1;
}

/* Does host end with the labels of suffix, with at least one label before them? */
static int ref_subdomain(const char *host, const char *suffix)
{
    size_t h = strlen(host), s = strlen(suffix);

    return h > s + 1 && host[h - s - 1] == '.' && strcmp(host + h - s, suffix) == 0;
}

static int ref_item_allows(const char *item, const char *origin)
{
    ref_origin i, o;

    if (strcmp(origin, "null") == 0) {
        return strcmp(item, "null") == 0;
    }
    if (strcmp(item, "*") == 0) {
        return ref_parse(origin, 0, &o);
    }
    if (!ref_parse(item, 1, &i) || !ref_parse(origin, 0, &o) || strchr(o.host, '*')) {
        return 0;
    }
    if (strcmp(i.scheme, o.scheme) != 0) {
        return 0;
    }
    if (strcmp(i.port, "*") != 0 && strcmp(i.port, o.port) != 0) {
        return 0;
    }
    if (strncmp(i.host, "*.", 2) == 0) {
        return o.host[0] != '[' && ref_subdomain(o.host, i.host + 2);
    }
    return strcmp(i.host, o.host) == 0;
}

static int ref_allows(const char *const *items, int n, const char *origin)
{
    int k;

    for (k = 0; k < n; k++) {
        if (ref_item_allows(items[k], origin)) {
            return 1;
        }
    }
    return 0;
}

/* ---- random origins, lists and near misses ------------------------------------------- */

static unsigned int next(unsigned int *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) & 0xffffff;
}

static const char *pick(unsigned int *seed, const char *const *from, size_t n)
{
    return from[next(seed) % n];
}

#define PICK(seed, arr) pick((seed), (arr), sizeof(arr) / sizeof((arr)[0]))

static void append(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);

    snprintf(buf + n, size - n, "%s", s);
}

static void random_origin(unsigned int *seed, char *buf, size_t size, int pattern)
{
    static const char *const schemes[] = { "https", "http", "HTTPS", "wss", "chrome-extension" };
    static const char *const labels[] = { "a", "b", "ex", "example", "evil", "com", "net",
                                          "xn--bcher-kva", "api", "a-b" };
    static const char *const ports[] = { "", "", "", ":443", ":80", ":8080", ":3000", ":*" };
    static const char *const v6[] = { "[::1]", "[2001:db8::1]", "[::2]" };
    char host[128] = "";
    int nlabels = 1 + (int)(next(seed) % 3);
    const char *port = PICK(seed, ports);

    if (next(seed) % 10 == 0) {
        snprintf(host, sizeof(host), "%s", PICK(seed, v6));
    }
    else {
        int k;
        if (pattern && next(seed) % 3 == 0) {
            append(host, sizeof(host), "*.");
            nlabels++;
        }
        for (k = 0; k < nlabels; k++) {
            if (k) {
                append(host, sizeof(host), ".");
            }
            append(host, sizeof(host), PICK(seed, labels));
        }
    }
    if (!pattern && strcmp(port, ":*") == 0) {
        port = "";
    }
    snprintf(buf, size, "%s://%s%s", PICK(seed, schemes), host, port);
}

/* One character added, removed or changed; a suffix or prefix; a scheme or port swapped. */
static void near_miss(unsigned int *seed, const char *from, char *buf, size_t size)
{
    static const char *const tricks[] = { ".evil.net", "evil", "x", ":8443", "." };
    size_t len = strlen(from), at = len ? next(seed) % len : 0;
    char tmp[256];

    switch (next(seed) % 7) {
    case 0:     /* add */
        snprintf(buf, size, "%.*s%c%s", (int)at, from, "a.-:/*"[next(seed) % 6], from + at);
        break;
    case 1:     /* remove */
        snprintf(buf, size, "%.*s%s", (int)at, from, len ? from + at + 1 : "");
        break;
    case 2:     /* change */
        snprintf(buf, size, "%s", from);
        if (len) {
            buf[at] = "bA0.:-"[next(seed) % 6];
        }
        break;
    case 3:     /* suffix trick */
        snprintf(buf, size, "%s%s", from, PICK(seed, tricks));
        break;
    case 4: {   /* prefix trick on the host */
        const char *sep = strstr(from, "://");
        if (sep) {
            snprintf(buf, size, "%.*s%s%s", (int)(sep + 3 - from), from,
                     next(seed) % 2 ? "evil" : "evil.", sep + 3);
        }
        else {
            snprintf(buf, size, "%s", from);
        }
        break;
    }
    case 5:     /* scheme swap */
        snprintf(tmp, sizeof(tmp), "%s", from);
        if (strncmp(tmp, "https://", 8) == 0) {
            snprintf(buf, size, "http://%s", tmp + 8);
        }
        else if (strncmp(tmp, "http://", 7) == 0) {
            snprintf(buf, size, "https://%s", tmp + 7);
        }
        else {
            snprintf(buf, size, "%s", tmp);
        }
        break;
    default: {  /* upper case */
        size_t k;
        snprintf(buf, size, "%s", from);
        for (k = 0; buf[k]; k++) {
            buf[k] = (char)toupper((unsigned char)buf[k]);
        }
        break;
    }
    }
}

int main(void)
{
    apr_pool_t *root, *p;
    unsigned int seed = 20261123, passed = 0, failed = 0, allowed_seen = 0;
    int it;

    apr_initialize();
    apr_pool_create(&root, NULL);
    apr_pool_create(&p, root);
    for (it = 0; it < ITERATIONS; it++) {
        const char *items[MAX_ITEMS];
        char buf[MAX_ITEMS][256], origin[512];
        int n = 1 + (int)(next(&seed) % MAX_ITEMS), k, loaded = 0, want, got;
        cors_set *set;
        const char *limited = NULL;

        apr_pool_clear(p);
        set = cors_set_make(p, CORS_SET_ORIGINS);
        for (k = 0; k < n; k++) {
            random_origin(&seed, buf[k], sizeof(buf[k]), 1);
            if (next(&seed) % 40 == 0) {
                snprintf(buf[k], sizeof(buf[k]), "%s", next(&seed) % 2 ? "*" : "null");
            }
            /* Only what the configuration accepts takes part; "*.com"-like refusals are
             * the parser's business, tested in test_origin.c. */
            if (cors_set_add(p, set, buf[k], CORS_ITEM_PLAIN) == NULL) {
                items[loaded++] = buf[k];
            }
        }
        if (next(&seed) % 2) {
            /* Start from a listed item, so hits and near misses are common. */
            near_miss(&seed, loaded ? items[next(&seed) % (unsigned int)loaded] : "null",
                      origin, sizeof(origin));
            if (next(&seed) % 3 == 0 && loaded) {
                snprintf(origin, sizeof(origin), "%s", items[next(&seed) % (unsigned int)loaded]);
                if (strchr(origin, '*')) {
                    random_origin(&seed, origin, sizeof(origin), 0);
                }
            }
        }
        else {
            random_origin(&seed, origin, sizeof(origin), 0);
        }
        want = ref_allows(items, loaded, origin);
        got = cors_origin_allowed(p, cors_set_sealed_copy(p, set), origin, strlen(origin), &limited)
              == 1;
        allowed_seen += want;
        if (want == got) {
            passed++;
        }
        else {
            failed++;
            if (failed <= 20) {
                printf("FAIL origin '%s': matcher %s, reference %s; list:", origin,
                       got ? "allows" : "refuses", want ? "allows" : "refuses");
                for (k = 0; k < loaded; k++) {
                    printf(" %s", items[k]);
                }
                printf("\n");
            }
        }
    }
    apr_pool_destroy(root);
    apr_terminate();
    printf("# %u of %d random cases were allowed by the reference\n", allowed_seen, ITERATIONS);
    /* A generator that never produced a hit would prove nothing. */
    if (allowed_seen < ITERATIONS / 20) {
        printf("FAIL the generator produced too few matches to mean anything\n");
        failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
