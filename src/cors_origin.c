/* cors_origin.c - parsing, validating and normalising serialized origins and origin patterns. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include "cors_internal.h"

#define HOST_MAX  253
#define LABEL_MAX 63

static int is_alpha(char c)
{
    /* Setting bit 5 folds A-Z onto a-z and moves no other ASCII character into a-z. */
    return (unsigned int)(((unsigned char)c | 0x20) - 'a') <= (unsigned int)('z' - 'a');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static int scheme_ok(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || !is_alpha(s[0])) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') {
            return 0;
        }
    }
    return 1;
}

/* A registered name as browsers serialise it (punycode for IDNs) or an IPv4 address:
 * dot-separated non-empty labels of letters, digits, '-' and '_'. */
static int reg_name_ok(const char *s, size_t len)
{
    size_t i, label = 0;

    if (len == 0 || len > HOST_MAX) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0) {
                return 0;
            }
            label = 0;
            continue;
        }
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
            return 0;
        }
        if (++label > LABEL_MAX) {
            return 0;
        }
    }
    return label != 0;          /* no trailing dot */
}

/* "[" IPv6 "]": only what an IPv6 literal can hold; the browser has already canonicalised it. */
static int ipv6_ok(const char *s, size_t len)
{
    size_t i;
    int colons = 0;

    if (len < 4 || s[0] != '[' || s[len - 1] != ']') {
        return 0;
    }
    for (i = 1; i < len - 1; i++) {
        if (s[i] == ':') {
            colons++;
        }
        else if (!is_hex(s[i]) && s[i] != '.') {
            return 0;
        }
    }
    return colons >= 2;
}

static unsigned int default_port(const char *scheme, size_t len)
{
    if ((len == 4 && cors_equal_nocase(scheme, "http", 4))
        || (len == 2 && cors_equal_nocase(scheme, "ws", 2))) {
        return 80;
    }
    if ((len == 5 && cors_equal_nocase(scheme, "https", 5))
        || (len == 3 && cors_equal_nocase(scheme, "wss", 3))) {
        return 443;
    }
    return 0;
}

/* Digits only, no leading zero, 1..65535: what a browser serialises. */
static cors_origin_err parse_port(const char *s, size_t len, int flags, cors_origin *out)
{
    size_t i;
    unsigned long port = 0;

    if (len == 1 && s[0] == '*' && (flags & CORS_ORIGIN_PATTERN)) {
        out->any_port = 1;
        return CORS_ORIGIN_OK;
    }
    if (len == 0 || len > 5 || s[0] == '0') {
        return memchr(s, '*', len) ? CORS_ORIGIN_BAD_WILDCARD : CORS_ORIGIN_BAD_PORT;
    }
    for (i = 0; i < len; i++) {
        if (!is_digit(s[i])) {
            return s[i] == '*' ? CORS_ORIGIN_BAD_WILDCARD : CORS_ORIGIN_BAD_PORT;
        }
        port = port * 10 + (unsigned long)(s[i] - '0');
    }
    if (port > 65535) {
        return CORS_ORIGIN_BAD_PORT;
    }
    out->port = (unsigned int)port;
    return CORS_ORIGIN_OK;
}

static cors_origin_err parse_host(const char *s, size_t len, int flags, cors_origin *out)
{
    if (len > 0 && s[0] == '[') {
        if (!ipv6_ok(s, len)) {
            return CORS_ORIGIN_BAD_HOST;
        }
        out->host = s;
        out->host_len = len;
        return CORS_ORIGIN_OK;
    }
    if ((flags & CORS_ORIGIN_PATTERN) && len >= 2 && s[0] == '*' && s[1] == '.') {
        out->wild_host = 1;
        s += 2;
        len -= 2;
        if (memchr(s, '*', len)) {
            return CORS_ORIGIN_BAD_WILDCARD;
        }
        if (!reg_name_ok(s, len)) {
            return CORS_ORIGIN_BAD_HOST;
        }
        /* "*.com" would open a whole top-level domain; "*.localhost" is a common dev setup. */
        if (!memchr(s, '.', len) && !(len == 9 && cors_equal_nocase(s, "localhost", 9))) {
            return CORS_ORIGIN_TOO_BROAD;
        }
    }
    else if (memchr(s, '*', len)) {
        return CORS_ORIGIN_BAD_WILDCARD;
    }
    else if (!reg_name_ok(s, len)) {
        return CORS_ORIGIN_BAD_HOST;
    }
    out->host = s;
    out->host_len = len;
    return CORS_ORIGIN_OK;
}

