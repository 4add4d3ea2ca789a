/* cors_canon.c - whether a configured origin is one a browser can send (URL Standard host parser), and which public suffixes a wildcard covers. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <stdint.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <idn2.h>
#include <libpsl.h>

#include "cors_internal.h"

/* A browser builds the Origin header from a URL it parsed with the URL Standard's host parser,
 * so an entry the parser would reject or rewrite is one no request ever carries: the entry
 * silently never matches.  This file runs that parser over each configured item and names the
 * spelling the browser sends, so the admin learns at start-up rather than from a bug report. */

/* Where a pool caches the Public Suffix List when libpsl has none built in. */
#define PSL_POOL_KEY "cors_canon:psl"

/* ---- characters --------------------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The value of c as a digit in base 16, or -1. */
static int hex_value(char c)
{
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int all_digits(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (!is_digit(s[i])) {
            return 0;
        }
    }
    return len > 0;
}

static int equal_nocase(const char *a, size_t a_len, const char *b)
{
    return a_len == strlen(b) && cors_equal_nocase(a, b, a_len);
}

/* ---- IPv4 (URL Standard, "IPv4 parser") --------------------------------------------------- */

/* Anything past 2^32 is out of range for every part, so larger values need not be exact. */
#define IPV4_TOO_BIG ((uint64_t)1 << 32)

/* The "IPv4 number parser": decimal, "0x" hex, or octal after a leading 0 ("0x" alone and "0"
 * are 0).  Returns 0 when the part is not a number in its base. */
static int ipv4_number(const char *s, size_t len, uint64_t *out)
{
    int radix = 10;
    uint64_t v = 0;
    size_t i;

    if (len == 0) {
        return 0;
    }
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        len -= 2;
        radix = 16;
    }
    else if (len >= 2 && s[0] == '0') {
        s++;
        len--;
        radix = 8;
    }
    for (i = 0; i < len; i++) {
        int d = hex_value(s[i]);
        if (d < 0 || d >= radix) {
            return 0;
        }
        if (v < IPV4_TOO_BIG) {     /* saturate: 63 hex digits must not wrap around */
            v = v * (uint64_t)radix + (uint64_t)d;
        }
    }
    *out = v;
    return 1;
}

/* The URL Standard's "ends in a number": a host whose last label is all digits or parses as
 * an IPv4 number (so "0x1f" too) is handed to the IPv4 parser, never treated as a name. */
static int ends_in_number(const char *host, size_t len)
{
    const char *dot = NULL, *last;
    size_t i;
    uint64_t ignored;

    for (i = len; i > 0; i--) {
        if (host[i - 1] == '.') {
            dot = host + i - 1;
            break;
        }
    }
    last = dot ? dot + 1 : host;
    i = (size_t)(host + len - last);
    return all_digits(last, i) || ipv4_number(last, i, &ignored);
}

/* The IPv4 parser: one to four parts, the last filling the bytes the others leave.  Returns 0
 * where the browser fails the whole URL. */
static int ipv4_parse(const char *host, size_t len, uint32_t *addr)
{
    uint64_t part[4];
    size_t n = 0, start = 0, i;
    uint64_t v;

    for (i = 0; i <= len; i++) {
        if (i < len && host[i] != '.') {
            continue;
        }
        if (n == 4 || !ipv4_number(host + start, i - start, &part[n])) {
            return 0;
        }
        n++;
        start = i + 1;
    }
    for (i = 0; i + 1 < n; i++) {
        if (part[i] > 255) {
            return 0;
        }
    }
    if (n == 0 || part[n - 1] >= ((uint64_t)1 << (8 * (5 - n)))) {
        return 0;
    }
    v = part[n - 1];
    for (i = 0; i + 1 < n; i++) {
        v += part[i] << (8 * (3 - i));
    }
    *addr = (uint32_t)v;
    return 1;
}

/* ---- IPv6 (URL Standard, "IPv6 parser" and "IPv6 serializer") ----------------------------- */

/* The dotted IPv4 tail of an IPv6 address, from s[*pos]: four decimal parts, no leading
 * zeros, into pieces *idx and *idx + 1. */
static int ipv6_ipv4_tail(const char *s, size_t len, size_t *pos, unsigned int piece[8],
                          int *idx)
{
    size_t i = *pos;
    int seen = 0;

    while (i < len) {
        int v = -1;
        if (seen > 0) {
            if (s[i] != '.' || seen == 4) {
                return 0;
            }
            i++;
        }
        if (i == len || !is_digit(s[i])) {
            return 0;
        }
        for (; i < len && is_digit(s[i]); i++) {
            if (v == 0) {
                return 0;               /* "01": a leading zero */
            }
            v = (v < 0 ? 0 : v * 10) + (s[i] - '0');
            if (v > 255) {
                return 0;
            }
        }
        piece[*idx] = piece[*idx] * 0x100 + (unsigned int)v;
        seen++;
        if (seen == 2 || seen == 4) {
            (*idx)++;
        }
    }
    *pos = i;
    return seen == 4;
}

