/* mod_cors_sources.c - origins kept outside the configuration: a file read again when it changes, a DBM file, an SQL query through mod_dbd, and the mod_socache cache of query answers. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * The core asks a source only when nothing listed in the configuration has settled the
 * answer (cors_source_fn), with the origin's normalised key.  Each source here answers from
 * per-process state it guards itself:
 *
 *   file   the list read from the file, swapped whole when a new version reads without
 *          error (requests still reading the old one keep it until they end); the file is
 *          looked at at most once a second per process;
 *   dbm    an apr_dbm handle, opened again when the file changes (looked at likewise);
 *   query  mod_dbd's pooled connection and a prepared statement, the origin a bound
 *          parameter; answers (yes and no) kept in a mod_socache cache per query and
 *          virtual host; the queries one process sends bounded per second, with a budget
 *          of their own for listed origins due again; a failing database left alone for a
 *          second, and few requests of a process waiting on it.
 *
 * Whatever cannot answer refuses (the request is answered, without CORS headers) and says
 * why once a minute per process and source.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <linux/openat2.h>
#endif

#include "apr_dbd.h"
#include "apr_dbm.h"
#include "apr_file_info.h"
#include "apr_global_mutex.h"
#include "apr_optional.h"
#include "apr_portable.h"
#include "apr_user.h"
#include "apr_strings.h"

#include "ap_provider.h"
#include "ap_socache.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_main.h"
#include "mod_dbd.h"
#include "util_mutex.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mod_cors_sources.h"
#include "mod_cors_store.h"

APLOG_USE_MODULE(cors);

/* How often a process looks at a file or DBM for a new version, and says a source is down. */
#define CHECK_INTERVAL      apr_time_from_sec(1)
#define LOG_INTERVAL        apr_time_from_sec(60)

/* An origin file is read whole into memory: beyond these, a DBM file is the tool. */
#define FILE_MAX            ((apr_off_t)16 * 1024 * 1024)
#define HTACCESS_FILE_MAX   ((apr_off_t)256 * 1024)   /* the .htaccess cache keeps its list */
/* A file that does not end its last line is taken once it has not changed for this long. */
#define FILE_SETTLE         apr_time_from_sec(2)

/* After a query fails, the database is left alone this long (requests are refused at once);
 * and this many requests of a process may wait on it at a time (the rest are refused). */
#define BREAKER_INTERVAL        apr_time_from_sec(1)
#define QUERIES_WAITING_MAX     4

#define DEFAULT_CACHE_TIMEOUT   60      /* seconds */
#define DEFAULT_QUERY_BUDGET    50      /* queries per second and process */

#define ENV_KEY         "mod_cors sources"
#define CACHE_MUTEX     "cors-origin-cache"
#define CACHE_NAME      "mod_cors-origins"  /* mod_socache's consumer name: 16 at most */

struct cors_sources_env {
    /* CORSOriginCache: NULL when none is configured. */
    const ap_socache_provider_t *cache;
    ap_socache_instance_t *cache_inst;
    const char *cache_spec;
    apr_global_mutex_t *cache_lock;     /* providers that are not safe across processes */
    int spread;                         /* shmcb: keys start with a byte of their hash */
    apr_interval_time_t timeout;
    int budget;                         /* queries per second and process */
    int timeout_set, budget_set;
    /* mod_dbd's functions, found when the first query is read. */
    ap_dbd_t *(*dbd_acquire)(request_rec *);
    void (*dbd_prepare)(server_rec *, const char *, const char *);
    apr_array_header_t *started;        /* source_base *: read at start-up */
    apr_hash_t *shared;                 /* "file:PATH", "dbm=TYPE:PATH" -> cors_source_made *
                                         * (a file named in several sections is read once);
                                         * "SERVER LABEL" -> the query prepared there */
    int queries;                        /* CORSAllowOriginQuery lines read */
    apr_array_header_t *query_sources;  /* query_source *: checked at post_config */
    apr_hash_t *db_ids;                 /* server_rec * -> the hash of its DBDriver and
                                         * DBDParams (16 hex digits), from post_config */
    int remote;                         /* the cache is across the network (not shmcb) */
    const unsigned char *secret;        /* CORSOriginCacheSecret: the MAC key of remote
                                         * answers, or NULL */
    apr_size_t secret_len;
    const char *secret_file;
    cors_store *store;                  /* the server's shared memory (listed origins) */
    /* Per process, from child_init. */
    apr_thread_mutex_t *lock;
    apr_time_t budget_second;
    int budget_used;
    int refresh_used;                   /* of listed origins whose answer was due again */
    apr_time_t budget_logged;
    apr_time_t cache_down_until;        /* a remote cache that failed or hung is skipped */
    int cache_waiting;                  /* requests of this process waiting on it */
    apr_time_t cache_moved;             /* when a call last began on an idle cache, or ended */
};

/* What every source has: its name, its per-process lock, and when it last said it is down. */
typedef struct {
    const char *name;
    apr_thread_mutex_t *lock;
    apr_time_t logged;
    int kind;
} source_base;

enum { SOURCE_FILE, SOURCE_DBM, SOURCE_QUERY };

static void lock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_lock(m);
    }
#else
    (void)m;
#endif
}

static void unlock(apr_thread_mutex_t *m)
{
#if APR_HAS_THREADS
    if (m) {
        apr_thread_mutex_unlock(m);
    }
#else
    (void)m;
#endif
}

/* Whether the source should say again that it cannot answer (once per LOG_INTERVAL). */
static int time_to_log(source_base *b, apr_time_t now)
{
    int say;

    lock(b->lock);
    say = b->logged == 0 || now - b->logged >= LOG_INTERVAL || now < b->logged;
    if (say) {
        b->logged = now;
    }
    unlock(b->lock);
    return say;
}

static const char *error_text(apr_pool_t *p, apr_status_t rv)
{
    char buf[120];

    return apr_pstrdup(p, apr_strerror(rv, buf, sizeof(buf)));
}

cors_sources_env *cors_sources_env_of(apr_pool_t *pconf)
{
    cors_sources_env *env = NULL;

    apr_pool_userdata_get((void **)&env, ENV_KEY, pconf);
    if (!env) {
        env = apr_pcalloc(pconf, sizeof(*env));
        env->timeout = apr_time_from_sec(DEFAULT_CACHE_TIMEOUT);
        env->budget = DEFAULT_QUERY_BUDGET;
        env->started = apr_array_make(pconf, 4, sizeof(source_base *));
        env->shared = apr_hash_make(pconf);
        env->query_sources = apr_array_make(pconf, 2, sizeof(void *));
        env->db_ids = apr_hash_make(pconf);
        apr_pool_userdata_setn(env, ENV_KEY, NULL, pconf);
    }
    return env;
}

/* Sources read at start-up get their lock in each child; those an .htaccess file makes at
 * request time get one at once. */
static void source_init(cmd_parms *cmd, source_base *b, const char *name, int kind)
{
    b->name = name;
    b->kind = kind;
    b->logged = 0;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        b->lock = cors_process_lock(cmd->pool);
    }
    else {
        b->lock = NULL;
        APR_ARRAY_PUSH(cors_sources_env_of(cmd->pool)->started, source_base *) = b;
    }
}

/* A file or DBM file named in several sections of the configuration is one source: read,
 * looked at and kept once per process.  (Each .htaccess file's are its own.) */
static int shared_source(cmd_parms *cmd, const char *key, cors_source_made *out)
{
    const cors_source_made *made = apr_hash_get(cors_sources_env_of(cmd->pool)->shared, key,
                                                APR_HASH_KEY_STRING);

    if (made) {
        *out = *made;
    }
    return made != NULL;
}

static void share_source(cmd_parms *cmd, const char *key, const cors_source_made *made)
{
    apr_hash_set(cors_sources_env_of(cmd->pool)->shared, key, APR_HASH_KEY_STRING,
                 apr_pmemdup(cmd->pool, made, sizeof(*made)));
}

/* ---------------------------------------------------------------------------------------- */
/* Files                                                                                      */

/* A version of a file: what tells a new one from the one read (a rename over it changes the
 * inode, an edit in place the time or size, a new owner or mode the change time). */
typedef struct {
    apr_time_t mtime;
    apr_time_t ctime;
    apr_off_t size;
    apr_ino_t inode;
    apr_dev_t device;
    int missing;
} file_stamp;

static file_stamp stamp_of(const char *path, apr_pool_t *p)
{
    apr_finfo_t fi;
    file_stamp st;

    memset(&st, 0, sizeof(st));
    if (apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_CTIME | APR_FINFO_SIZE | APR_FINFO_INODE
                            | APR_FINFO_DEV, p) != APR_SUCCESS) {
        st.missing = 1;
        return st;
    }
    st.mtime = fi.mtime;
    st.ctime = fi.ctime;
    st.size = fi.size;
    st.inode = fi.inode;
    st.device = fi.device;
    return st;
}

