/* cors.h - the policy core's interface: origins, token lists, policies and the CORS decision. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * The core knows nothing of httpd: it needs APR only, so it can be unit-tested, fuzzed and
 * benchmarked without a server.  mod_cors.c maps httpd's phases onto it.
 *
 * Everything a policy needs is parsed, validated and normalised when the configuration is
 * read; the request-time functions (cors_origin_allowed, cors_decide_*) only look things up
 * and allocate nothing except, on refusal or when echoing, from the pool they are given.
 */
#ifndef CORS_H
#define CORS_H

#include <stddef.h>

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "Not given at this level": every policy field starts here so merging can tell. */
#define CORS_UNSET (-1)

/* Hard bounds on attacker-controlled input: anything larger is refused, never scanned further.
 * A serialized origin is scheme "://" host (at most 253) ":" port, so 512 leaves room. */
#define CORS_ORIGIN_MAX         512
#define CORS_TOKEN_MAX          128   /* one method or header name */
#define CORS_REQ_HEADERS_MAX    64    /* names in Access-Control-Request-Headers */
#define CORS_REQ_ELEMENTS_MAX   128   /* elements incl. empty ones: bounds a header of commas */
#define CORS_REQ_LINES_MAX      16    /* Access-Control-Request-Headers header lines */

/* ---------------------------------------------------------------------------------------- */
/* Origins                                                                                  */

typedef struct {
    const char *scheme;         /* points into the parsed text; not lower-cased there */
    size_t scheme_len;
    const char *host;           /* without the leading "*." of a pattern; brackets kept for IPv6 */
    size_t host_len;
    unsigned int port;          /* 0: the scheme's default port (or none given) */
    unsigned int wild_host : 1; /* "*.example.com": one or more labels before host */
    unsigned int any_port : 1;  /* "host:*" */
    unsigned int is_null : 1;   /* the opaque origin "null" */
    unsigned int is_any : 1;    /* "*" alone (patterns only) */
    unsigned int has_upper : 1; /* the text has upper case: its key is not the text itself */
} cors_origin;

typedef enum {
    CORS_ORIGIN_OK = 0,
    CORS_ORIGIN_EMPTY,
    CORS_ORIGIN_TOO_LONG,
    CORS_ORIGIN_NO_SCHEME,
    CORS_ORIGIN_BAD_SCHEME,
    CORS_ORIGIN_USERINFO,
    CORS_ORIGIN_TRAILING_SLASH,
    CORS_ORIGIN_PATH,
    CORS_ORIGIN_QUERY,
    CORS_ORIGIN_FRAGMENT,
    CORS_ORIGIN_BAD_HOST,
    CORS_ORIGIN_BAD_PORT,
    CORS_ORIGIN_BAD_WILDCARD,   /* "*" anywhere but the whole leftmost label (or the port) */
    CORS_ORIGIN_TOO_BROAD       /* "*.com": a wildcard over a whole top-level domain */
} cors_origin_err;

/* Parse text of length len.  CORS_ORIGIN_PATTERN accepts what a configuration may say
 * ("*", "*.host", ":*"); without it only what a browser sends in Origin is accepted. */
#define CORS_ORIGIN_PATTERN 1
cors_origin_err cors_origin_parse(const char *text, size_t len, int flags, cors_origin *out);

/* A sentence for an admin: what is wrong and how to write it instead. */
const char *cors_origin_strerror(cors_origin_err err);

/* Write the normalised form (lower case, default port dropped, "null", "*" or the pattern)
 * into buf; returns its length, or 0 when it does not fit.  Two origins are the same origin
 * exactly when their keys are byte-equal. */
size_t cors_origin_key(const cors_origin *o, char *buf, size_t size);

/* A configured origin or pattern that no browser can send is an entry that silently never
 * matches, and a wildcard over a public suffix lets strangers in: checks one item parsed
 * (CORS_ORIGIN_PATTERN) from configuration text.  Returns NULL when the item is what a
 * browser sends (or a pattern over such), otherwise a sentence for the admin that quotes the
 * item and names the form to write.  Where the browser's serialisation is unambiguous (an
 * uncompressed IPv6 literal) it returns NULL and sets *normalised to that form; otherwise
 * *normalised is NULL. */