/* The eight 16-bit pieces of the literal between the brackets, or 0 where the browser fails
 * the URL: "::" at most once, hex pieces of one to four digits, an IPv4 tail in the last 32
 * bits. */
static int ipv6_parse(const char *s, size_t len, unsigned int piece[8])
{
    size_t i = 0;
    int idx = 0, compress = -1, swaps;

    memset(piece, 0, 8 * sizeof(*piece));
    if (len > 0 && s[0] == ':') {
        if (len < 2 || s[1] != ':') {
            return 0;
        }
        i = 2;
        compress = idx = 1;
    }
    while (i < len) {
        unsigned int value = 0;
        size_t n = 0;

        if (idx == 8) {
            return 0;
        }
        if (s[i] == ':') {
            if (compress >= 0) {
                return 0;
            }
            i++;
            compress = ++idx;
            continue;
        }
        for (; n < 4 && i < len && hex_value(s[i]) >= 0; n++, i++) {
            value = value * 16 + (unsigned int)hex_value(s[i]);
        }
        if (i < len && s[i] == '.') {
            if (n == 0 || idx > 6) {
                return 0;
            }
            i -= n;
            if (!ipv6_ipv4_tail(s, len, &i, piece, &idx)) {
                return 0;
            }
            break;
        }
        if (i < len && s[i] == ':') {
            if (++i == len) {
                return 0;
            }
        }
        else if (i < len) {
            return 0;
        }
        piece[idx++] = value;
    }
    if (compress < 0) {
        return idx == 8;
    }
    /* Move the pieces after "::" to the end; zeros fill the gap. */
    swaps = idx - compress;
    idx = 7;
    while (idx != 0 && swaps > 0) {
        unsigned int t = piece[idx];
        piece[idx] = piece[compress + swaps - 1];
        piece[compress + swaps - 1] = t;
        idx--;
        swaps--;
    }
    return 1;
}

/* The serializer: lower-case hex without leading zeros, the first longest run of two or more
 * zero pieces as "::", an IPv4 tail written as hex.  buf holds at least 40 bytes; returns the
 * length written (without the terminating NUL). */
