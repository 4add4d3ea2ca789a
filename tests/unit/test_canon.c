/* test_canon.c - cors_canon.c: configured origins a browser can send, and the public suffixes a wildcard covers. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <apr_file_io.h>
#include <apr_strings.h>

#include "cors.h"
#include "fixtures.h"

typedef enum {
    FINE = 0,       /* NULL, nothing normalised */
    NORMALISED,     /* NULL, *normalised is want */
    REFUSED,        /* a sentence that quotes the item and contains want */
    UNPARSED        /* cors_origin_parse refuses it already: never reaches the check */
} canon_expect;

typedef struct {
    const char *item;
    canon_expect expect;
    const char *want;
} canon_case;

static const canon_case cases[] = {
    /* Always fine. */
    { "null", FINE, NULL },
    { "NULL", FINE, NULL },
    { "*", FINE, NULL },
    { "https://app.example.com", FINE, NULL },
    { "HTTPS://APP.EXAMPLE.COM:8443", FINE, NULL },
    { "https://example.123abc", FINE, NULL },
    { "http://1.example", FINE, NULL },
    { "http://localhost:*", FINE, NULL },

    /* file: pages send "null". */
    { "file://localhost", REFUSED, "write null" },
    { "FILE://server", REFUSED, "write null" },
    { "File://server:8080", REFUSED, "browsers send the origin 'null'" },
    { "file://", UNPARSED, NULL },
    { "file:///etc/passwd", UNPARSED, NULL },

    /* IPv4 as the browser writes it. */
    { "http://127.0.0.1", FINE, NULL },
    { "http://10.0.0.1:*", FINE, NULL },
    { "https://192.168.1.10:8443", FINE, NULL },
    { "http://0.0.0.0", FINE, NULL },
    { "http://255.255.255.255", FINE, NULL },

    /* IPv4 spelled otherwise: the dotted quad to write instead. */
    { "http://127.1", REFUSED, "it sends 'http://127.0.0.1'; write that" },
    { "http://127.1:3999", REFUSED, "it sends 'http://127.0.0.1:3999'" },
    { "http://1:6060", REFUSED, "'http://0.0.0.1:6060'" },
    { "http://0x7f.0.0.1", REFUSED, "'http://127.0.0.1'" },
    { "HTTP://0X7F.0.0.1:*", REFUSED, "'HTTP://127.0.0.1:*'" },
    { "HTTP://127.1", REFUSED, "'HTTP://127.0.0.1'" },
    { "http://127.000.0.1", REFUSED, "'http://127.0.0.1'" },
    { "http://0177.0.0.1", REFUSED, "'http://127.0.0.1'" },
    { "http://2130706433", REFUSED, "'http://127.0.0.1'" },
    { "http://4294967295", REFUSED, "'http://255.255.255.255'" },
    { "http://1.2.65535", REFUSED, "'http://1.2.255.255'" },
    { "http://0x", REFUSED, "'http://0.0.0.0'" },
    { "http://0x0000000000000000000000000000000000000000000000000000007f.1", REFUSED,
      "'http://127.0.0.1'" },
    { "http://010.0.0.1", REFUSED, "'http://8.0.0.1'" },

    /* A last label that is a number makes it IPv4, and these are not valid addresses. */
    { "http://foo.bar.255", REFUSED, "is not a valid one" },
    { "http://127.0.0.1.1", REFUSED, "is not a valid one" },
    { "http://256.1.1.1", REFUSED, "is not a valid one" },
    { "http://1.2.3.4.5", REFUSED, "is not a valid one" },
    { "http://08.0.0.1", REFUSED, "is not a valid one" },
    { "http://4294967296", REFUSED, "is not a valid one" },
    { "http://1.2.65536", REFUSED, "is not a valid one" },
    { "http://999999999999999999999999999999", REFUSED, "is not a valid one" },
    { "http://example.0x1f", REFUSED, "is not a valid one" },

    /* No wildcard over IP addresses. */
    { "https://*.0.0.1", REFUSED, "list the addresses" },
    { "https://*.168.1.10", REFUSED, "list the addresses" },
    { "https://*.example.0x10", REFUSED, "list the addresses" },

    /* IPv6: normalised to the browser's serialisation. */
    { "http://[::1]", FINE, NULL },
    { "http://[::ffff:7f00:1]:8080", FINE, NULL },
    { "http://[::FFFF:7F00:1]", FINE, NULL },          /* case only: the key lower-cases */
    { "http://[1:2:3:4:5:6:7:8]", FINE, NULL },
    { "http://[1:2:3:4:5:6:7:0]", FINE, NULL },
    { "https://[0::1]:443", NORMALISED, "https://[::1]:443" },
    { "http://[0:0:0:0:0:0:0:1]", NORMALISED, "http://[::1]" },
    { "http://[::FFFF:127.0.0.1]:8080", NORMALISED, "http://[::ffff:7f00:1]:8080" },
    { "HTTP://[0::0]:*", NORMALISED, "HTTP://[::]:*" },
    { "http://[2001:DB8:0:0:1:0:0:1]", NORMALISED, "http://[2001:db8::1:0:0:1]" },
    { "http://[1:0:0:2:0:0:0:3]", NORMALISED, "http://[1:0:0:2::3]" },
    { "http://[1:0:0:2:0:0:3:4]", NORMALISED, "http://[1::2:0:0:3:4]" },     /* tie: first */
    { "http://[0:0:1::]", FINE, NULL },
    { "http://[1:0:0:0:0:0:0:0]:*", NORMALISED, "http://[1::]:*" },
    { "http://[1:2:3:4:5:6:7::]", NORMALISED, "http://[1:2:3:4:5:6:7:0]" },
    { "http://[0001:02:003:4:5:6:7:8]", NORMALISED, "http://[1:2:3:4:5:6:7:8]" },
    { "http://[::1.2.3.4]", NORMALISED, "http://[::102:304]" },
    { "http://[1::2::3]", REFUSED, "is not a valid IPv6 address" },
    { "http://[1:2:3:4:5:6:7:8:9]", REFUSED, "is not a valid IPv6 address" },
    { "http://[1:2:3:4:5:6:7:8::]", REFUSED, "is not a valid IPv6 address" },
    { "http://[12345::]", REFUSED, "is not a valid IPv6 address" },
    { "http://[:1:2]", REFUSED, "is not a valid IPv6 address" },
    { "http://[1:2:]", REFUSED, "is not a valid IPv6 address" },
    { "http://[1:2:3]", REFUSED, "is not a valid IPv6 address" },
    { "http://[::1.2.3]", REFUSED, "is not a valid IPv6 address" },
    { "http://[::1.2.3.04]", REFUSED, "is not a valid IPv6 address" },
    { "http://[::256.0.0.1]", REFUSED, "is not a valid IPv6 address" },
    { "http://[::1.2.3.4.5]", REFUSED, "is not a valid IPv6 address" },
    { "http://[1:2:3:4:5:6:7:1.2.3.4]", REFUSED, "is not a valid IPv6 address" },
    { "http://[::1", UNPARSED, NULL },

    /* Punycode must be what the browser itself would write. */
    { "http://xn--f", REFUSED, "'xn--f' is not valid punycode" },
    { "https://www.xn--a.example", REFUSED, "'xn--a' is not valid punycode" },
    { "https://xn--bcher-kva-.example", REFUSED, "not valid punycode" },
    { "https://xn--.example", REFUSED, "not valid punycode" },
    { "https://*.xn--f.example", REFUSED, "not valid punycode" },
    { "https://xn--bcher-kva.example", FINE, NULL },            /* bücher */
    { "https://XN--BCHER-KVA.example", FINE, NULL },
    { "https://*.xn--bcher-kva.example", FINE, NULL },
    { "https://xn--d1acpjx3f.xn--p1ai", FINE, NULL },           /* яндекс.рф */
    { "https://xn--ls8h.la", FINE, NULL },                      /* emoji: UTS #46 allows */

    /* Wildcards over public suffixes (private section included). */
    { "https://*.github.io", REFUSED, "(https://*.yourname.github.io)" },
    { "https://*.co.uk", REFUSED, "(https://yourname.co.uk)" },
    { "https://*.s3.amazonaws.com", REFUSED, "'s3.amazonaws.com' is a public suffix" },
    { "https://*.GitHub.IO:8443", REFUSED, "(https://*.yourname.GitHub.IO:8443)" },
    { "https://*.xn--55qx5d.cn", REFUSED, "is a public suffix" },
    { "https://*.com", UNPARSED, NULL },
    { "https://*.example.com", FINE, NULL },
    { "https://*.example.co.uk", FINE, NULL },
    { "https://*.yourname.github.io", FINE, NULL },
    { "https://*.localhost", FINE, NULL },
    { "http://*.localhost:*", FINE, NULL },
    { "HTTP://*.LOCALHOST", FINE, NULL },
};