const char *cors_origin_check_config(apr_pool_t *p, const char *text, const cors_origin *o,
                                     const char **normalised);

/* The same for an item that allows (allowing != 0) or removes: a removal over a public
 * suffix lets nobody in, so only allowances are held to that rule. */
const char *cors_origin_check_item(apr_pool_t *p, const char *text, const cors_origin *o,
                                   int allowing, const char **normalised);

/* For an item whose scheme no page has as its origin (file:, data:, javascript:, about:,
 * ws:, wss:, ftp:, blob:), a sentence saying what to write; NULL otherwise. */
const char *cors_origin_scheme_error(apr_pool_t *p, const char *text, const char *scheme,
                                     size_t len);

/* Is domain (any case) a public suffix (the Public Suffix List, private section included,
 * without its implicit "*" rule)? */
int cors_domain_is_public_suffix(apr_pool_t *p, const char *domain, size_t len);

/* The domains under which the Public Suffix List holds a suffix (amazonaws.com holds
 * s3.amazonaws.com): a wildcard over one covers names anyone can register.  Loaded once
 * from the list's text (Debian's publicsuffix package) into p; NULL when it cannot be read. */
typedef struct cors_psl_below cors_psl_below;
#define CORS_PSL_LIST "/usr/share/publicsuffix/public_suffix_list.dat"
cors_psl_below *cors_psl_below_load(apr_pool_t *p, const char *path);

/* A public suffix under domain (any case; without "*." or port), or NULL. */
const char *cors_psl_suffix_below(const cors_psl_below *below, const char *domain, size_t len);

/* For a pattern item whose host is "*.x" (any case, as configured), the public suffix its
 * wildcard covers: x itself (lower case) when x is a public suffix (cors_domain_is_public_suffix),
 * otherwise one the Public Suffix List holds under x (cors_psl_suffix_below; below may be
 * NULL); NULL when it covers none, or when item is not such a pattern.  Anyone can register
 * a name under a public suffix, so an allowance that covers one lets strangers in. */
const char *cors_origin_wildcard_over_suffix(apr_pool_t *p, const cors_psl_below *below,
                                             const char *item);

/* ---------------------------------------------------------------------------------------- */
/* Token lists                                                                              */

/* Is [s, s+len) a non-empty HTTP token (RFC 9110 tchar)? */
int cors_is_token(const char *s, size_t len);

/* Split a directive argument on commas and white space into items, appended to out as
 * const char * in pool p (so "GET, POST" and GET POST read alike). */
void cors_split_items(apr_pool_t *p, const char *text, apr_array_header_t *out);

/* A directive's unsigned decimal argument: 1 with *out set when text is digits only (no
 * sign, no space) and their value is from lo to hi; 0 otherwise, whatever its length (no
 * overflow). */
int cors_parse_uint(const char *text, unsigned long lo, unsigned long hi, unsigned long *out);

/* FNV-1a, 64 bits, over len bytes: the same on every server and build, for names a fleet
 * shares (a cache's keys).  Not for what strangers choose: it is not collision-resistant. */
apr_uint64_t cors_fnv1a64(const void *data, size_t len);

/* A hash table hashing its keys eight bytes at a time (every core table's), for callers that
 * look up what requests send: an origin, a method, header names. */
apr_hash_t *cors_hash_make(apr_pool_t *p);

/* Calls fn for each element of an Access-Control-Request-Headers value, tolerating spaces
 * and empty elements.  Returns 0 when every element was visited, or a reason (static text)
 * when a bound was hit or an element is not a token; *elements counts across calls so the
 * bounds hold over several header lines.  fn returns non-zero to stop. */
typedef int (*cors_token_fn)(void *baton, const char *name, size_t len);
const char *cors_each_request_header(const char *value, unsigned int *elements,
                                     unsigned int *names, cors_token_fn fn, void *baton);