static int same_stamp(const file_stamp *a, const file_stamp *b)
{
    return a->missing == b->missing && a->mtime == b->mtime && a->ctime == b->ctime
           && a->size == b->size && a->inode == b->inode && a->device == b->device;
}

/* What a list of origins read from a file takes in memory, per byte of the file (measured:
 * the parsed items, their index and the sealed views; see tests/htaccess-memory.sh). */
#define LIST_BYTES_PER_FILE_BYTE    5

/* One version of the list, shared by the requests that read it: the last to let go frees it.
 * Each version has a pool, and an allocator, of its own: it is filled by one thread outside
 * any lock and freed by another, while the pools around it serve other threads. */
typedef struct {
    apr_pool_t *pool;
    const cors_set *set;
    unsigned int refs;
    int origins;
    apr_off_t bytes;                    /* what it is counted as (LIST_BYTES_PER_FILE_BYTE) */
} file_list;

typedef struct {
    source_base base;
    const char *path;                   /* the file; for an .htaccess file's, bound/rel */
    const char *bound;                  /* named by an .htaccess file: the real path of its
                                         * directory, resolved once; NULL otherwise */
    const char *rel;                    /* the path below bound, without "." or ".." */
    apr_off_t max;
    const cors_psl_below *below;
    const cors_meter *meter;            /* where later versions are counted, or NULL */
    file_list *current;                 /* holds a reference of its own */
    file_stamp tried;                   /* the last version read, loaded or not */
    file_stamp pending;                 /* a version not taken yet until it settles */
    apr_time_t pending_since;           /* when this process first saw it */
    apr_time_t checked;
    int checking;                       /* one thread reads a new version; others go on */
} file_source;

/* Why a line cannot be in an origin file, or NULL.  A file changes while the server runs,
 * with no configtest to stop it: only what cannot change the policy's nature is taken. */
static const char *file_line_error(const char *item)
{
    if (item[0] == '+' || item[0] == '-') {
        return "a file lists origins to allow, one per line: to take one out, delete its "
               "line (or write CORSAllowOrigin -origin in the configuration)";
    }
    if (!strcmp(item, "*")) {
        return "'*' would allow every origin: write CORSAllowOrigin * in the configuration "
               "if that is meant (start-up checks it against the credentials setting)";
    }
    if (item[0] == '~' || item[0] == '^') {
        return "regular expressions are not read from origin files: write them with "
               "CORSAllowOriginMatch in the configuration";
    }
    if (!strcasecmp(item, "null")) {
        return "'null' is sent by any sandboxed or file: page, so it grants nothing a "
               "stranger cannot have; write CORSAllowOrigin null in the configuration if it "
               "is really meant";
    }
    return NULL;
}

/* Why one line of an origin file is refused, or NULL with the line added to set.  quote: the
 * server's own file, whose lines a message may repeat; a file an .htaccess file names may
 * be anything its link or its customer made it, and its content is never logged. */
static const char *add_file_line(apr_pool_t *p, cors_set *set, const char *line,
                                 const cors_psl_below *below, int quote)
{
    const char *why = NULL, *rule = NULL;
    cors_origin o;
    cors_origin_err perr;

    if (strpbrk(line, " \t,")) {
        return "one origin per line, not separated by spaces or commas (a '#' starts a "
               "comment only at the start of a line)";
    }
    if ((why = file_line_error(line)) != NULL) {
        return why;
    }
    perr = cors_origin_parse(line, strlen(line), CORS_ORIGIN_PATTERN, &o);
    if (!quote && perr != CORS_ORIGIN_OK) {
        return apr_pstrcat(p, "this line ", cors_origin_strerror(perr), (char *)NULL);
    }
    if (!quote && o.wild_host && cors_domain_is_public_suffix(p, o.host, o.host_len)) {
        return "this line's wildcard is over a public suffix, under which anyone can register "
               "a name; list the sites instead";
    }
    if ((why = cors_set_add(p, set, line, CORS_ITEM_PLAIN)) != NULL) {
        return quote ? why : "this line is not an origin as browsers send it (lower case, no "
                             "default port, no path): write it as the browser's Origin header "
                             "shows it";
    }
    if (o.wild_host) {
        rule = cors_psl_suffix_below(below, o.host, o.host_len);
    }
    if (rule && quote) {
        return apr_psprintf(p, "'%s' lets strangers in: it covers '%s', a public suffix under "
                            "which anyone can register a name; list the sites instead", line,
                            rule);
    }
    return rule ? "this line's wildcard covers a public suffix, under which anyone can "
                  "register a name; list the sites instead" : NULL;
}

/* The fallback of open_no_links: from "/", one component at a time, none of them followed if
 * it is a link (a directory opened O_PATH|O_NOFOLLOW|O_DIRECTORY fails on a link with
 * ENOTDIR, the file opened O_NOFOLLOW with ELOOP). */