static void check_case(apr_pool_t *p, unit_counts *u, const canon_case *c)
{
    cors_origin o;
    cors_origin_err err;
    const char *msg, *norm = "(unset)";
    /* A copy in the pool, so the check cannot lean on the table's storage. */
    const char *text = apr_pstrdup(p, c->item);

    err = cors_origin_parse(text, strlen(text), CORS_ORIGIN_PATTERN, &o);
    if (c->expect == UNPARSED) {
        CHECK(u, err != CORS_ORIGIN_OK, "'%s' should not parse", c->item);
        return;
    }
    CHECK(u, err == CORS_ORIGIN_OK, "'%s' should parse: %s", c->item,
          cors_origin_strerror(err));
    if (err != CORS_ORIGIN_OK) {
        return;
    }
    msg = cors_origin_check_config(p, text, &o, &norm);
    switch (c->expect) {
    case FINE:
        CHECK(u, msg == NULL, "'%s' should be fine, got: %s", c->item, msg);
        CHECK_STR(u, norm, NULL, c->item);
        break;
    case NORMALISED:
        CHECK(u, msg == NULL, "'%s' should be normalised, got: %s", c->item, msg);
        CHECK_STR(u, norm, c->want, c->item);
        break;
    case REFUSED:
        CHECK(u, msg != NULL, "'%s' should be refused", c->item);
        CHECK_STR(u, norm, NULL, c->item);
        if (msg) {
            const char *quoted = apr_psprintf(p, "'%s'", c->item);
            CHECK(u, strncmp(msg, quoted, strlen(quoted)) == 0,
                  "'%s': the sentence should open by quoting it: %s", c->item, msg);
            CHECK(u, strstr(msg, c->want) != NULL, "'%s': want '%s' in: %s", c->item, c->want,
                  msg);
        }
        break;
    case UNPARSED:
        break;
    }
}