/* The same, each name lower-cased (in a buffer valid during the call): the request path. */
const char *cors_each_request_header_lower(const char *value, unsigned int *elements,
                                           unsigned int *names, cors_token_fn fn, void *baton);

/* ---------------------------------------------------------------------------------------- */
/* Sets: the origin, method and header lists of one configuration level                     */

/* How one item of a directive line edits what the level inherits. */
typedef enum {
    CORS_ITEM_PLAIN = 0,        /* part of a list that replaces the inherited one */
    CORS_ITEM_ADD,              /* "+item" */
    CORS_ITEM_REMOVE            /* "-item" */
} cors_edit;

typedef enum {
    CORS_SET_ORIGINS = 0,
    CORS_SET_METHODS,           /* DELETE GET HEAD OPTIONS POST PUT fold case; others do not */
    CORS_SET_HEADERS            /* compared case-insensitively */
} cors_set_kind;

/* Names one level of a method or header list may hold, and regexes one level of an origin
 * list may hold: far beyond any real policy, and it keeps an .htaccess file's cost (parsed
 * again on every request) small.  Exact origins and patterns are not bounded. */
#define CORS_LIST_MAX           256
/* Method or header items in force over merged levels, counting every +/- edit and a whole
 * list's items (sections of "+X" nested without end would cost their square on every
 * request), and origin levels layered one on another: past them the merged list allows
 * nothing, see cors_policy_overflow. */
#define CORS_MERGED_EDITS_MAX   512
#define CORS_MERGED_LAYERS_MAX  64

typedef struct cors_set cors_set;

/* A regex matcher supplied by the caller (cors_pcre_match in cors_conf.h: PCRE2 with a match
 * limit; tests also use POSIX): returns 1 when re matches the whole of [s, s+len), 0 when it
 * does not, -1 when the match gave up at its limit.  p is for memory the match needs (the
 * request's pool). */
typedef int (*cors_regex_fn)(const void *re, const char *s, size_t len, apr_pool_t *p);

cors_set *cors_set_make(apr_pool_t *p, cors_set_kind kind);

/* What an origin source answers for one origin.  A cached answer past its time that the
 * source could not renew still allows (STALE): the core treats it as ALLOWED, and says which
 * it was (cors_answer) so a caller can count the two apart. */
typedef enum {
    CORS_SOURCE_UNAVAILABLE = -1,   /* cannot answer now: the origin is refused (fail closed) */
    CORS_SOURCE_REFUSED = 0,        /* the source does not list the origin */
    CORS_SOURCE_ALLOWED = 1,        /* the source lists it */
    CORS_SOURCE_STALE = 2           /* listed in a cached answer past its time */
} cors_source_answer;

/* Origins kept outside the configuration, which change while the server runs (a file read
 * again when it changes, a DBM file, an SQL query): the caller looks them up, the core only
 * asks, with the origin's normalised key, and only when nothing in force has settled the
 * answer yet (no removal matched, no allowance did).  p is the request's; baton is what the
 * request passed (cors_request). */
typedef cors_source_answer (*cors_source_fn)(const void *src, const char *key, size_t len,
                                             apr_pool_t *p, void *baton);

/* Add a source to an origin set: sources only allow (CORS_ITEM_PLAIN replaces the inherited
 * list like a plain item, CORS_ITEM_ADD adds to it).  name is the source's identity (two
 * levels naming the same source share it) and its name in messages. */
const char *cors_set_add_source(apr_pool_t *p, cors_set *set, const char *name,
                                cors_source_fn lookup, const void *src, cors_edit edit);

/* Add one item: O(1), whatever the level already holds.  Returns NULL or an error sentence
 * (without the directive name). */
const char *cors_set_add(apr_pool_t *p, cors_set *set, const char *item, cors_edit edit);

/* Where the items added next were written ("file:line"), recorded with each of them
 * (origins, patterns, regexes, sources, methods, headers; removals too) for a view of the
 * policy in force (cors_set_each).  where is kept, not copied: it must last as long as set
 * (the configuration's pool).  NULL until said. */