static size_t ipv6_serialize(const unsigned int piece[8], char *buf)
{
    static const char hex[] = "0123456789abcdef";
    int i, best = -1, best_len = 1, run = 0;
    size_t n = 0;

    for (i = 0; i < 8; i++) {
        run = piece[i] == 0 ? run + 1 : 0;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    for (i = 0; i < 8; i++) {
        int shift, started = 0;
        if (i == best) {
            buf[n++] = ':';
            if (i == 0) {
                buf[n++] = ':';
            }
            i += best_len - 1;
            continue;
        }
        for (shift = 12; shift >= 0; shift -= 4) {
            unsigned int d = (piece[i] >> shift) & 0xf;
            if (d || started || shift == 0) {
                buf[n++] = hex[d];
                started = 1;
            }
        }
        if (i != 7) {
            buf[n++] = ':';
        }
    }
    buf[n] = '\0';
    return n;
}

/* ---- punycode ----------------------------------------------------------------------------- */

/* libidn2 checks IDNA2008 on top of UTS #46, which is all the URL Standard applies (with
 * CheckHyphens and STD3 rules off): it refuses emoji, "--" in places 3-4 and a hyphen at
 * either end, all of which browsers accept.  So only its verdicts that the browser shares
 * refuse an entry: bad punycode, a label that does not come back the same, and the UTS #46
 * validity criteria.  (Those use its Unicode tables, 14.0 in Debian 12's libidn2 2.3.3: a
 * letter added to Unicode later would be refused.) */
static int browser_refuses_idn(int rc)
{
    switch (rc) {
    case IDN2_PUNYCODE_BAD_INPUT:
    case IDN2_PUNYCODE_BIG_OUTPUT:
    case IDN2_PUNYCODE_OVERFLOW:
    case IDN2_NOT_NFC:
    case IDN2_LEADING_COMBINING:
    case IDN2_CONTEXTJ:
    case IDN2_CONTEXTJ_NO_RULE:
    case IDN2_BIDI:
    case IDN2_DOT_IN_LABEL:
    case IDN2_INVALID_NONTRANSITIONAL:
    case IDN2_ALABEL_ROUNDTRIP_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* Is the label (which starts "xn--") punycode a browser would send as written?  The lookup of
 * an A-label decodes it, applies the UTS #46 checks to the Unicode and encodes it again, as
 * the browser's "domain to ASCII" does. */
static int alabel_ok(apr_pool_t *p, const char *label, size_t len)
{
    char *lower = apr_pstrmemdup(p, label, len);
    char *ascii = NULL;
    int rc, ok;

    /* The browser lower-cases before it decodes: "XN--BCHER-KVA" is "bücher". */
    cors_lower(lower, label, len);
    rc = idn2_lookup_u8((const uint8_t *)lower, (uint8_t **)&ascii, IDN2_NONTRANSITIONAL);
    if (rc == IDN2_OK) {
        ok = ascii != NULL && strcmp(ascii, lower) == 0;
    }
    else {
        ok = !browser_refuses_idn(rc);
    }
    idn2_free(ascii);
    return ok;
}

/* The first "xn--" label of host that a browser would refuse or rewrite, or NULL. */
static const char *bad_alabel(apr_pool_t *p, const char *host, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i <= len; i++) {
        if (i < len && host[i] != '.') {
            continue;
        }
        if (i - start >= 4 && cors_equal_nocase(host + start, "xn--", 4)
            && !alabel_ok(p, host + start, i - start)) {
            return apr_pstrmemdup(p, host + start, i - start);
        }
        start = i + 1;
    }
    return NULL;
}

/* ---- the Public Suffix List --------------------------------------------------------------- */

static apr_status_t free_psl(void *psl)
{
    psl_free(psl);
    return APR_SUCCESS;
}

/* libpsl's built-in list is static data (Debian's libpsl5 has one, from the publicsuffix
 * package it was built against) and costs nothing.  Without it, psl_latest() reads the
 * distribution's file into memory it allocates: that is done once per pool, kept as the
 * pool's user data rather than in a global, and freed with psl_free when the pool goes
 * (the configuration pool in httpd, so once per reading of the configuration).  Pools are
 * used by one thread at a time, which makes the cache as thread-safe as the pool.  NULL when
 * there is no list at all: the check is then skipped. */
static const psl_ctx_t *public_suffix_list(apr_pool_t *p)
{
    const psl_ctx_t *builtin = psl_builtin();
    void *cached = NULL;
    psl_ctx_t *loaded;

    if (builtin) {
        return builtin;
    }
    if (apr_pool_userdata_get(&cached, PSL_POOL_KEY, p) == APR_SUCCESS && cached) {
        return cached;
    }
    loaded = psl_latest(NULL);
    if (loaded) {
        apr_pool_userdata_setn(loaded, PSL_POOL_KEY, free_psl, p);
    }
    return loaded;
}

/* Is the domain a public suffix, private section included ("github.io")?  Without the "*"
 * default rule, which would call every unlisted single label (such as "localhost") one. */
static int is_public_suffix(apr_pool_t *p, const char *domain, size_t len)
{
    const psl_ctx_t *psl = public_suffix_list(p);
    char *lower;

    if (!psl) {
        return 0;
    }
    lower = apr_pstrmemdup(p, domain, len);
    cors_lower(lower, domain, len);
    return psl_is_public_suffix2(psl, lower, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

/* ---- the checks, one per kind of host ----------------------------------------------------- */

/* The item with its host (o->host, which points into text) replaced by host. */
static const char *with_host(apr_pool_t *p, const char *text, const cors_origin *o,
                             const char *host)
{
    return apr_psprintf(p, "%.*s%s%s", (int)(o->host - text), text, host,
                        o->host + o->host_len);
}

static const char *check_ipv4(apr_pool_t *p, const char *text, const cors_origin *o)
{
    uint32_t a;
    const char *canon;

    if (!ipv4_parse(o->host, o->host_len, &a)) {
        return apr_psprintf(p, "'%s' can never match: a host whose last label is a number is "
                            "read as an IPv4 address, and '%.*s' is not a valid one, so "
                            "browsers refuse the URL; write four numbers from 0 to 255 "
                            "(e.g. 192.0.2.1), or a DNS name",
                            text, (int)o->host_len, o->host);
    }
    canon = apr_psprintf(p, "%u.%u.%u.%u", (unsigned int)(a >> 24) & 255U,
                         (unsigned int)(a >> 16) & 255U, (unsigned int)(a >> 8) & 255U,
                         (unsigned int)a & 255U);
    if (o->host_len == strlen(canon) && memcmp(o->host, canon, o->host_len) == 0) {
        return NULL;
    }
    return apr_psprintf(p, "'%s' is not how a browser writes that address: it sends '%s'; "
                        "write that", text, with_host(p, text, o, canon));
}

static const char *check_ipv6(apr_pool_t *p, const char *text, const cors_origin *o,
                              const char **normalised)
{
    unsigned int piece[8];
    char canon[42];             /* "[" 8 * "ffff:" less one ":" "]" NUL */
    size_t n;

    if (o->host_len < 2 || !ipv6_parse(o->host + 1, o->host_len - 2, piece)) {
        return apr_psprintf(p, "'%s' can never match: '%.*s' is not a valid IPv6 address, so "
                            "browsers refuse the URL; write it as up to eight groups of 1-4 "
                            "hex digits with at most one '::' (e.g. [2001:db8::1])",
                            text, (int)o->host_len, o->host);
    }
    n = ipv6_serialize(piece, canon + 1);
    canon[0] = '[';
    canon[n + 1] = ']';
    canon[n + 2] = '\0';
    /* Case alone is no difference: the key is lower-cased anyway. */
    if (!equal_nocase(o->host, o->host_len, canon)) {
        *normalised = with_host(p, text, o, canon);
    }
    return NULL;
}

/* "*.example.com" over a suffix: no IP addresses, no public suffixes. */
static const char *check_wildcard(apr_pool_t *p, const char *text, const cors_origin *o,
                                  int allowing)
{
    const char *scheme, *tail;

    if (ends_in_number(o->host, o->host_len)) {
        return apr_psprintf(p, "'%s' can never match: a wildcard covers DNS names, and a host "
                            "ending in a number is an IPv4 address; list the addresses "
                            "(e.g. https://192.0.2.1 https://192.0.2.2)", text);
    }
    /* Taking a public suffix away lets nobody in. */
    if (!allowing || !is_public_suffix(p, o->host, o->host_len)) {
        return NULL;
    }
    scheme = apr_pstrmemdup(p, o->scheme, o->scheme_len);
    tail = o->host + o->host_len;
    return apr_psprintf(p, "'%s' lets strangers in: '%.*s' is a public suffix, under which "
                        "anyone can register a name and read the answers; list the sites "
                        "(%s://yourname.%.*s%s), or use your registrable domain "
                        "(%s://*.yourname.%.*s%s)", text, (int)o->host_len, o->host,
                        scheme, (int)o->host_len, o->host, tail,
                        scheme, (int)o->host_len, o->host, tail);
}

static int scheme_is(const char *scheme, size_t len, const char *name)
{
    return strlen(name) == len && cors_equal_nocase(scheme, name, len);
}

/* Schemes whose pages have an opaque origin: browsers send "null" for them. */
static int is_opaque_scheme(const char *scheme, size_t len)
{
    return scheme_is(scheme, len, "data") || scheme_is(scheme, len, "javascript")
           || scheme_is(scheme, len, "about");
}

/* Schemes of requests, not of pages: no document has such an origin. */
static int is_transport_scheme(const char *scheme, size_t len)
{
    return scheme_is(scheme, len, "ws") || scheme_is(scheme, len, "wss")
           || scheme_is(scheme, len, "ftp") || scheme_is(scheme, len, "blob");
}

const char *cors_origin_check_config(apr_pool_t *p, const char *text, const cors_origin *o,
                                     const char **normalised)
{
    return cors_origin_check_item(p, text, o, 1, normalised);
}

const char *cors_origin_scheme_error(apr_pool_t *p, const char *text, const char *scheme,
                                     size_t len)
{
    if (scheme_is(scheme, len, "file")) {
        return apr_psprintf(p, "'%s' can never match: browsers send the origin 'null' for "
                            "file: pages; write null (and know that any page can send it, "
                            "sandboxed frames and data: URLs included)", text);
    }
    if (is_opaque_scheme(scheme, len)) {
        return apr_psprintf(p, "'%s' can never match: pages at %.*s: URLs have an opaque "
                            "origin, sent as 'null'; write null if you mean them (and know "
                            "that any page can send it)", text, (int)len, scheme);
    }
    if (is_transport_scheme(scheme, len)) {
        return apr_psprintf(p, "'%s' can never match: no page has a %.*s: origin (a WebSocket, "
                            "FTP or blob: URL carries the origin of the page that made it, "
                            "https://... or http://...); write the page's origin", text,
                            (int)len, scheme);
    }
    return NULL;
}

/* o must have been parsed from text (its pointers are into text). */
const char *cors_origin_check_item(apr_pool_t *p, const char *text, const cors_origin *o,
                                   int allowing, const char **normalised)
{
    const char *label, *msg;

    *normalised = NULL;
    if (o->is_null || o->is_any) {
        return NULL;
    }
    if ((msg = cors_origin_scheme_error(p, text, o->scheme, o->scheme_len)) != NULL) {
        return msg;
    }
    if (o->host_len > 0 && o->host[0] == '[') {
        return check_ipv6(p, text, o, normalised);
    }
    if (o->wild_host) {
        if ((msg = check_wildcard(p, text, o, allowing)) != NULL) {
            return msg;
        }
    }
    else if (ends_in_number(o->host, o->host_len)) {
        return check_ipv4(p, text, o);
    }
    label = bad_alabel(p, o->host, o->host_len);
    if (label) {
        return apr_psprintf(p, "'%s' can never match: '%s' is not valid punycode, so browsers "
                            "refuse or rewrite it; write the name in punycode as the browser "
                            "does ('idn2 --lookup NAME' prints it, and the address bar shows "
                            "it)", text, label);
    }
    return NULL;
}

int cors_domain_is_public_suffix(apr_pool_t *p, const char *domain, size_t len)
{
    return is_public_suffix(p, domain, len);
}

/* ---------------------------------------------------------------------------------------- */
/* Public suffixes below a domain                                                            */

/* libpsl answers "is this a public suffix?", not "is there one under this domain?", and a
 * wildcard over amazonaws.com covers s3.amazonaws.com, under which anyone can have a name.
 * The list's text is read once: every domain above a rule maps to that rule. */
struct cors_psl_below {
    apr_hash_t *parents;        /* domain -> a rule under it (const char *) */
};

static void add_rule_parents(apr_pool_t *p, apr_hash_t *parents, const char *line, size_t len)
{
    const char *rule, *name, *dot;
    size_t i, name_len;

    if (line[0] == '!') {
        return;                 /* an exception makes a name registrable, not a suffix */
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char)line[i] >= 0x80) {
            return;             /* Unicode rules: configurations write punycode */
        }
    }
    rule = apr_pstrmemdup(p, line, len);
    name = rule;
    name_len = len;
    if (len > 2 && rule[0] == '*' && rule[1] == '.') {
        name += 2;              /* "*.x.y": every name under x.y is a suffix */
        name_len -= 2;
        if (!apr_hash_get(parents, name, (apr_ssize_t)name_len)) {
            apr_hash_set(parents, name, (apr_ssize_t)name_len, rule);
        }
    }
    for (dot = memchr(name, '.', name_len); dot;
         dot = memchr(dot + 1, '.', name_len - (size_t)(dot + 1 - name))) {
        size_t plen = name_len - (size_t)(dot + 1 - name);
        if (!apr_hash_get(parents, dot + 1, (apr_ssize_t)plen)) {
            apr_hash_set(parents, dot + 1, (apr_ssize_t)plen, rule);
        }
    }
}

cors_psl_below *cors_psl_below_load(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    char line[512];
    cors_psl_below *below;

    if (apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BUFFERED, APR_OS_DEFAULT, p)
        != APR_SUCCESS) {
        return NULL;
    }
    below = apr_palloc(p, sizeof(*below));
    below->parents = apr_hash_make(p);
    while (apr_file_gets(line, sizeof(line), f) == APR_SUCCESS) {
        size_t len = strcspn(line, " \t\r\n");
        if (len == 0 || (line[0] == '/' && line[1] == '/')) {
            continue;
        }
        cors_lower(line, line, len);
        add_rule_parents(p, below->parents, line, len);
    }
    apr_file_close(f);
    return below;
}

const char *cors_psl_suffix_below(const cors_psl_below *below, const char *domain, size_t len)
{
    char lower[256];

    if (!below || len >= sizeof(lower)) {
        return NULL;
    }
    cors_lower(lower, domain, len);
    return apr_hash_get(below->parents, lower, (apr_ssize_t)len);
}

const char *cors_origin_wildcard_over_suffix(apr_pool_t *p, const cors_psl_below *below,
                                             const char *item)
{
    cors_origin o;

    if (cors_origin_parse(item, strlen(item), CORS_ORIGIN_PATTERN, &o) != CORS_ORIGIN_OK
        || !o.wild_host) {
        return NULL;
    }
    if (is_public_suffix(p, o.host, o.host_len)) {
        char *host = apr_pstrmemdup(p, o.host, o.host_len);
        cors_lower(host, host, o.host_len);
        return host;
    }
    return cors_psl_suffix_below(below, o.host, o.host_len);
}