/* Every suggested form must itself pass the check unchanged: following the advice works. */
static void check_suggestions_settle(apr_pool_t *p, unit_counts *u)
{
    static const char *const items[] = {
        "http://127.1:3999", "http://1:6060", "HTTP://0X7F.0.0.1:*", "http://2130706433",
        "http://[0:0:0:0:0:0:0:1]", "http://[::FFFF:127.0.0.1]:8080", "HTTP://[0::0]:*",
    };
    size_t i;

    for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        cors_origin o;
        const char *norm, *msg, *next;

        if (cors_origin_parse(items[i], strlen(items[i]), CORS_ORIGIN_PATTERN, &o)) {
            CHECK(u, 0, "'%s' should parse", items[i]);
            continue;
        }
        msg = cors_origin_check_config(p, items[i], &o, &norm);
        if (norm) {
            next = norm;
        }
        else {
            /* The form to write is the second quoted text: "... it sends 'X'; write that". */
            const char *from = msg ? strstr(msg, "it sends '") : NULL;
            const char *to = from ? strchr(from + 10, '\'') : NULL;

            CHECK(u, to != NULL, "'%s': no suggestion in: %s", items[i], msg ? msg : "");
            if (!to) {
                continue;
            }
            next = apr_pstrmemdup(p, from + 10, (size_t)(to - from - 10));
        }
        CHECK(u, cors_origin_parse(next, strlen(next), CORS_ORIGIN_PATTERN, &o) == 0,
              "suggested '%s' should parse", next);
        msg = cors_origin_check_config(p, next, &o, &norm);
        CHECK(u, msg == NULL && norm == NULL, "suggested '%s' should be final: %s", next,
              msg ? msg : norm ? norm : "");
    }
}