void cors_set_note_where(cors_set *set, const char *where);

/* Add a compiled regex.  Returns NULL or an error sentence; *broad is set when the regex
 * matches origins no policy means to allow (it is "any origin" spelt as a regex). */
const char *cors_set_add_regex(apr_pool_t *p, cors_set *set, const char *source,
                               cors_regex_fn match, const void *re, cors_edit edit,
                               int *broad);

/* Whether a regex matches origins no policy means to allow: the probes cors_set_add_regex
 * runs, which may each cost up to the regex's match limit.  A caller that has judged a
 * regex's text before may remember the verdict and pass it (judged: 0 or 1; -1 runs the
 * probes) to the same add, which then runs none. */
int cors_regex_is_broad(apr_pool_t *p, const char *source, cors_regex_fn match,
                        const void *re);
const char *cors_set_add_regex_judged(apr_pool_t *p, cors_set *set, const char *source,
                                      cors_regex_fn match, const void *re, cors_edit edit,
                                      int judged, int *broad);

/* A level is read item by item; what the request path needs (the header value, the facts
 * over the chain of levels) is derived once, when the level is complete.  cors_set_seal
 * does that in place (start-up, or a set only its own thread sees); cors_set_sealed_copy
 * never writes to set: it gives set itself when it is sealed already, otherwise a sealed
 * copy in p (a level read at request time, shared with other threads). */
void cors_set_seal(apr_pool_t *p, cors_set *set);
const cors_set *cors_set_sealed_copy(apr_pool_t *p, const cors_set *set);

/* The set in force below a level (sealed): add's own if it replaces, add's edits on top of
 * base otherwise.  Origins are layered (O(depth) here, whatever their number); methods and
 * headers, which are short, are flattened. */
const cors_set *cors_set_merge(apr_pool_t *p, const cors_set *base, const cors_set *add);

/* Facts about a set (sealed, or a single level being read). */
int cors_set_replaces(const cors_set *set);   /* does the level give a whole list? */
int cors_set_has_any(const cors_set *set);    /* is "*" allowed in effect? */
int cors_set_has_denies(const cors_set *set); /* is a removal in force? */
int cors_set_is_any(const cors_set *set);     /* "*" and nothing refused: a fixed answer */
int cors_set_has_null(const cors_set *set);   /* "null" allowed in effect (worth a warning) */
int cors_set_has_broad(const cors_set *set);  /* a regex matching any origin allowed */
size_t cors_set_count(const cors_set *set);   /* items at this level (for summaries) */

/* The origin items in force over a chain, for the start-up summary: the allowed ones (the
 * nearest level first, regexes as "~regex"), at most max of each kind, then the removed. */
const char *cors_set_describe(apr_pool_t *p, const cors_set *set, int max);

/* What an item in force is, for cors_set_each. */
typedef enum {
    CORS_KIND_EXACT = 0,        /* one origin */
    CORS_KIND_PATTERN,          /* a host "*.example.com", or "http://localhost:*" */
    CORS_KIND_REGEX,            /* CORSAllowOriginMatch */
    CORS_KIND_SOURCE,           /* an origin source, by its name */
    CORS_KIND_TOKEN,            /* a method or header name */
    CORS_KIND_ANY,              /* "*" */
    CORS_KIND_NULL              /* the origin "null" */
} cors_item_kind;

/* One item in force: its text as the admin wrote it, how it edits (a removal's text is
 * without its "-"), its kind, and where it was written (NULL when not said).  Returns
 * non-zero to stop. */
typedef int (*cors_item_fn)(void *baton, const char *text, cors_edit edit,
                            cors_item_kind kind, const char *where);

/* Calls fn for each item a set has in force, the nearest level first: every item of each
 * level down to the nearest one that replaces the inherited list, an item named again by a
 * nearer level only once (the nearer one, which decides).  Methods and headers, flattened
 * when merged, are given latest edit first.  The defaults (GET, HEAD, POST where no list
 * replaces them) are not items.  For views of a policy, not the request path: O(items x
 * levels). */