static int open_by_components(const char *full, int flags)
{
    char part[NAME_MAX + 1];
    const char *s = full;
    int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

    while (dir >= 0) {
        size_t len;
        const char *rest;
        int next;
        while (*s == '/') {
            s++;
        }
        len = strcspn(s, "/");
        rest = s + len;
        while (*rest == '/') {
            rest++;
        }
        if (len == 0 || len > NAME_MAX || (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.')))) {
            close(dir);
            errno = EINVAL;
            return -1;
        }
        memcpy(part, s, len);
        part[len] = '\0';
        if (!*rest) {
            next = openat(dir, part, flags | O_NOFOLLOW);
            close(dir);
            return next;
        }
        next = openat(dir, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(dir);
        dir = next;
        s = rest;
    }
    return -1;
}

/* openat2 with no link followed: bound first (a real path: a link there was made after it
 * was resolved), then rel beneath it.  -1 with errno ENOSYS where the kernel or its headers
 * have no openat2 (Debian 12's glibc has no wrapper). */
static int openat2_no_links(const char *bound, const char *rel, int flags)
{
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS) && !defined(CORS_NO_OPENAT2)
    struct open_how how;
    int dirfd, fd, saved;

    memset(&how, 0, sizeof(how));
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    dirfd = (int)syscall(SYS_openat2, AT_FDCWD, bound, &how, sizeof(how));
    if (dirfd < 0) {
        return -1;
    }
    how.flags = (apr_uint64_t)flags;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH;
    fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    saved = errno;
    close(dirfd);
    errno = saved;
    return fd;
#else
    (void)bound;
    (void)rel;
    (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

/* Opens bound/rel for reading with no symbolic link anywhere on the path: openat2 where the
 * kernel has it, one component at a time where it is missing or filtered (ENOSYS, EPERM: a
 * seccomp profile).  Never blocks: a FIFO or device is opened, then refused by its type.
 * Returns 0, or an errno value: ELOOP, ENOTDIR or EXDEV for a link on the path. */
static int open_no_links(apr_file_t **f, const char *bound, const char *rel, apr_pool_t *p)
{
    int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = openat2_no_links(bound, rel, flags);

    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
        fd = open_by_components(apr_pstrcat(p, bound, "/", rel, (char *)NULL), flags);
    }
    if (fd < 0) {
        return errno;
    }
    *f = NULL;
    if (apr_os_file_put(f, &fd, APR_FOPEN_READ, p) != APR_SUCCESS) {
        close(fd);
        return EBADF;
    }
    return 0;
}

/* The version of the file a source would read now: by its name for the server's own; for an
 * .htaccess file's, what opening it with no link gives (a link, or a link on its path, is
 * "missing": nothing of where it leads is looked at). */
static file_stamp source_stamp(const file_source *fs, apr_pool_t *p)
{
    apr_file_t *f = NULL;
    apr_finfo_t fi;
    file_stamp st;

    if (!fs->bound) {
        return stamp_of(fs->path, p);
    }
    memset(&st, 0, sizeof(st));
    st.missing = 1;
    if (open_no_links(&f, fs->bound, fs->rel, p) == 0) {
        if (apr_file_info_get(&fi, APR_FINFO_MTIME | APR_FINFO_CTIME | APR_FINFO_SIZE
                                   | APR_FINFO_INODE | APR_FINFO_DEV, f) == APR_SUCCESS) {
            st.missing = 0;
            st.mtime = fi.mtime;
            st.ctime = fi.ctime;
            st.size = fi.size;
            st.inode = fi.inode;
            st.device = fi.device;
        }
        apr_file_close(f);
    }
    return st;
}

/* Opens the file a source reads: the server's own by its name, an .htaccess file's below its
 * bound with no link.  NULL, or why not (never blocking, never quoting the file). */
static const char *open_origin_file(apr_pool_t *p, const file_source *fs, apr_file_t **f)
{
    int err;

    if (!fs->bound) {
        apr_status_t rv = apr_file_open(f, fs->path, APR_FOPEN_READ | APR_FOPEN_BINARY | APR_FOPEN_NONBLOCK,
                           APR_OS_DEFAULT, p);
        return rv == APR_SUCCESS ? NULL
               : apr_psprintf(p, "cannot read %s: %s", fs->path, error_text(p, rv));
    }
    err = open_no_links(f, fs->bound, fs->rel, p);
    if (err == ELOOP || err == ENOTDIR || err == EXDEV) {
        return apr_psprintf(p, "%s is a link, or a link is on its path: an .htaccess file's "
                            "origin file is read only where no link leads", fs->path);
    }
    return err ? apr_psprintf(p, "cannot read %s: %s", fs->path, error_text(p, err)) : NULL;
}

/* Reads and checks a whole file into a new sealed set in p.  On error, *err names the line
 * ("PATH:LINE: ...") and NULL is returned: never a part of the file.  *complete: the file
 * ends a line (or is empty), which a file still being written in place may not.  A file an
 * .htaccess file names must also be a file of its own (no hard links). */
static const cors_set *read_origin_file(apr_pool_t *p, const file_source *fs, int *origins,
                                        int *complete, const char **err)
{
    apr_file_t *f = NULL;
    apr_finfo_t fi, dir;
    apr_status_t rv;
    apr_size_t got;
    char *text, *line, *next;
    cors_set *set;
    int n = 0;

    *origins = 0;
    *complete = 1;              /* what is not read has no last line to wait for */
    if ((*err = open_origin_file(p, fs, &f)) != NULL) {
        return NULL;
    }
    /* The type is checked on what was opened, not on a name that may change meanwhile. */
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE | APR_FINFO_NLINK
                                | APR_FINFO_USER, f);
    if (rv != APR_SUCCESS) {
        apr_file_close(f);
        *err = apr_psprintf(p, "cannot read %s: %s", fs->path, error_text(p, rv));
        return NULL;
    }
    if (fi.filetype != APR_REG) {
        apr_file_close(f);
        *err = apr_psprintf(p, "%s is not a regular file", fs->path);
        return NULL;
    }
    if (fs->bound && fi.nlink > 1) {
        apr_file_close(f);
        *err = apr_psprintf(p, "%s has other names (hard links): an .htaccess file reads only "
                            "a file of its own", fs->path);
        return NULL;
    }
    /* Nor another user's file put there (a server's tool, a link whose first name is gone):
     * the directory's owner owns what its .htaccess file reads. */
    if (fs->bound && (apr_stat(&dir, fs->bound, APR_FINFO_USER, p) != APR_SUCCESS
                      || apr_uid_compare(dir.user, fi.user) != APR_SUCCESS)) {
        apr_file_close(f);
        *err = apr_psprintf(p, "%s is not owned by the owner of its directory: an .htaccess "
                            "file reads only its owner's files", fs->path);
        return NULL;
    }
    if (fi.size > fs->max) {
        apr_file_close(f);
        *err = apr_psprintf(p, "%s is larger than %" APR_OFF_T_FMT " bytes: for lists this "
                            "long, use a DBM file (CORSAllowOriginMap), which is not read "
                            "whole", fs->path, fs->max);
        return NULL;
    }
    text = apr_palloc(p, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, text, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        *err = apr_psprintf(p, "cannot read %s", fs->path);
        return NULL;
    }
    text[got] = '\0';
    *complete = got == 0 || text[got - 1] == '\n';
    if (memchr(text, '\0', got)) {
        const char *c;
        for (c = text; *c; c++) {
            n += *c == '\n';
        }
        *err = apr_psprintf(p, "%s:%d: a NUL byte: an origin file is text", fs->path, n + 1);
        return NULL;
    }
    /* A byte-order mark some editors write first is not part of the first origin. */
    if (got >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
    }
    set = cors_set_make(p, CORS_SET_ORIGINS);
    for (line = text; line && *line; line = next) {
        char *end;
        const char *why;
        n++;
        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        while (*line == ' ' || *line == '\t') {
            line++;
        }
        end = line + strlen(line);
        while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) {
            *--end = '\0';
        }
        if (!*line || *line == '#') {
            continue;
        }
        if ((why = add_file_line(p, set, line, fs->below, fs->bound == NULL)) != NULL) {
            *err = apr_psprintf(p, "%s:%d: %s", fs->path, n, why);
            return NULL;
        }
        (*origins)++;
    }
    cors_set_seal(p, set);
    return set;
}

static file_list *new_list(void)
{
    apr_pool_t *pool;
    file_list *list;

    apr_pool_create_unmanaged_ex(&pool, NULL, NULL);
    list = apr_pcalloc(pool, sizeof(*list));
    list->pool = pool;
    return list;
}

/* Under the lock (or where no other thread can see the list). */
static void release_list(file_list *list)
{
    if (--list->refs == 0) {
        apr_pool_destroy(list->pool);
    }
}

/* The source goes with the pool it was read into (a configuration cycle, a generation of the
 * .htaccess cache, a request): no request reads it any more. */
static apr_status_t drop_current(void *data)
{
    file_source *fs = data;

    release_list(fs->current);
    return APR_SUCCESS;
}

/* What is said once per process about a file: its errors, per version. */
static int first_said(const file_source *fs, apr_pool_t *p, const file_stamp *st)
{
    return cors_first_in_process(fs->bound ? CORS_SAID_HTACCESS : CORS_SAID_SERVER,
                                 apr_psprintf(p, "file\n%s\n%" APR_TIME_T_FMT "\n%"
                                              APR_OFF_T_FMT "\n%" APR_UINT64_T_FMT, fs->path,
                                              st->mtime, st->size, (apr_uint64_t)st->inode));
}

/* A new version of the file, read outside the lock: swapped in whole if it reads without
 * error and did not change while it was read, otherwise the list in force stays.  now: this
 * process's clock, never the request's (a request whose headers came slowly carries an old
 * time). */
static void reread_file(file_source *fs, request_rec *r, apr_time_t now)
{
    file_stamp before, after;
    file_list *list;
    const char *err = NULL;
    int origins = 0, complete = 0;

    before = source_stamp(fs, r->pool);
    if (same_stamp(&before, &fs->tried)) {
        return;
    }
    list = new_list();
    list->set = read_origin_file(list->pool, fs, &origins, &complete, &err);
    after = source_stamp(fs, r->pool);
    /* Written to while read: the next look reads it again.  Empty, or not ending its last
     * line: a writer may still be at it (a file emptied before it is written again, a last
     * origin cut short, "https://shop.co" of "https://shop.com"), so it is taken once this
     * process has seen it unchanged for FILE_SETTLE, by its own clock (a file's time may be
     * another machine's).  (A file's inode does not tell an edit in place: a file renamed
     * over it may get the number of the one it replaced.) */
    if (!same_stamp(&before, &after)) {
        apr_pool_destroy(list->pool);
        return;
    }
    if (!before.missing && (!complete || before.size == 0)) {
        if (!same_stamp(&before, &fs->pending)) {
            fs->pending = before;
            fs->pending_since = now;
        }
        if (now - fs->pending_since < FILE_SETTLE) {
            apr_pool_destroy(list->pool);
            return;
        }
    }
    /* A bad version keeps the list read before: a writer's mistake must not lock every
     * origin out.  But an .htaccess file's origin file that is gone, or is a link now, has
     * no version to read: like one missing at the first reading, it allows nothing. */
    if (!list->set && !(fs->bound && before.missing)) {
        fs->tried = before;
        if (first_said(fs, r->pool, &before)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: CORSAllowOriginFile %s; "
                          "the list read before (origins: %d) stays in force until the file "
                          "is fixed", err, fs->current->origins);
        }
        apr_pool_destroy(list->pool);
        return;
    }
    if (!list->set) {
        if (first_said(fs, r->pool, &before)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: CORSAllowOriginFile %s; no "
                          "origin of the file is allowed until it is fixed", err);
        }
        list->set = cors_set_sealed(list->pool, cors_set_make(list->pool, CORS_SET_ORIGINS));
        origins = 0;
    }
    list->refs = 1;
    list->origins = origins;
    list->bytes = origins ? before.size * LIST_BYTES_PER_FILE_BYTE : 0;
    /* A policy the .htaccess cache keeps counts its files' lists: a version that would grow
     * past what the cache may hold is not taken (the policy is built again, and the file
     * read again, once the cache has started afresh). */
    if (fs->meter && !fs->meter->charge(fs->meter->baton, list->bytes - fs->current->bytes)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "mod_cors: %s: a new version is not taken "
                      "by this process's .htaccess cache, which is full; it is read when the "
                      "cache starts afresh", fs->base.name);
        apr_pool_destroy(list->pool);
        return;
    }
    fs->tried = before;
    lock(fs->base.lock);
    release_list(fs->current);
    fs->current = list;
    unlock(fs->base.lock);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "mod_cors: %s: read again (origins: %d)",
                  fs->base.name, origins);
}