/* A wildcard over a domain that holds public suffixes: the list's text, read once. */
static void test_suffixes_below(apr_pool_t *p, unit_counts *u)
{
    char path[] = "/tmp/cors-psl-XXXXXX";
    apr_file_t *f;
    const cors_psl_below *below;
    const char *text = "// comment\ncom\n*.compute.amazonaws.com\ns3.amazonaws.com\n"
                       "!city.kawasaki.jp\n*.kawasaki.jp\nGLOBAL.SSL.Fastly.net\n";
    apr_size_t len = strlen(text);

    if (apr_file_mktemp(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, p)
        != APR_SUCCESS) {
        CHECK(u, 0, "a temporary list file");
        return;
    }
    apr_file_write_full(f, text, len, NULL);
    apr_file_close(f);
    below = cors_psl_below_load(p, path);
    apr_file_remove(path, p);
    CHECK(u, below != NULL, "the list loads");
    CHECK_STR(u, cors_psl_suffix_below(below, "amazonaws.com", 13), "*.compute.amazonaws.com",
              "amazonaws.com holds suffixes");
    CHECK(u, cors_psl_suffix_below(below, "compute.amazonaws.com", 21) != NULL,
          "a '*.' rule's own domain holds them");
    CHECK(u, cors_psl_suffix_below(below, "Fastly.NET", 10) != NULL, "any case");
    CHECK(u, cors_psl_suffix_below(below, "ssl.fastly.net", 14) != NULL, "every level above");
    CHECK(u, cors_psl_suffix_below(below, "example.com", 11) == NULL, "an ordinary domain");
    CHECK(u, cors_psl_suffix_below(below, "kawasaki.jp", 11) != NULL, "wildcard rules count");
    CHECK(u, cors_psl_suffix_below(below, "city.kawasaki.jp", 16) == NULL,
          "an exception is not a suffix");
    CHECK(u, cors_psl_below_load(p, "/nonexistent/list.dat") == NULL, "a missing list: NULL");
    CHECK(u, cors_psl_suffix_below(NULL, "amazonaws.com", 13) == NULL, "... checks nothing");
}

/* The public suffix a configured wildcard covers: its own domain, or one the list holds
 * under it; nothing for what is not a wildcard over a host. */
static void test_wildcard_over_suffix(apr_pool_t *p, unit_counts *u)
{
    const cors_psl_below *below = psl_below_of(p, "*.compute.amazonaws.com\n"
                                                  "s3.amazonaws.com\n");
    static const struct {
        const char *item;
        const char *want;       /* NULL: covers none */
    } wildcards[] = {
        { "https://*.github.io", "github.io" },
        { "HTTPS://*.GitHub.IO:*", "github.io" },
        { "https://*.co.uk", "co.uk" },
        { "https://*.s3.amazonaws.com", "s3.amazonaws.com" },
        { "https://*.amazonaws.com", "*.compute.amazonaws.com" },
        { "https://*.example.com", NULL },
        { "https://app.github.io", NULL },
        { "https://github.io", NULL },
        { "*", NULL },
        { "null", NULL },
        { "not an origin", NULL },
    };
    size_t i;

    CHECK(u, below != NULL, "the list loads");
    for (i = 0; i < sizeof(wildcards) / sizeof(wildcards[0]); i++) {
        CHECK_STR(u, cors_origin_wildcard_over_suffix(p, below, wildcards[i].item),
                  wildcards[i].want, wildcards[i].item);
    }
    CHECK(u, cors_origin_wildcard_over_suffix(p, NULL, "https://*.amazonaws.com") == NULL,
          "without the list, only the domain itself is asked about");
}

void test_canon(apr_pool_t *p, unit_counts *u)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_case(p, u, &cases[i]);
    }
    check_suggestions_settle(p, u);
    test_suffixes_below(p, u);
    test_wildcard_over_suffix(p, u);
}