void cors_set_each(const cors_set *set, cors_item_fn fn, void *baton);

/* The configuration level a set's nearest items come from, the same for every request that
 * merges that level (for saying something once per level); NULL for NULL. */
const void *cors_set_identity(const cors_set *set);

/* An allowed http:// origin other than loopback (credentials sent to it cross the network
 * in clear), or NULL.  Sealed sets only. */
const char *cors_set_insecure_origin(const cors_set *set);

/* The header value listing what a sealed method or header set allows, without "*"; NULL
 * for an empty list.  Methods default to GET, HEAD, POST. */
const char *cors_set_value(const cors_set *set);

/* Request-time lookups on sealed sets. */

/* 1: allowed; 0: refused; -1: refused because a regex gave up at its match limit (its
 * source in *limited, for the log); -2: refused because an origin source that could have
 * allowed it cannot answer now (its name in *limited).  p: scratch memory for regex
 * matching. */
int cors_origin_allowed(apr_pool_t *p, const cors_set *origins, const char *origin,
                        size_t len, const char **limited);
/* The same, with the baton handed to the sources' look-ups (the glue's request). */
int cors_origin_allowed_by(apr_pool_t *p, const cors_set *origins, const char *origin,
                           size_t len, void *baton, const char **limited);
/* method as sent; DELETE GET HEAD OPTIONS POST PUT in any case count as upper case. */
int cors_method_allowed(const cors_set *methods, const char *method, size_t len);
/* name must be lower case; "*" never covers authorization (Fetch). */
int cors_header_allowed(const cors_set *headers, const char *name, size_t len);
/* Whether a response header (any case) may be named in Access-Control-Expose-Headers:
 * not removed in an expose list that allows "*". */
int cors_expose_allowed(const cors_set *expose, const char *name, size_t len);

/* The spelling browsers send for method (upper case for the six they normalise); method
 * itself otherwise. */
const char *cors_method_normal(const char *method, size_t len);

/* ---------------------------------------------------------------------------------------- */
/* The SQL of an origin query                                                               */

/* Checks the SQL of CORSAllowOriginQuery, where any row returned allows the origin: one
 * SELECT (or WITH ... SELECT) that only reads, with exactly one %s, unquoted (apr_dbd binds
 * it) and no other %, and no comment; the origin compared as "column = %s" (a column, a
 * qualified one or a function of one), one of the conditions the outermost SELECT's WHERE
 * clause joins with AND, with only plain parentheses around it; no UNION, INTERSECT or
 * EXCEPT, and no aggregate or EXISTS in the outermost SELECT, which return a row for every
 * origin.  Returns NULL when the query is fine, otherwise a sentence for the admin that
 * quotes it and says what to write. */
const char *cors_sql_check(apr_pool_t *p, const char *sql);

/* ---------------------------------------------------------------------------------------- */
/* Policies: one configuration level, and the merge of levels                               */

/* Each scalar setting comes with where it was set ("file:line", NULL when not said), for
 * messages ("CORSEnable Off at ...") and for a view of the policy in force; merged with its
 * setting, so a merged policy says where each value in force came from.  The lists' items
 * say it themselves (cors_set_note_where). */
typedef struct {
    int enable;                 /* CORS_UNSET, 0, 1 */
    const char *enable_where;
    cors_set *origins;          /* NULL: not given at this level */
    cors_set *methods;
    cors_set *headers;
    cors_set *expose;
    int credentials;            /* CORS_UNSET, 0, 1 */
    const char *credentials_where;
    int max_age;                /* CORS_UNSET or 0..86400 */
    const char *max_age_value;  /* the same, as the header value */
    const char *max_age_where;
    int preflight_status;       /* CORS_UNSET, 200, 204 */
    const char *preflight_status_where;
    int private_network;        /* CORS_UNSET, 0, 1 */
    const char *private_network_where;
    int debug;                  /* CORS_UNSET, 0, 1 */
    const char *debug_where;
    int report_only;            /* CORS_UNSET, 0, 1: decide and record, change no response */
    const char *report_only_where;
    int timing;                 /* CORS_UNSET, 0, 1: Timing-Allow-Origin with the decision */
    const char *timing_where;
    /* Derived when sealed, for the request path: */
    int sealed;
    int empty;                  /* the level says nothing (most sections, server defaults) */
    int conflict;               /* credentials with "*" (or an any-origin regex) or "*" exposed */
} cors_policy;

