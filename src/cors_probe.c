/* cors_probe.c - whether an origin regex is "any origin" spelt as a regex: the origins no policy means to allow, tried against it. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include <apr_strings.h>

#include "cors_internal.h"

/* Origins no admin means to allow, unrelated to each other: made-up names anyone could
 * register under common public suffixes, reserved names and addresses.  A regex that
 * matches one of them is "any origin" spelt as a regex (".*", "x|.*", "https?://.*",
 * "https://[a-z]+\.[a-z]+", "https://.*\.com").  A heuristic: it finds the broad shapes,
 * not every regex that is wider than meant. */
static const char *const broad_probes[] = {
    "https://cors-probe-q7x2.invalid",
    "http://cors-probe-q7x2.invalid:8123",
    "https://a.b.cors-probe-q7x2.test",
    "http://[2001:db8::7]",
    "http://192.0.2.7:3000",
    "https://corsprobe.com",
    "http://corsprobe.com",
    "https://www.corsprobe.com",
    "https://corsprobe.net",
    "https://corsprobe.org",
    "https://corsprobe.io",
    "https://corsprobe.dev",
    "https://corsprobe.app",
    "https://corsprobe.co.uk",
    "https://corsprobe.github.io",
    "https://corsprobe.s3.amazonaws.com",
    "https://corsprobe.herokuapp.com",
    "https://corsprobe.xyz",
    "https://corsprobe.me",
    "https://corsprobe.co",
    "https://corsprobe.de",
    "https://corsprobe.info",
    "https://corsprobe.ai",
    "https://corsprobe.site",
    "https://corsprobe.online",
    "https://192.0.2.7",
    "https://[2001:db8::7]",
};
#define N_BROAD_PROBES (sizeof(broad_probes) / sizeof(broad_probes[0]))

static int is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '-';
}

/* The length of a dot the regex means literally ("\." or "[.]") at s, or 0. */
static size_t literal_dot(const char *s)
{
    if (s[0] == '\\') {
        return s[1] == '.' ? 2 : 0;
    }
    return s[0] == '[' && s[1] == '.' && s[2] == ']' ? 3 : 0;
}

/* The next literal domain in a regex's source ("vercel\.app", "example[.]com"): labels
 * joined by literal dots, at least two, or labels ending in a literal dot that the literal
 * text does not go on from ("app\.example\.[a-z]+", "example\.(.+)"), returned without
 * that dot ("app.example", "example").  *from moves past it.  *open is set in that second
 * case: the label after the dot is the regex's choice, not a name the admin wrote.  NULL
 * when there is none. */
static const char *next_literal_domain(apr_pool_t *p, const char **from, int *open)
{
    const char *s = *from;

    while (*s) {
        const char *start = s, *end = s;
        int dots = 0;
        if (!is_label_char(*s) || (s > *from && s[-1] == '\\')) {
            s++;
            continue;
        }
        for (;;) {
            while (is_label_char(*end)) {
                end++;
            }
            if (literal_dot(end) && is_label_char(end[literal_dot(end)])) {
                end += literal_dot(end);
                dots++;
                continue;
            }
            break;
        }
        s = end;
        *open = literal_dot(end) != 0;
        if (dots || *open) {
            char *d = apr_palloc(p, (size_t)(end - start) + 1), *o = d;
            const char *c;
            for (c = start; c < end; c++) {
                if (literal_dot(c)) {
                    *o++ = '.';
                    c += literal_dot(c) - 1;
                }
                else {
                    *o++ = *c;
                }
            }
            *o = '\0';
            *from = s;
            return d;
        }
    }
    *from = s;
    return NULL;
}

static int matches(apr_pool_t *p, cors_regex_fn match, const void *re, const char *origin)
{
    return match(re, origin, strlen(origin), p) > 0;
}

/* Ports the regex names (":8443"), at most PORTS_MAX: any host on them is a probe. */
#define PORTS_MAX 4

