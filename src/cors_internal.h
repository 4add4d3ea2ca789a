/* cors_internal.h - the policy core's private types and helpers, shared by src/ only. */
#ifndef CORS_INTERNAL_H
#define CORS_INTERNAL_H

#include "cors.h"

/* Verdicts stored in a set: an item allows or (as "-item") refuses. */
#define CORS_NONE   0
#define CORS_ALLOW  1
#define CORS_DENY   (-1)

typedef struct {
    const char *key;            /* normalised item */
    const char *name;           /* as first written: headers are sent in the admin's spelling */
    int verdict;
} cors_item;

typedef struct {
    const char *source;         /* as the admin wrote it, for messages */
    cors_regex_fn match;
    const void *re;
    int verdict;
} cors_regex_item;

struct cors_set {
    cors_set_kind kind;
    int replaces;               /* this level gave a plain (replacing) list */
    apr_hash_t *items;          /* key -> const int * verdict */
    apr_array_header_t *edits;  /* cors_item, in order (methods and headers only) */
    apr_array_header_t *regexes;/* cors_regex_item (origins only) */
    int any;                    /* verdict of "*" at this level */
    int denies;                 /* this level refuses something */
    unsigned int wild_hosts : 1;/* this level has "*.host" patterns: try suffix keys */
    unsigned int any_ports : 1; /* this level has "host:*" patterns */
    unsigned int exacts : 1;    /* this level has exact origins ("null" included) */
    const cors_set *parent;     /* origins: the inherited layer this one edits */
    const char *value;          /* methods and headers: the header value */
    /* Derived over the chain of layers when built or merged: */
    int eff_replaces;           /* some level of the chain gave a whole list */
    int eff_any;                /* "*" allowed in effect */
    int eff_denies;             /* something refused in effect */
    int eff_null;               /* "null" allowed in effect */
};

/* Verdict objects: hash values must be pointers. */
extern const int cors_verdict_allow;
extern const int cors_verdict_deny;

/* ASCII lower-casing into dst (which holds at least len bytes); no locale. */
void cors_lower(char *dst, const char *src, size_t len);

/* Case-insensitive ASCII comparison of two strings of the same length. */
int cors_equal_nocase(const char *a, const char *b, size_t len);

/* The items of an array of const char *, joined with ", " as header lists are written. */
const char *cors_join(apr_pool_t *p, const apr_array_header_t *names);

#define CORS_IS_OWS(c) ((c) == ' ' || (c) == '\t')

#endif /* CORS_INTERNAL_H */