static int file_lookup(const void *src, const char *key, size_t len, apr_pool_t *p,
                       void *baton)
{
    file_source *fs = (file_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now();
    file_list *list;
    const char *limited = NULL;
    int check, rc;

    lock(fs->base.lock);
    check = r && !fs->checking && (now - fs->checked >= CHECK_INTERVAL || now < fs->checked);
    if (check) {
        fs->checking = 1;
        fs->checked = now;
    }
    unlock(fs->base.lock);
    if (check) {
        reread_file(fs, r, now);
        lock(fs->base.lock);
        fs->checking = 0;
        unlock(fs->base.lock);
    }
    lock(fs->base.lock);
    list = fs->current;
    list->refs++;
    unlock(fs->base.lock);
    rc = cors_origin_allowed(p, list->set, key, len, &limited);
    lock(fs->base.lock);
    release_list(list);
    unlock(fs->base.lock);
    return rc == 1;
}

/* In an .htaccess file the path is the file's own business: relative, and below the
 * directory the file was read from, so a customer reads no file of the server's through it. */
static const char *confined_path(apr_pool_t *p, const char *bound, const char *path,
                                 const char **rel)
{
    char *merged;
    size_t n = strlen(bound);

    if (path[0] == '/'
        || apr_filepath_merge(&merged, bound, path, APR_FILEPATH_SECUREROOT
                                                    | APR_FILEPATH_NOTABOVEROOT, p) != APR_SUCCESS
        || strncmp(merged, bound, n) != 0 || merged[n] != '/' || !merged[n + 1]) {
        return apr_psprintf(p, "in an .htaccess file the path must be relative to its "
                            "directory and stay below it ('%s' does not)", path);
    }
    *rel = merged + n + 1;
    return NULL;
}

const char *cors_file_source_make(cmd_parms *cmd, const char *path, const char *bound,
                                  const cors_meter *meter, const cors_psl_below *below,
                                  cors_source_made *out)
{
    file_source *fs = apr_pcalloc(cmd->pool, sizeof(*fs));
    file_list *list;
    const char *err = NULL;
    int origins = 0, complete = 0;

    if (bound) {
        if ((err = confined_path(cmd->pool, bound, path, &fs->rel)) != NULL) {
            return err;
        }
        fs->bound = apr_pstrdup(cmd->pool, bound);
        fs->path = apr_pstrcat(cmd->pool, fs->bound, "/", fs->rel, (char *)NULL);
        fs->max = HTACCESS_FILE_MAX;
        fs->meter = meter;
    }
    else {
        fs->path = ap_server_root_relative(cmd->pool, path);
        fs->max = FILE_MAX;
        if (!fs->path) {
            return apr_psprintf(cmd->pool, "'%s' is not a valid path", path);
        }
        if (shared_source(cmd, apr_psprintf(cmd->pool, "file:%s", fs->path), out)) {
            return NULL;
        }
    }
    source_init(cmd, &fs->base, apr_psprintf(cmd->pool, "CORSAllowOriginFile %s", fs->path),
                SOURCE_FILE);
    fs->below = below;
    list = new_list();
    fs->tried = source_stamp(fs, cmd->temp_pool);
    list->set = read_origin_file(list->pool, fs, &origins, &complete, &err);
    if (!list->set) {
        if (!bound) {
            err = apr_pstrdup(cmd->pool, err);
            apr_pool_destroy(list->pool);
            return err;
        }
        /* A bad, missing or linked file is not the line's error but the file's: logged (once
         * per process and version), allowing nothing, and read again once it changes. */
        if (first_said(fs, cmd->temp_pool, &fs->tried)) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, cmd->server, "mod_cors: %s (from %s:%d); "
                         "no origin of the file is allowed until it is fixed", err,
                         cmd->directive->filename, cmd->directive->line_num);
        }
        list->set = cors_set_sealed(list->pool, cors_set_make(list->pool, CORS_SET_ORIGINS));
        origins = 0;
    }
    list->refs = 1;
    list->origins = origins;
    list->bytes = origins ? fs->tried.size * LIST_BYTES_PER_FILE_BYTE : 0;
    fs->current = list;
    apr_pool_cleanup_register(cmd->pool, fs, drop_current, apr_pool_cleanup_null);
    out->name = fs->base.name;
    out->lookup = file_lookup;
    out->src = fs;
    out->bytes = (apr_size_t)list->bytes;
    if (!bound) {
        share_source(cmd, apr_psprintf(cmd->pool, "file:%s", fs->path), out);
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* DBM files                                                                                  */

typedef struct {
    source_base base;
    const char *type;                   /* apr_dbm's name: "default", "db", "gdbm", "sdbm" */
    const char *path;
    const char *file1, *file2;          /* the files it is made of (sdbm: two) */
    apr_pool_t *pool;                   /* per process: the open handle's, with an allocator
                                         * of its own (used under the lock only) */
    apr_dbm_t *db;
    file_stamp stamp;                   /* of the version open, or last tried (file1, then
                                         * file2's time) */
    apr_time_t checked;
    apr_status_t failed;                /* why the version last tried did not open, or 0 */
} dbm_source;

static file_stamp dbm_stamp(const dbm_source *ds, apr_pool_t *p)
{
    file_stamp st = stamp_of(ds->file1, p);

    if (ds->file2 && !st.missing) {
        file_stamp two = stamp_of(ds->file2, p);
        st.missing = two.missing;
        st.mtime = two.mtime > st.mtime ? two.mtime : st.mtime;
        st.ctime = two.ctime > st.ctime ? two.ctime : st.ctime;
        st.size += two.size;
        st.inode ^= two.inode;
    }
    return st;
}

/* Under the lock: the version on disk, opened if it is not the one open or last tried (a
 * version that does not open is not tried again: its library's complaints are said once).
 * Only regular files are opened, so a FIFO put in its place holds no thread. */
static apr_status_t reopen_dbm(dbm_source *ds, apr_pool_t *p)
{
    file_stamp st = dbm_stamp(ds, p);
    apr_finfo_t fi;
    apr_status_t rv;

    if (same_stamp(&st, &ds->stamp) && (ds->db || ds->failed)) {
        return ds->failed;
    }
    if (ds->db) {
        apr_dbm_close(ds->db);
        ds->db = NULL;
    }
    apr_pool_clear(ds->pool);
    ds->stamp = st;
    rv = apr_stat(&fi, ds->file1, APR_FINFO_TYPE, p);
    if (rv == APR_SUCCESS && fi.filetype != APR_REG) {
        rv = APR_EBADF;
    }
    if (rv == APR_SUCCESS) {
        rv = apr_dbm_open_ex(&ds->db, ds->type, ds->path, APR_DBM_READONLY, APR_OS_DEFAULT,
                             ds->pool);
    }
    /* Some libraries open a damaged file and fail on each look-up: one look-up now. */
    if (rv == APR_SUCCESS) {
        apr_datum_t k, v;
        k.dptr = (char *)"-";
        k.dsize = 1;
        rv = apr_dbm_fetch(ds->db, k, &v);
        if (rv != APR_SUCCESS) {
            apr_dbm_close(ds->db);
        }
    }
    if (rv != APR_SUCCESS) {
        ds->db = NULL;
    }
    ds->failed = rv;
    return rv;
}

static int dbm_lookup(const void *src, const char *key, size_t len, apr_pool_t *p,
                      void *baton)
{
    dbm_source *ds = (dbm_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now();
    apr_status_t rv = APR_SUCCESS;
    int rc;

    if (!ds->pool) {
        return -1;              /* not a source of the server's configuration */
    }
    lock(ds->base.lock);
    if (ds->checked == 0 || now - ds->checked >= CHECK_INTERVAL || now < ds->checked) {
        ds->checked = now;
        rv = reopen_dbm(ds, p);
    }
    else {
        rv = ds->failed;
    }
    if (ds->db) {
        apr_datum_t k, v;
        k.dptr = (char *)key;
        k.dsize = len;
        v.dptr = NULL;
        rv = apr_dbm_fetch(ds->db, k, &v);
        rc = rv != APR_SUCCESS ? -1 : v.dptr != NULL;
        if (rv != APR_SUCCESS) {
            /* Damaged under us: not asked again until the file changes. */
            apr_dbm_close(ds->db);
            ds->db = NULL;
            ds->failed = rv;
        }
    }
    else {
        rc = -1;
    }
    unlock(ds->base.lock);
    if (rc < 0 && r && time_to_log(&ds->base, now)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s cannot be opened as a %s "
                      "DBM file (%s): origins it lists are refused until it can (said once a "
                      "minute per process)", ds->base.name, ds->type,
                      rv == APR_EBADF ? "not a regular file" : error_text(r->pool, rv));
    }
    return rc;
}

const char *cors_dbm_source_make(cmd_parms *cmd, const char *spec, cors_source_made *out)
{
    dbm_source *ds;
    const char *colon = strchr(spec, ':');
    apr_dbm_t *db;
    apr_finfo_t fi;
    apr_status_t rv;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        return "not in .htaccess files: a DBM file is the server's";
    }
    ds = apr_pcalloc(cmd->pool, sizeof(*ds));
    if (strncmp(spec, "dbm", 3) != 0 || !colon || (spec[3] != ':' && spec[3] != '=')
        || !colon[1]) {
        return apr_psprintf(cmd->pool, "'%s' is not dbm:PATH or dbm=TYPE:PATH (TYPE: db, "
                            "gdbm or sdbm, as httxt2dbm -f writes them)", spec);
    }
    ds->type = spec[3] == '=' ? apr_pstrmemdup(cmd->pool, spec + 4, (apr_size_t)(colon - spec - 4))
                              : "default";
    if (!*ds->type) {
        ds->type = "default";
    }
    ds->path = ap_server_root_relative(cmd->pool, colon + 1);
    if (!ds->path) {
        return apr_psprintf(cmd->pool, "'%s' is not a valid path", colon + 1);
    }
    if (shared_source(cmd, apr_psprintf(cmd->pool, "dbm=%s:%s", ds->type, ds->path), out)) {
        return NULL;
    }
    rv = apr_dbm_get_usednames_ex(cmd->temp_pool, ds->type, ds->path, &ds->file1, &ds->file2);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "'%s' is not a DBM type of this server (db, gdbm, "
                            "sdbm or default)", ds->type);
    }
    ds->file1 = apr_pstrdup(cmd->pool, ds->file1);
    ds->file2 = ds->file2 ? apr_pstrdup(cmd->pool, ds->file2) : NULL;
    /* Checked now, so a wrong path or type stops configtest. */
    if (stamp_of(ds->file1, cmd->temp_pool).missing) {
        return apr_psprintf(cmd->pool, "%s does not exist (build it with httxt2dbm -i "
                            "origins.txt -o %s%s)", ds->file1, ds->path,
                            spec[3] == '=' ? apr_psprintf(cmd->temp_pool, " -f %s", ds->type)
                                           : "");
    }
    if (apr_stat(&fi, ds->file1, APR_FINFO_TYPE, cmd->temp_pool) == APR_SUCCESS
        && fi.filetype != APR_REG) {
        return apr_psprintf(cmd->pool, "%s is not a regular file", ds->file1);
    }
    rv = apr_dbm_open_ex(&db, ds->type, ds->path, APR_DBM_READONLY, APR_OS_DEFAULT,
                         cmd->temp_pool);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "cannot open the %s DBM file %s: %s (build it with "
                            "httxt2dbm -i origins.txt -o %s)", ds->type, ds->path,
                            error_text(cmd->temp_pool, rv), ds->path);
    }
    apr_dbm_close(db);
    source_init(cmd, &ds->base, apr_psprintf(cmd->pool, "CORSAllowOriginMap %s", spec),
                SOURCE_DBM);
    out->name = ds->base.name;
    out->lookup = dbm_lookup;
    out->src = ds;
    out->bytes = 0;
    share_source(cmd, apr_psprintf(cmd->pool, "dbm=%s:%s", ds->type, ds->path), out);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* SQL queries, their cache and their budget                                                  */