static int named_ports(apr_pool_t *p, const char *source, const char *ports[PORTS_MAX])
{
    const char *c;
    int n = 0;

    for (c = source; (c = strchr(c, ':')) != NULL && n < PORTS_MAX; c++) {
        size_t digits = strspn(c + 1, "0123456789");
        if (digits >= 1 && digits <= 5) {
            ports[n++] = apr_pstrmemdup(p, c + 1, digits);
        }
    }
    return n;
}

/* A literal the regex leaves open after its last dot ("app\.example\.[a-z]+",
 * "app\.example\.(com|\w+)", "(.+)\.example\.(.+)") lets whoever sends the origin pick the
 * label after it: a top-level domain (whoever registers app.example.xyz gets in) or a name
 * of a domain of theirs.  Made-up labels of several lengths and shapes, since a label class
 * may bound either ("[a-z]{2,6}"), with and without a name before the literal and a port
 * after. */
static int matches_open_label(apr_pool_t *p, cors_regex_fn match, const void *re,
                              const char *d, const char *const *ports, int nports)
{
    static const char *const labels[] = { "corsprobe", "corsprobe-q7x2", "qz", "qzx" };
    const char *host;
    size_t i;
    int j;

    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        host = apr_psprintf(p, "%s.%s", d, labels[i]);
        if (matches(p, match, re, apr_psprintf(p, "https://%s", host))
            || matches(p, match, re, apr_psprintf(p, "http://%s", host))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s", host))) {
            return 1;
        }
    }
    host = apr_psprintf(p, "%s.%s", d, labels[0]);
    if (matches(p, match, re, apr_psprintf(p, "https://%s:8443", host))
        || matches(p, match, re, apr_psprintf(p, "http://%s:8080", host))) {
        return 1;
    }
    for (j = 0; j < nports; j++) {
        if (matches(p, match, re, apr_psprintf(p, "https://%s:%s", host, ports[j]))
            || matches(p, match, re, apr_psprintf(p, "http://%s:%s", host, ports[j]))) {
            return 1;
        }
    }
    return 0;
}

/* Probes made from the regex's own literal domains, for the mistakes a fixed list cannot
 * foresee: a domain glued to any name ("[a-z.]*example\.com" matches
 * corsprobeexample.com), an open end (".*example\.com.*"), any name under a public suffix
 * ("[a-z0-9-]+\.vercel\.app"), any label after the literal ("app\.example\.[a-z]+"), and
 * any host on a port the regex names. */
static int matches_a_derived_probe(apr_pool_t *p, const char *source, cors_regex_fn match,
                                   const void *re)
{
    const char *from = source, *d, *ports[PORTS_MAX];
    int n, open = 0, nports = named_ports(p, source, ports);

    for (n = 0; n < 8 && (d = next_literal_domain(p, &from, &open)) != NULL; n++) {
        if (open && matches_open_label(p, match, re, d, ports, nports)) {
            return 1;
        }
        if (!strchr(d, '.')) {
            continue;   /* one label: the probes below are about domains */
        }
        if (matches(p, match, re, apr_psprintf(p, "https://corsprobe%s", d))
            || matches(p, match, re, apr_psprintf(p, "http://corsprobe%s", d))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s.corsprobe.com", d))
            || matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s-corsprobe.com", d))
            || (cors_domain_is_public_suffix(p, d, strlen(d))
                && (matches(p, match, re, apr_psprintf(p, "https://corsprobe.%s", d))
                    || matches(p, match, re, apr_psprintf(p, "http://corsprobe.%s", d))))) {
            return 1;
        }
    }
    for (n = 0; n < nports; n++) {
        if (matches(p, match, re, apr_psprintf(p, "https://corsprobe.com:%s", ports[n]))
            || matches(p, match, re, apr_psprintf(p, "http://corsprobe.com:%s", ports[n]))) {
            return 1;
        }
    }
    return 0;
}

int cors_regex_is_broad(apr_pool_t *p, const char *source, cors_regex_fn match,
                        const void *re)
{
    size_t i;

    for (i = 0; i < N_BROAD_PROBES; i++) {
        if (matches(p, match, re, broad_probes[i])) {
            return 1;
        }
    }
    return matches_a_derived_probe(p, source, match, re);
}
