/* cors_conf.h - a policy level's directives without httpd: each line's words checked and applied as mod_cors reads them, and the bounded PCRE2 regexes they compile. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * mod_cors splits a directive's line into words (httpd's ap_getword_conf) and hands them
 * here with the directive's name; an offline checker does the same with its own reader.  The
 * answer is the sentence mod_cors refuses the line with, word for word, or NULL; what the line
 * says beside an error (a note, a warning) is appended for the caller to log, each with its
 * kind so the caller chooses the level and whether to say it at all.  Needs APR, libpsl and
 * PCRE2 (-lpcre2-8), no httpd header.
 *
 *   CORSEnable On|Off                  CORSAllowCredentials On|Off
 *   CORSAllowOrigin   items...         CORSAllowPrivateNetwork On|Off
 *   CORSAllowOriginMatch regex...      CORSDebug On|Off
 *   CORSAllowMethods  items...         CORSMaxAge 0..86400
 *   CORSAllowHeaders  items...         CORSPreflightStatus 200|204
 *   CORSExposeHeaders items...         CORSReportOnly On|Off
 *                                      CORSTimingAllowOrigin On|Off
 *
 * The origin sources (CORSAllowOriginFile, -Map, -Query) and the server-wide settings need
 * the server; cors_conf_number reads the latter's numbers.
 */
#ifndef CORS_CONF_H
#define CORS_CONF_H

#include "cors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* CORSAllowOriginMatch's regexes: PCRE2, bounded                                            */

/* A regex compiled anchored at both ends (whatever the admin wrote, it matches the whole
 * origin or nothing), caseless, for the PCRE2 interpreter (not JIT: the interpreter counts
 * every backtracking point against the match limit), with a match limit of
 * CORS_PCRE_MATCH_LIMIT and a heap limit of CORS_PCRE_HEAP_LIMIT KiB on every match. */
typedef struct cors_pcre cors_pcre;

#define CORS_PCRE_MATCH_LIMIT   10000
#define CORS_PCRE_HEAP_LIMIT    256

/* Compiles source into p (pool memory only: nothing to free).  Returns NULL with *out set,
 * or a sentence quoting source: "'...' is not a valid regular expression (... at offset
 * N)". */
const char *cors_pcre_compile(apr_pool_t *p, const char *source, cors_pcre **out);

/* A cors_regex_fn for a cors_pcre: 1 matches, 0 does not, -1 gave up at a limit.  The match
 * data (and the frames it grows) is kept on p and reused by every match in p. */
int cors_pcre_match(const void *re, const char *s, size_t len, apr_pool_t *p);

/* What a compiled regex takes, for a caller that accounts for memory: the code and the
 * contexts beside it. */
apr_size_t cors_pcre_size(const cors_pcre *re);

/* ---------------------------------------------------------------------------------------- */
/* Directive lines                                                                           */

/* What a line says beside its error. */
typedef enum {
    CORS_CONF_NORMALISED = 0,   /* an origin is read in the form browsers send (info) */
    CORS_CONF_LOWER_METHOD,     /* a method in lower case, likely meant as scripts send it */
    CORS_CONF_NULL_ORIGIN,      /* the origin "null" allowed */
    CORS_CONF_BROAD_REGEX       /* a regex that matches any origin, without credentials */
} cors_conf_note_kind;

/* The last two are also what cors_policy_warnings says of a merged policy: mod_cors logs
 * them per line only where no merged policy is checked (.htaccess files). */
typedef struct {
    cors_conf_note_kind kind;
    const char *text;           /* "<directive>: ...", without where it was written */
} cors_conf_note;

/* What a caller may add to the reading of regexes; every member may be NULL. */
typedef struct {
    /* Before each regex is compiled: an error sentence stops the line (mod_cors bounds the
     * regexes one request's .htaccess files compile). */
    const char *(*admit)(void *baton, const char *directive, const char *source);
    /* A verdict judged before on the same text, 0 or 1, or -1: the any-origin probes then
     * run (cors_regex_is_broad), and remember is told what they found. */
    int (*judged)(void *baton, const char *source);
    void (*remember)(void *baton, const char *source, int broad);
    void *baton;
} cors_conf_regex_hooks;

/* One line being read. */
typedef struct {
    apr_pool_t *pool;           /* what the level keeps: the configuration's memory */
    apr_pool_t *temp;           /* scratch for this line */
    const char *name;           /* the directive, as the admin wrote its name */
    const char *where;          /* "file:line", recorded in the policy (copied); or NULL */
    const cors_psl_below *below;/* domains that hold public suffixes (cors_psl_below_load),
                                 * or NULL */
    apr_array_header_t *notes;  /* cors_conf_note, appended; NULL: not kept */
    const cors_conf_regex_hooks *regex;     /* NULL: none */
    apr_size_t *compiled;       /* where regexes compiled add their size (cors_pcre_size),
                                 * or NULL */
} cors_conf_line;

/* Is name a directive cors_conf_apply reads (case as httpd compares: any)? */
int cors_conf_is_directive(const char *name);

/* Applies one line's words (const char *, as ap_getword_conf gives them; empty words are
 * skipped) to the level pol.  Returns NULL, or the sentence mod_cors refuses the line with:
 *   "<name> needs at least one value", "<name>: ..." for a value, a contradiction within
 *   the level ("<name>: CORSAllowOrigin * cannot be combined with ..."), "<name> must be On
 *   or Off", "<name> takes one argument", or "<name> is not a directive of a CORS policy".
 * Items of a line before the one refused stay applied, as in httpd (which then refuses the
 * whole configuration). */
const char *cors_conf_apply(const cors_conf_line *line, const apr_array_header_t *words,
                            cors_policy *pol);

/* The contradiction a level holds (cors_policy_conflict) as the error of the directive that
 * made it, or NULL: mod_cors checks it after each line that sets origins or credentials. */
const char *cors_conf_check_level(apr_pool_t *p, const char *name, const cors_policy *pol);

/* A server-wide whole number (CORSOriginCacheTimeout 1..86400, CORSOriginQueryBudget
 * 1..100000): NULL with *out set, or "<name>: '<arg>' is not a number from lo to hi". */
const char *cors_conf_number(apr_pool_t *p, const char *name, const char *arg,
                             unsigned long lo, unsigned long hi, unsigned long *out);

#ifdef __cplusplus
}
#endif

#endif /* CORS_CONF_H */