cors_policy *cors_policy_make(apr_pool_t *p);
/* The same for a level embedded in a larger record (the glue's per-directory record). */
void cors_policy_init(cors_policy *pol);

/* The merge of two levels, sealed: a level that says nothing gives back the other one (a
 * sealed copy of it where it is not sealed), otherwise a new policy in p. */
const cors_policy *cors_policy_merge(apr_pool_t *p, const cors_policy *base,
                                     const cors_policy *add);

/* The same merge written into out (the caller's record, such as one a module embeds every
 * level in), sealed; out may be neither base nor add.  The lists are shared with base and
 * add, never copied into out. */
void cors_policy_merge_into(apr_pool_t *p, const cors_policy *base, const cors_policy *add,
                            cors_policy *out);

/* See cors_set_seal: in place at start-up, or (cors_policy_sealed_copy) pol itself when
 * sealed already, else a sealed copy of a level read at request time (an .htaccess file). */
void cors_policy_seal(apr_pool_t *p, cors_policy *pol);
const cors_policy *cors_policy_sealed_copy(apr_pool_t *p, const cors_policy *pol);

/* The contradiction a policy carries ("*" with credentials), or NULL: used on one section
 * while its directives are read, and on merged policies at start-up and request time. */
const char *cors_policy_conflict(const cors_policy *pol);

/* What is allowed but unwise (an any-origin regex, credentials for http:// origins): appends
 * a sentence per warning (const char *) to out.  Sealed policies only. */
void cors_policy_warnings(apr_pool_t *p, const cors_policy *pol, apr_array_header_t *out);

/* Is the policy on: CORSEnable On, or an origin list in force and CORSEnable not Off. */
int cors_policy_enabled(const cors_policy *pol);

/* Where merged levels edit a list past CORS_MERGED_EDITS_MAX or CORS_MERGED_LAYERS_MAX, the
 * sentence to log (the list then allows nothing); NULL otherwise. */
const char *cors_policy_overflow(const cors_policy *pol);

/* Why a policy is off, for CORSDebug and cors:info (NULL when it is on). */
const char *cors_policy_off_reason(apr_pool_t *p, const cors_policy *pol);

/* ---------------------------------------------------------------------------------------- */
/* The decision                                                                             */

typedef struct {
    const char *origin;         /* the Origin header as received, NULL if absent */
    const char *method;         /* Access-Control-Request-Method (preflights) */
    const char *const *request_headers; /* Access-Control-Request-Headers lines */
    unsigned int request_header_lines;
    int private_network;        /* Access-Control-Request-Private-Network: true */
    void *source_baton;         /* handed to origin sources (cors_source_fn) */
} cors_request;

/* Why a request with Origin got no CORS headers. */
typedef enum {
    CORS_REFUSED_NONE = 0,      /* allowed, or not a CORS request (no Origin) */
    CORS_REFUSED_NO_POLICY,     /* no CORSAllowOrigin for this location */
    CORS_REFUSED_ORIGIN,        /* refused: the Origin */
    CORS_REFUSED_METHOD,        /* refused: the method */
    CORS_REFUSED_HEADER,        /* refused: a request header name */
    CORS_REFUSED_MALFORMED,     /* refused: what was sent cannot be right (refused says what) */
    CORS_REFUSED_REGEX_LIMIT,   /* refused: a regex gave up at its match limit (limited) */
    CORS_REFUSED_SOURCE_DOWN    /* refused: an origin source could not answer (limited) */
} cors_refusal;