typedef struct {
    source_base base;
    const char *sql;
    const char *label;                  /* the statement's name in mod_dbd */
    char id[17];                        /* the query's hash, in hex */
    char prefix[24];                    /* its answers' keys in the cache start "cors:" id ":" */
    apr_size_t prefix_len;
    cors_sources_env *env;
    /* Per process, under base.lock: */
    apr_time_t down_until;              /* after a failure the database is not asked until
                                         * then: requests are answered at once meanwhile */
    int waiting;                        /* queries under way */
    server_rec *server;                 /* where it was given (its DBD configuration) */
} query_source;

/* FNV-1a: stable across servers and builds, which a cache shared by a fleet needs (it names
 * a query or a database, chosen by the admin; origins, which strangers choose, are hashed
 * with SHA-256 where a key must be short). */
static void hash_hex(const char *s, char out[17])
{
    apr_uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    }
    apr_snprintf(out, 17, "%016" APR_UINT64_T_HEX_FMT, h);
}

static unsigned char *put_bytes(unsigned char *at, const void *s, size_t n)
{
    memcpy(at, s, n);
    return at + n;
}

static const char *db_id_of(const query_source *qs, const request_rec *r)
{
    return apr_hash_get(qs->env->db_ids, &r->server, sizeof(server_rec *));
}

/* A remote cache's key: "cors:" and 32 hex digits of SHA-256 over the query, the database
 * and the origin.  memcache and redis hex-encode a key into 254 bytes, refusing one of more
 * than 117: a key that held the origin could not hold a long one.  The origin itself goes
 * in the value, and is compared on every hit. */
#define REMOTE_ID_LEN   (5 + 32)

static unsigned int remote_key(const query_source *qs, const char *db, const char *key,
                               size_t len, unsigned char *buf)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE], *at = buf;
    unsigned int mdlen = 0, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (!ctx) {
        return 0;
    }
    if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)
        || !EVP_DigestUpdate(ctx, qs->prefix, qs->prefix_len)
        || !EVP_DigestUpdate(ctx, db, 16) || !EVP_DigestUpdate(ctx, ":", 1)
        || !EVP_DigestUpdate(ctx, key, len) || !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        mdlen = 0;
    }
    EVP_MD_CTX_free(ctx);
    if (mdlen < 16) {
        return 0;
    }
    at = put_bytes(at, "cors:", 5);
    for (i = 0; i < 16; i++) {
        *at++ = (unsigned char)hex[md[i] >> 4];
        *at++ = (unsigned char)hex[md[i] & 15];
    }
    return REMOTE_ID_LEN;
}

/* The cache key of an answer: the query, the database (the hash of the DBDriver and DBDParams
 * in force for the virtual host that asks: two hosts' databases never answer for each other,
 * while the servers of a fleet with the same database share their answers), and the origin.
 * shmcb files a key in one of its subcaches by the key's first byte and searches a subcache
 * entry by entry: there a byte of the origin's hash goes first, so that answers spread over
 * all of them. */
static unsigned int cache_key(const query_source *qs, const request_rec *r, const char *key,
                              size_t len, unsigned char *buf, size_t size)
{
    const char *db = db_id_of(qs, r);
    unsigned char *at = buf;

    if (!db || 1 + qs->prefix_len + 16 + 1 + len > size) {
        return 0;
    }
    if (qs->env->remote) {
        return remote_key(qs, db, key, len, buf);
    }
    if (qs->env->spread) {
        unsigned int h = 2166136261u;
        size_t i;
        for (i = 0; i < len; i++) {
            h = (h ^ (unsigned char)key[i]) * 16777619u;
        }
        *at++ = (unsigned char)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
    }
    at = put_bytes(at, qs->prefix, qs->prefix_len);
    at = put_bytes(at, db, 16);
    *at++ = ':';
    at = put_bytes(at, key, len);
    return (unsigned int)(at - buf);
}

/* What a remote cache answers for one key alone (a key or value it refuses, none stored) is
 * not the cache failing: only the rest counts against it. */
static int cache_failed(apr_status_t rv)
{
    return rv != APR_SUCCESS && rv != APR_NOTFOUND && rv != APR_EINVAL && rv != APR_ENOSPC;
}

/* A cache across the network (redis, memcache) that hangs or fails must not hold requests:
 * a few of a process's requests may wait on it at a time; while calls are under way and none
 * has ended for a second, it is taken to hang; after a failure or a call that took a second
 * it is skipped (a miss) for a second.  shmcb is this machine's memory. */