cors_origin_err cors_origin_parse(const char *text, size_t len, int flags, cors_origin *out)
{
    const char *sep, *auth, *end, *hp, *colon;
    size_t i, auth_len;
    cors_origin_err err;

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        return CORS_ORIGIN_EMPTY;
    }
    if (len > CORS_ORIGIN_MAX) {
        return CORS_ORIGIN_TOO_LONG;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= ' ' || c >= 0x7f) {
            return CORS_ORIGIN_BAD_HOST;        /* controls, spaces, NUL, non-ASCII */
        }
        if (c >= 'A' && c <= 'Z') {
            out->has_upper = 1;
        }
    }
    /* Browsers send exactly "null"; a configuration may write it in any case. */
    if (len == 4 && ((flags & CORS_ORIGIN_PATTERN) ? cors_equal_nocase(text, "null", 4)
                                                   : memcmp(text, "null", 4) == 0)) {
        out->is_null = 1;
        return CORS_ORIGIN_OK;
    }
    if (len == 1 && text[0] == '*' && (flags & CORS_ORIGIN_PATTERN)) {
        out->is_any = 1;
        return CORS_ORIGIN_OK;
    }

    end = text + len;
    sep = NULL;
    for (i = 0; i + 3 <= len; i++) {
        if (text[i] == ':' && text[i + 1] == '/' && text[i + 2] == '/') {
            sep = text + i;
            break;
        }
        if (text[i] == '/' || text[i] == '?' || text[i] == '#' || text[i] == '@') {
            break;
        }
    }
    if (!sep) {
        return CORS_ORIGIN_NO_SCHEME;
    }
    if (!scheme_ok(text, (size_t)(sep - text))) {
        return CORS_ORIGIN_BAD_SCHEME;
    }
    out->scheme = text;
    out->scheme_len = (size_t)(sep - text);

    auth = sep + 3;
    for (hp = auth; hp < end; hp++) {
        /* Letters, the bulk of a host, sort after every delimiter looked for here. */
        if (*hp > '@') {
            continue;
        }
        if (*hp == '/' || *hp == '?' || *hp == '#') {
            break;
        }
        if (*hp == '@') {
            return CORS_ORIGIN_USERINFO;
        }
    }
    if (hp < end) {
        if (*hp == '/') {
            return (hp + 1 == end) ? CORS_ORIGIN_TRAILING_SLASH : CORS_ORIGIN_PATH;
        }
        return *hp == '?' ? CORS_ORIGIN_QUERY : CORS_ORIGIN_FRAGMENT;
    }
    auth_len = (size_t)(end - auth);
    if (auth_len == 0) {
        return CORS_ORIGIN_BAD_HOST;
    }

    /* The port follows the last ':' that is not inside an IPv6 literal's brackets. */
    colon = NULL;
    if (auth[0] == '[') {
        const char *close = memchr(auth, ']', auth_len);
        if (!close) {
            return CORS_ORIGIN_BAD_HOST;
        }
        if (close + 1 < end) {
            if (close[1] != ':') {
                return CORS_ORIGIN_BAD_HOST;
            }
            colon = close + 1;
        }
    }
    else {
        colon = memchr(auth, ':', auth_len);
    }

    err = parse_host(auth, colon ? (size_t)(colon - auth) : auth_len, flags, out);
    if (err != CORS_ORIGIN_OK) {
        return err;
    }
    if (colon) {
        err = parse_port(colon + 1, (size_t)(end - colon - 1), flags, out);
        if (err != CORS_ORIGIN_OK) {
            return err;
        }
        if (out->port && out->port == default_port(out->scheme, out->scheme_len)) {
            out->port = 0;
        }
    }
    return CORS_ORIGIN_OK;
}