typedef struct {
    int allowed;                /* send the Access-Control-Allow-* headers below */
    int origin_sent;            /* the request had an Origin: a CORS request to account for
                                 * (a fixed "*" answers the others too, see
                                 * cors_answer_outcome) */
    int vary;                   /* the answer depends on Origin: add Vary: Origin */
    int conflict;               /* merged contradiction: credentials withheld */
    cors_refusal refusal;       /* why not allowed */
    const char *refused;        /* the origin, method or header concerned, as sent */
    const char *limited;        /* CORS_REFUSED_REGEX_LIMIT: the regex's source;
                                 * CORS_REFUSED_SOURCE_DOWN: the origin source's name */
    const char *source;         /* the origin source whose answer decided the origin, NULL if
                                 * none did: the one that allowed, or could not answer, or
                                 * (where every source asked refused) the first one asked */
    cors_source_answer source_answer;   /* its answer (meaningful where source is set) */
    const char *allow_origin;
    const char *allow_credentials;  /* "true" or NULL */
    const char *expose_headers;
    const cors_set *expose_filter;  /* "*" with removals: name the response's own headers
                                     * that cors_expose_allowed lets through */
    const char *allow_methods;      /* preflights only */
    const char *allow_headers;
    const char *max_age;
    const char *allow_private_network;
    const char *timing_allow_origin;    /* actual responses under CORSTimingAllowOrigin On */
    int status;                 /* preflights: 200 or 204 when allowed */
} cors_answer;

/* Any response of a CORS-enabled location that is not a preflight. */
void cors_decide_actual(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                        cors_answer *ans);

/* A preflight: OPTIONS with Origin and a non-empty Access-Control-Request-Method. */
void cors_decide_preflight(apr_pool_t *p, const cors_policy *pol, const cors_request *req,
                           cors_answer *ans);

/* Why the answer refuses, in the browser console's words, quoting what was sent short and
 * printable; NULL when it does not refuse.  Formatted only when asked for (a log line, the
 * CORSDebug header), so refusing costs no more than allowing.  For the error log: it names
 * the regex that gave up at its match limit and the origin source that could not answer. */
const char *cors_answer_reason(apr_pool_t *p, const cors_answer *ans);

/* The same sentences for what a response may say (CORSDebug's header, which an .htaccess
 * file may switch on): the admin's regex and the origin source's name (a file's path, a
 * query's SQL) are left out, so the header says only which kind of item could not answer. */
const char *cors_answer_reason_public(apr_pool_t *p, const cors_answer *ans);

/* What became of a request, for an access log and for counters.  CORS_OUTCOME_NONE where no
 * policy applies (no Origin, even where a fixed "*" answers it, or no origin list in force);
 * REFUSED_UNAVAILABLE where an origin source could not answer (its database down or locked,
 * its budget spent, its file unreadable), which is an outage, not a refusal of the origin. */
typedef enum {
    CORS_OUTCOME_NONE = 0,
    CORS_OUTCOME_ALLOWED,
    CORS_OUTCOME_PREFLIGHT,             /* an allowed preflight */
    CORS_OUTCOME_REFUSED_ORIGIN,        /* the origin, or a regex that gave up on it */
    CORS_OUTCOME_REFUSED_METHOD,
    CORS_OUTCOME_REFUSED_HEADER,
    CORS_OUTCOME_REFUSED_UNAVAILABLE,
    CORS_OUTCOMES
} cors_outcome;

cors_outcome cors_answer_outcome_of(const cors_answer *ans, int preflight);

/* An outcome in one word: "allowed", "preflight", "refused-origin", "refused-method",
 * "refused-header", "refused-unavailable", or "-"; under CORSReportOnly (report) the same
 * prefixed "report-" ("-" stays "-"). */
const char *cors_outcome_name(cors_outcome o, int report);

/* cors_outcome_name(cors_answer_outcome_of(ans, preflight), 0). */
const char *cors_answer_outcome(const cors_answer *ans, int preflight);

#ifdef __cplusplus
}
#endif

#endif /* CORS_H */