static int cache_enter(cors_sources_env *env, apr_time_t *began)
{
    apr_time_t now;
    int open;

    if (!env->remote) {
        return 1;
    }
    now = *began = apr_time_now();
    lock(env->lock);
    open = now >= env->cache_down_until && env->cache_waiting < QUERIES_WAITING_MAX
           && !(env->cache_waiting > 0 && now - env->cache_moved >= BREAKER_INTERVAL);
    if (open && env->cache_waiting++ == 0) {
        env->cache_moved = now;
    }
    unlock(env->lock);
    return open;
}

static void cache_leave(cors_sources_env *env, apr_time_t began, apr_status_t rv)
{
    apr_time_t now;

    if (!env->remote) {
        return;
    }
    now = apr_time_now();
    lock(env->lock);
    env->cache_waiting--;
    env->cache_moved = now;
    if (cache_failed(rv) || now - began >= BREAKER_INTERVAL) {
        env->cache_down_until = now + BREAKER_INTERVAL;
    }
    unlock(env->lock);
}

/* A cached answer: '1' or '0', then until when it is fresh (8 bytes, big-endian, the same on
 * every server of a fleet).  A yes is kept a timeout longer than it is fresh: past its time
 * it is asked again first, from a budget of its own (see take_budget), and answered from the
 * cache while it cannot be.  In a remote cache the origin follows, and with
 * CORSOriginCacheSecret a MAC over the key and all that (HMAC-SHA-256): an entry a stranger
 * wrote into a shared redis allows nothing. */
#define CACHED_LEN  9
#define MAC_LEN     32
#define VALUE_MAX   (CACHED_LEN + CORS_ORIGIN_MAX + MAC_LEN)

static int value_mac(const cors_sources_env *env, const unsigned char *id, unsigned int idlen,
                     const unsigned char *val, size_t vlen, unsigned char mac[MAC_LEN])
{
    unsigned char msg[REMOTE_ID_LEN + VALUE_MAX];
    unsigned int maclen = 0;

    if (idlen + vlen > sizeof(msg)) {
        return 0;
    }
    memcpy(msg, id, idlen);
    memcpy(msg + idlen, val, vlen);
    return HMAC(EVP_sha256(), env->secret, (int)env->secret_len, msg, idlen + vlen, mac,
                &maclen) != NULL && maclen == MAC_LEN;
}

/* The remote value holds this origin, and (with a secret) its MAC is right. */
static int remote_value_ok(const cors_sources_env *env, const unsigned char *id,
                           unsigned int idlen, const unsigned char *val, unsigned int vlen,
                           const char *key, size_t len)
{
    size_t maclen = env->secret ? MAC_LEN : 0;
    unsigned char mac[MAC_LEN];

    if (vlen != CACHED_LEN + len + maclen || memcmp(val + CACHED_LEN, key, len) != 0) {
        return 0;
    }
    return !maclen || (value_mac(env, id, idlen, val, CACHED_LEN + len, mac)
                       && CRYPTO_memcmp(mac, val + CACHED_LEN + len, MAC_LEN) == 0);
}

/* The answer cached for the origin: 1 or 0, or -1 when none; *fresh: not past its time. */
static int cache_get(const query_source *qs, request_rec *r, const char *key, size_t len,
                     apr_time_t now, int *fresh)
{
    cors_sources_env *env = qs->env;
    unsigned char id[CORS_ORIGIN_MAX + 320], val[VALUE_MAX + 1];
    unsigned int idlen, vlen = sizeof(val);
    apr_uint64_t until = 0;
    apr_time_t began = 0;
    apr_status_t rv;
    int i;

    *fresh = 0;
    if (!env->cache || (idlen = cache_key(qs, r, key, len, id, sizeof(id))) == 0
        || !cache_enter(env, &began)) {
        return -1;
    }
    if (env->cache_lock) {
        apr_global_mutex_lock(env->cache_lock);
    }
    rv = env->cache->retrieve(env->cache_inst, r->server, id, idlen, val, &vlen, r->pool);
    if (env->cache_lock) {
        apr_global_mutex_unlock(env->cache_lock);
    }
    cache_leave(env, began, rv);
    if (rv != APR_SUCCESS || vlen < CACHED_LEN || (val[0] != '0' && val[0] != '1')
        || (env->remote ? !remote_value_ok(env, id, idlen, val, vlen, key, len)
                        : vlen != CACHED_LEN)) {
        return -1;
    }
    for (i = 1; i < CACHED_LEN; i++) {
        until = (until << 8) | val[i];
    }
    /* The entry's own time bounds it, whatever the cache kept it for: a yes is answered up
     * to a timeout past its time, a no not past it.  (Whoever can write to a remote cache
     * could otherwise put an old, genuinely signed answer back for as long as they like.) */
    if (now >= (apr_time_t)until + (val[0] == '1' ? env->timeout : 0)) {
        return -1;
    }
    *fresh = (apr_time_t)until > now;
    return val[0] == '1';
}

static void cache_put(const query_source *qs, request_rec *r, const char *key, size_t len,
                      int listed, apr_time_t now)
{
    cors_sources_env *env = qs->env;
    unsigned char id[CORS_ORIGIN_MAX + 320], val[VALUE_MAX];
    apr_uint64_t until = (apr_uint64_t)(now + env->timeout);
    unsigned int idlen, vlen = CACHED_LEN;
    apr_time_t began = 0;
    apr_status_t rv;
    int i;

    if (!env->cache || (idlen = cache_key(qs, r, key, len, id, sizeof(id))) == 0) {
        return;
    }
    val[0] = listed ? '1' : '0';
    for (i = CACHED_LEN - 1; i > 0; i--) {
        val[i] = (unsigned char)(until & 0xff);
        until >>= 8;
    }
    if (env->remote) {
        memcpy(val + CACHED_LEN, key, len);
        vlen += (unsigned int)len;
        if (env->secret) {
            if (!value_mac(env, id, idlen, val, vlen, val + vlen)) {
                return;
            }
            vlen += MAC_LEN;
        }
    }
    if (!cache_enter(env, &began)) {
        return;
    }
    if (env->cache_lock) {
        apr_global_mutex_lock(env->cache_lock);
    }
    rv = env->cache->store(env->cache_inst, r->server, id, idlen,
                           now + env->timeout * (listed ? 2 : 1), val, vlen, r->pool);
    if (env->cache_lock) {
        apr_global_mutex_unlock(env->cache_lock);
    }
    cache_leave(env, began, rv);
}

/* One query more this second for this process, or none: past the budget a flood of new
 * origins is refused instead of sent to the database.  Origins the database listed (their
 * answer cached, or known to the server's shared memory, and due to be asked again) have a
 * budget of their own, which a flood of strangers' origins cannot spend.  The second is this
 * process's clock's: a request's own time is when its first line came, which a client
 * sending its headers slowly chooses. */
static int take_budget(cors_sources_env *env, apr_time_t now, int listed_before, int *say)
{
    apr_time_t second = apr_time_sec(now);
    int *used, ok;

    lock(env->lock);
    if (second != env->budget_second) {
        env->budget_second = second;
        env->budget_used = 0;
        env->refresh_used = 0;
    }
    used = listed_before ? &env->refresh_used : &env->budget_used;
    ok = *used < env->budget;
    *used += ok;
    *say = !ok && (env->budget_logged == 0 || now - env->budget_logged >= LOG_INTERVAL
                   || now < env->budget_logged);
    if (*say) {
        env->budget_logged = now;
    }
    unlock(env->lock);
    return ok;
}

static int query_down(query_source *qs, request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_cors: %s: %s", qs->base.name, why);
    if (time_to_log(&qs->base, apr_time_now())) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s: %s; origins it would allow "
                      "are refused meanwhile, and it is asked again after %d s (said once a "
                      "minute per process)", qs->base.name, why,
                      (int)apr_time_sec(BREAKER_INTERVAL));
    }
    return -1;
}

/* A driver's message as one line (PostgreSQL's end with a newline). */
static const char *one_line(apr_pool_t *p, const char *msg)
{
    char *s = apr_pstrdup(p, msg ? msg : "(no message)");
    char *end = s + strlen(s);
    char *c;

    while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) {
        *--end = '\0';
    }
    for (c = s; *c; c++) {
        if (*c == '\n' || *c == '\r' || *c == '\t') {
            *c = ' ';
        }
    }
    return s;
}