const char *cors_origin_strerror(cors_origin_err err)
{
    switch (err) {
    case CORS_ORIGIN_OK:
        return "valid origin";
    case CORS_ORIGIN_EMPTY:
        return "is empty; give an origin such as https://app.example.com";
    case CORS_ORIGIN_TOO_LONG:
        return "is too long to be an origin";
    case CORS_ORIGIN_NO_SCHEME:
        return "has no scheme; an origin is scheme://host[:port], "
               "e.g. https://app.example.com";
    case CORS_ORIGIN_BAD_SCHEME:
        return "has an invalid scheme; an origin is scheme://host[:port]";
    case CORS_ORIGIN_USERINFO:
        return "contains user information ('user@'); browsers never send it in Origin, "
               "remove it";
    case CORS_ORIGIN_TRAILING_SLASH:
        return "ends with a slash; an origin has no path, remove the trailing '/'";
    case CORS_ORIGIN_PATH:
        return "has a path; an origin is scheme://host[:port] with nothing after it";
    case CORS_ORIGIN_QUERY:
        return "has a query string; an origin is scheme://host[:port] with nothing after it";
    case CORS_ORIGIN_FRAGMENT:
        return "has a fragment; an origin is scheme://host[:port] with nothing after it";
    case CORS_ORIGIN_BAD_HOST:
        return "has an invalid host; use a DNS name (punycode for IDNs), an IPv4 address "
               "or an IPv6 address in brackets";
    case CORS_ORIGIN_BAD_PORT:
        return "has an invalid port; use a number from 1 to 65535 (or '*' for any port)";
    case CORS_ORIGIN_BAD_WILDCARD:
        return "has a '*' in the wrong place; '*' may only be the whole leftmost label "
               "(https://*.example.com), the whole port (http://localhost:*) or the "
               "whole value (*)";
    case CORS_ORIGIN_TOO_BROAD:
        return "is too broad: a wildcard over a whole top-level domain would allow "
               "every site in it; name the domain (https://*.example.com)";
    }
    return "is not a valid origin";
}

size_t cors_origin_key(const cors_origin *o, char *buf, size_t size)
{
    size_t n = 0, need;
    char port[8];
    size_t port_len = 0;

    if (o->is_null || o->is_any) {
        const char *k = o->is_null ? "null" : "*";
        need = strlen(k);
        if (need + 1 > size) {
            return 0;
        }
        memcpy(buf, k, need + 1);
        return need;
    }
    if (o->any_port) {
        port[0] = ':';
        port[1] = '*';
        port_len = 2;
    }
    else if (o->port) {
        unsigned int v = o->port;
        char digits[5];
        size_t d = 0;
        while (v) {
            digits[d++] = (char)('0' + v % 10);
            v /= 10;
        }
        port[port_len++] = ':';
        while (d) {
            port[port_len++] = digits[--d];
        }
    }
    need = o->scheme_len + 3 + (o->wild_host ? 2 : 0) + o->host_len + port_len;
    if (need + 1 > size) {
        return 0;
    }
    cors_lower(buf, o->scheme, o->scheme_len);
    n = o->scheme_len;
    memcpy(buf + n, "://", 3);
    n += 3;
    if (o->wild_host) {
        buf[n++] = '*';
        buf[n++] = '.';
    }
    cors_lower(buf + n, o->host, o->host_len);
    n += o->host_len;
    memcpy(buf + n, port, port_len);
    n += port_len;
    buf[n] = '\0';
    return n;
}