/* Runs the prepared statement with the origin bound as its one parameter: any row is a yes. */
static int run_query(query_source *qs, request_rec *r, const char *key, size_t len)
{
    ap_dbd_t *dbd = qs->env->dbd_acquire(r);
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *origin;
    int rv, found = 0;

    if (!dbd) {
        return query_down(qs, r, "no database connection (mod_dbd says why)");
    }
    stmt = apr_hash_get(dbd->prepared, qs->label, APR_HASH_KEY_STRING);
    if (!stmt) {
        return query_down(qs, r, "the statement is not prepared for this virtual host: give "
                          "CORSAllowOriginQuery and the DBD directives in the same server");
    }
    origin = apr_pstrmemdup(r->pool, key, len);
    /* Random access (1): the driver fetches the result whole and reports an error as one.
     * Sequential access lets the pgsql driver end an error like the last row, which would
     * read a failed query as "not listed" (and cache that). */
    rv = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, origin,
                          (char *)NULL);
    if (rv != 0) {
        const char *why = one_line(r->pool, apr_dbd_error(dbd->driver, dbd->handle, rv));
        /* A connection the driver has made again (the pgsql driver does, when the server
         * restarted) has lost its prepared statements, which mod_dbd does not know: where
         * the error names the statement, it is prepared again on it, once, and the query
         * sent again. */
        if (strstr(why, qs->label)
            && apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, qs->sql, qs->label,
                               &stmt) == 0) {
            apr_hash_set(dbd->prepared, qs->label, APR_HASH_KEY_STRING, stmt);
            res = NULL;
            rv = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1, origin,
                                  (char *)NULL);
        }
        if (rv != 0) {
            return query_down(qs, r, apr_psprintf(r->pool, "the query failed: %s", why));
        }
    }
    /* Every row is read, as drivers finish a statement at its end. */
    while (apr_dbd_get_row(dbd->driver, r->pool, res, &row, -1) == 0) {
        found = 1;
    }
    return found;
}

/* Whether this request may ask the database now: not while it is failing (for
 * BREAKER_INTERVAL after a failure), not with QUERIES_WAITING_MAX of this process's requests
 * already waiting on it, and within the budget. */
static int may_ask(query_source *qs, request_rec *r, apr_time_t now, int listed_before)
{
    int open, say;

    lock(qs->base.lock);
    open = now >= qs->down_until && qs->waiting < QUERIES_WAITING_MAX;
    qs->waiting += open;
    unlock(qs->base.lock);
    if (!open) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "mod_cors: %s not asked: it failed less "
                      "than %d s ago, or %d requests of this process wait on it",
                      qs->base.name, (int)apr_time_sec(BREAKER_INTERVAL), QUERIES_WAITING_MAX);
        return 0;
    }
    if (take_budget(qs->env, now, listed_before, &say)) {
        return 1;
    }
    lock(qs->base.lock);
    qs->waiting--;
    unlock(qs->base.lock);
    if (say) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "mod_cors: more than %d origin "
                      "queries a second in this process (CORSOriginQueryBudget): origins "
                      "not in the cache are refused until the next second (said once a "
                      "minute per process)", qs->env->budget);
    }
    return 0;
}

static void asked(query_source *qs, apr_time_t now, int failed)
{
    lock(qs->base.lock);
    qs->waiting--;
    if (failed) {
        qs->down_until = now + BREAKER_INTERVAL;
    }
    unlock(qs->base.lock);
}

/* The origins the database listed are known to every process (the server's shared memory):
 * a flood of strangers' "no" answers may push a listed origin's answer out of the cache, and
 * it must not then count as a stranger's in any process (see take_budget). */
static apr_uint64_t listed_fingerprint(const query_source *qs, const request_rec *r,
                                       const char *key, size_t len)
{
    const char *parts[4];

    parts[0] = qs->id;
    parts[1] = db_id_of(qs, r);
    parts[2] = apr_pstrmemdup(r->pool, key, len);
    parts[3] = NULL;
    return parts[1] ? cors_store_fingerprint(qs->env->store, parts) : 0;
}

static int known_listed(const query_source *qs, const request_rec *r, const char *key,
                        size_t len)
{
    apr_uint64_t fp;

    return qs->env->store && (fp = listed_fingerprint(qs, r, key, len)) != 0
           && cors_store_listed(qs->env->store, fp);
}

static void remember(const query_source *qs, const request_rec *r, const char *key, size_t len,
                     int listed)
{
    apr_uint64_t fp;

    if (qs->env->store && (fp = listed_fingerprint(qs, r, key, len)) != 0) {
        cors_store_set_listed(qs->env->store, fp, listed);
    }
}

static int query_lookup(const void *src, const char *key, size_t len, apr_pool_t *p,
                        void *baton)
{
    query_source *qs = (query_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now();
    int cached, fresh, rc;

    (void)p;
    if (!r) {
        return -1;
    }
    cached = cache_get(qs, r, key, len, now, &fresh);
    if (cached == 0 || (cached == 1 && fresh)) {
        return cached;
    }
    /* A yes past its time is asked again first; while the database cannot be asked (the
     * budget spent, too many waiting, a failure just now) or fails, the yes still in the
     * cache stands until its entry expires. */
    if (!may_ask(qs, r, now, cached == 1 || known_listed(qs, r, key, len))) {
        return cached == 1 ? 1 : -1;
    }
    rc = run_query(qs, r, key, len);
    now = apr_time_now();
    asked(qs, now, rc < 0);
    if (rc < 0) {
        return cached == 1 ? 1 : -1;
    }
    remember(qs, r, key, len, rc);
    cache_put(qs, r, key, len, rc, now);
    return rc;
}

const char *cors_query_source_make(cmd_parms *cmd, const char *sql, cors_source_made *out)
{
    cors_sources_env *env;
    query_source *qs;
    const char *err;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_RUN_MPM) {
        return "not in .htaccess files: the database is the server's";
    }
    if ((err = cors_sql_check(cmd->pool, sql)) != NULL) {
        return err;
    }
    env = cors_sources_env_of(cmd->pool);
    qs = apr_pcalloc(cmd->pool, sizeof(*qs));
    if (!env->dbd_prepare) {
        env->dbd_prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
        env->dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    }
    if (!env->dbd_prepare || !env->dbd_acquire) {
        return "needs mod_dbd (LoadModule dbd_module, or a2enmod dbd) loaded before this line, "
               "and DBDriver/DBDParams for the database";
    }
    qs->sql = apr_pstrdup(cmd->pool, sql);
    qs->env = env;
    qs->server = cmd->server;
    APR_ARRAY_PUSH(env->query_sources, query_source *) = qs;
    hash_hex(qs->sql, qs->id);
    qs->prefix_len = (apr_size_t)apr_snprintf(qs->prefix, sizeof(qs->prefix), "cors:%s:", qs->id);
    /* The label is an SQL identifier to some drivers (pgsql: PREPARE label AS ...).  A query
     * given in several sections of a server is prepared once there. */
    qs->label = apr_psprintf(cmd->pool, "mod_cors_%s", qs->id);
    if (!apr_hash_get(env->shared, apr_psprintf(cmd->temp_pool, "%pp %s", (void *)cmd->server,
                                                qs->label), APR_HASH_KEY_STRING)) {
        env->dbd_prepare(cmd->server, qs->sql, qs->label);
        apr_hash_set(env->shared, apr_psprintf(cmd->pool, "%pp %s", (void *)cmd->server,
                                               qs->label), APR_HASH_KEY_STRING, qs);
    }
    env->queries++;
    source_init(cmd, &qs->base, apr_psprintf(cmd->pool, "CORSAllowOriginQuery \"%s\"", sql),
                SOURCE_QUERY);
    out->name = qs->base.name;
    out->lookup = query_lookup;
    out->src = qs;
    out->bytes = 0;
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* The server-wide directives                                                                 */

const char *cors_sources_set_cache(cmd_parms *cmd, const char *spec)
{
    cors_sources_env *env = cors_sources_env_of(cmd->pool);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *sep = strchr(spec, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, spec, (apr_size_t)(sep - spec)) : spec;

    if (err) {
        return err;
    }
    env->cache = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                    AP_SOCACHE_PROVIDER_VERSION);
    if (!env->cache) {
        return apr_psprintf(cmd->pool, "CORSOriginCache: unknown cache '%s': load its module "
                            "first (mod_socache_%s; shmcb for one server, memcache or redis "
                            "for several)", name, name);
    }
    err = env->cache->create(&env->cache_inst, sep ? sep + 1 : NULL, cmd->temp_pool, cmd->pool);
    if (err) {
        return apr_psprintf(cmd->pool, "CORSOriginCache: %s", err);
    }
    env->cache_spec = apr_pstrdup(cmd->pool, spec);
    env->spread = !strcmp(name, "shmcb");
    env->remote = strcmp(name, "shmcb") != 0 && strcmp(name, "dbm") != 0;
    return NULL;
}

static const char *seconds_arg(cmd_parms *cmd, const char *arg, long lo, long hi, long *v)
{
    const char *s;

    *v = 0;
    for (s = arg; *s >= '0' && *s <= '9' && *v <= hi; s++) {
        *v = *v * 10 + (*s - '0');
    }
    if (!*arg || *s || *v < lo || *v > hi) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number from %ld to %ld",
                            cmd->cmd->name, arg, lo, hi);
    }
    return ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

const char *cors_sources_set_timeout(cmd_parms *cmd, const char *arg)
{
    cors_sources_env *env = cors_sources_env_of(cmd->pool);
    long v;
    const char *err = seconds_arg(cmd, arg, 1, 86400, &v);

    if (!err) {
        env->timeout = apr_time_from_sec(v);
        env->timeout_set = 1;
    }
    return err;
}

const char *cors_sources_set_budget(cmd_parms *cmd, const char *arg)
{
    cors_sources_env *env = cors_sources_env_of(cmd->pool);
    long v;
    const char *err = seconds_arg(cmd, arg, 1, 100000, &v);

    if (!err) {
        env->budget = (int)v;
        env->budget_set = 1;
    }
    return err;
}

/* CORSOriginCacheSecret PATH: the key of the MAC on the answers kept in a remote cache, the
 * same on every server sharing it.  Read at start-up, as root: the file may be root's alone,
 * and must not be readable by every user. */
#define SECRET_MIN  32
#define SECRET_MAX  4096

const char *cors_sources_set_secret(cmd_parms *cmd, const char *path)
{
    cors_sources_env *env = cors_sources_env_of(cmd->pool);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *file = ap_server_root_relative(cmd->pool, path);
    unsigned char *key;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t got = 0;
    apr_status_t rv;

    if (err) {
        return err;
    }
    if (!file) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: '%s' is not a valid path", path);
    }
    rv = apr_file_open(&f, file, APR_FOPEN_READ | APR_FOPEN_BINARY | APR_FOPEN_NONBLOCK,
                       APR_OS_DEFAULT, cmd->temp_pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE | APR_FINFO_PROT
                                    | APR_FINFO_GROUP, f);
        if (rv == APR_SUCCESS && (fi.filetype != APR_REG || fi.size > SECRET_MAX)) {
            rv = APR_EINVAL;
        }
        if (rv == APR_SUCCESS) {
            key = apr_palloc(cmd->pool, (apr_size_t)fi.size + 1);
            rv = apr_file_read_full(f, key, (apr_size_t)fi.size, &got);
        }
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: cannot read %s (a regular file "
                            "of at most %d bytes): %s", file, SECRET_MAX,
                            error_text(cmd->temp_pool, rv));
    }
    /* Readable by httpd's user, the secret would be readable by every script it runs (a
     * customer's PHP, on shared hosting). */
    if ((fi.protection & APR_WREAD) || ((fi.protection & APR_GREAD) && fi.group != 0)) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: %s can be read by users other "
                            "than root (by httpd's scripts, say): make it root's alone "
                            "(chown root:root %s; chmod 600 %s)", file, file, file);
    }
    while (got > 0 && (key[got - 1] == '\n' || key[got - 1] == '\r' || key[got - 1] == ' ')) {
        got--;
    }
    if (got < SECRET_MIN) {
        return apr_psprintf(cmd->pool, "CORSOriginCacheSecret: %s holds %" APR_SIZE_T_FMT
                            " bytes: give at least %d random ones, the same file on every "
                            "server sharing the cache (openssl rand -hex 32 > %s)", file, got,
                            SECRET_MIN, file);
    }
    env->secret = key;
    env->secret_len = got;
    env->secret_file = file;
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Hooks                                                                                      */

void cors_sources_pre_config(apr_pool_t *pconf)
{
    ap_mutex_register(pconf, CACHE_MUTEX, NULL, APR_LOCK_DEFAULT, 0);
}

static apr_status_t destroy_cache(void *data)
{
    cors_sources_env *env = data;

    env->cache->destroy(env->cache_inst, ap_server_conf);
    return APR_SUCCESS;
}

/* The DBD configuration in force for a server: mod_dbd's per-server record begins with it
 * (a dbd_cfg_t, mod_dbd.h's); NULL without mod_dbd. */
static const dbd_cfg_t *dbd_config_of(const server_rec *s)
{
    module *dbd = ap_find_linked_module("mod_dbd.c");
    void *svr = dbd ? ap_get_module_config(s->module_config, dbd) : NULL;

    return svr ? *(const dbd_cfg_t *const *)svr : NULL;
}

static int dbd_configured(const dbd_cfg_t *cfg)
{
    return cfg && cfg->name && strcmp(cfg->name, "[DBDriver unset]") != 0;
}

int cors_sources_check_config(apr_pool_t *pconf, server_rec *s)
{
    cors_sources_env *env = cors_sources_env_of(pconf);
    int i, failed = 0;

    for (i = 0; i < env->query_sources->nelts; i++) {
        const query_source *qs = APR_ARRAY_IDX(env->query_sources, i, query_source *);
        if (!dbd_configured(dbd_config_of(qs->server))) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, s, "mod_cors: %s in %s "
                         "(%s:%d) has no database: give DBDriver and DBDParams in that server",
                         qs->base.name, qs->server->is_virtual ? "a virtual host"
                                                               : "the main server",
                         qs->server->defn_name ? qs->server->defn_name : "?",
                         qs->server->defn_line_number);
            failed = 1;
        }
    }
    if (env->queries && !env->cache) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: CORSAllowOriginQuery without "
                     "CORSOriginCache: every request from an origin not listed otherwise "
                     "queries the database (at most CORSOriginQueryBudget, %d, a second per "
                     "process; the rest are refused); add CORSOriginCache shmcb", env->budget);
    }
    if (env->secret && (!env->cache || !env->remote)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: CORSOriginCacheSecret %s is "
                     "not used: it signs answers kept in a cache across the network (memcache, "
                     "redis), and CORSOriginCache is %s", env->secret_file,
                     env->cache_spec ? env->cache_spec : "not given");
    }
    if (env->cache && env->remote && !env->secret) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "mod_cors: answers kept in "
                     "CORSOriginCache %s are trusted as they are: whoever can write to it can "
                     "allow any origin, with credentials; give CORSOriginCacheSecret, or keep "
                     "the cache where only these servers reach it", env->cache_spec);
    }
    return failed;
}

/* Each server's database, named for the cache keys (see cache_key). */
static void name_databases(cors_sources_env *env, apr_pool_t *pconf, server_rec *s)
{
    for (; s; s = s->next) {
        const dbd_cfg_t *cfg = dbd_config_of(s);
        char *id = apr_palloc(pconf, 17);
        hash_hex(apr_pstrcat(pconf, cfg && cfg->name ? cfg->name : "", "\n",
                             cfg && cfg->params ? cfg->params : "", (char *)NULL), id);
        apr_hash_set(env->db_ids, apr_pmemdup(pconf, &s, sizeof(server_rec *)),
                     sizeof(server_rec *), id);
    }
}

int cors_sources_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    cors_sources_env *env = cors_sources_env_of(pconf);
    struct ap_socache_hints hints;
    apr_status_t rv;

    (void)ptemp;
    if (env->queries) {
        name_databases(env, pconf, s);
    }
    if (env->queries && ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG) {
        env->store = cors_store_attach(s);
        if (!env->store) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    if (!env->cache || ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (env->cache->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&env->cache_lock, NULL, CACHE_MUTEX, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: cannot create the lock of "
                         "CORSOriginCache %s", env->cache_spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    hints.avg_id_len = 48;
    hints.avg_obj_size = 1;
    hints.expiry_interval = env->timeout;
    rv = env->cache->init(env->cache_inst, CACHE_NAME, &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "mod_cors: cannot start CORSOriginCache %s",
                     env->cache_spec);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, env, destroy_cache, apr_pool_cleanup_null);
    return OK;
}

static apr_status_t destroy_pool(void *pool)
{
    apr_pool_destroy(pool);
    return APR_SUCCESS;
}

void cors_sources_child_init(apr_pool_t *pchild, server_rec *s)
{
    cors_sources_env *env = cors_sources_env_of(s->process->pconf);
    int i;

    env->lock = cors_process_lock(pchild);
    if (env->cache_lock) {
        apr_global_mutex_child_init(&env->cache_lock, apr_global_mutex_lockfile(env->cache_lock),
                                    pchild);
    }
    for (i = 0; i < env->started->nelts; i++) {
        source_base *b = APR_ARRAY_IDX(env->started, i, source_base *);
        b->lock = cors_process_lock(pchild);
        if (b->kind == SOURCE_DBM) {
            dbm_source *ds = (dbm_source *)b;
            apr_pool_create_unmanaged_ex(&ds->pool, NULL, NULL);
            apr_pool_cleanup_register(pchild, ds->pool, destroy_pool, apr_pool_cleanup_null);
        }
    }
}
