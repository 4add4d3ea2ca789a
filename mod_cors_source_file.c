/* mod_cors_source_file.c - the "file" origin back end: a file of origins, read again when it changes (CORSAllowOriginFile). */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * The list read from the file is swapped whole when a new version reads without error
 * (requests still reading the old one keep it until they end); each process looks at the
 * file at most once a second.  Named in an .htaccess file, the file is the customer's
 * business and may be anything a link made it: it is read below the directory the .htaccess
 * file was read from, with no link on its path, and never quoted.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <linux/openat2.h>
#endif

#include "apr_file_info.h"
#include "apr_file_io.h"
#include "apr_portable.h"
#include "apr_strings.h"
#include "apr_user.h"

#include "ap_provider.h"
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "mod_cors_metrics.h"
#include "mod_cors_sources.h"

APLOG_USE_MODULE(cors);

/* An origin file is read whole into memory: beyond these, a DBM file is the tool. */
#define FILE_MAX            ((apr_off_t)16 * 1024 * 1024)
#define HTACCESS_FILE_MAX   ((apr_off_t)256 * 1024)   /* the .htaccess cache keeps its list */
/* A file that does not end its last line is taken once it has not changed for this long. */
#define FILE_SETTLE         apr_time_from_sec(2)

/* What a list of origins read from a file takes in memory, per byte of the file (measured:
 * the parsed items, their index and the sealed views; see tests/httpd/htaccess-memory.sh). */
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
    cors_source_base base;
    const char *path;                   /* the file; for an .htaccess file's, bound/rel */
    const char *bound;                  /* named by an .htaccess file: the real path of its
                                         * directory, resolved once; NULL otherwise */
    const char *rel;                    /* the path below bound, without "." or ".." */
    apr_off_t max;
    const cors_psl_below *below;
    const cors_meter *meter;            /* where later versions are counted, or NULL */
    file_list *current;                 /* holds a reference of its own */
    cors_file_stamp tried;                   /* the last version read, loaded or not */
    cors_file_stamp pending;                 /* a version not taken yet until it settles */
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
    const char *why, *rule;
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
    rule = cors_origin_wildcard_over_suffix(p, below, line);
    if (!quote && rule) {
        return "this line's wildcard covers a public suffix, under which anyone can register "
               "a name; list the sites instead";
    }
    if ((why = cors_set_add(p, set, line, CORS_ITEM_PLAIN)) != NULL) {
        return quote ? why : "this line is not an origin as browsers send it (lower case, no "
                             "default port, no path): write it as the browser's Origin header "
                             "shows it";
    }
    return rule ? apr_psprintf(p, "'%s' lets strangers in: it covers '%s', a public suffix "
                               "under which anyone can register a name; list the sites "
                               "instead", line, rule) : NULL;
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
static cors_file_stamp source_stamp(const file_source *fs, apr_pool_t *p)
{
    apr_file_t *f = NULL;
    apr_finfo_t fi;
    cors_file_stamp st;

    if (!fs->bound) {
        return cors_stamp_of(fs->path, p);
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
               : apr_psprintf(p, "cannot read %s: %s", fs->path, cors_error_text(p, rv));
    }
    err = open_no_links(f, fs->bound, fs->rel, p);
    if (err == ELOOP || err == ENOTDIR || err == EXDEV) {
        return apr_psprintf(p, "%s is a link, or a link is on its path: an .htaccess file's "
                            "origin file is read only where no link leads", fs->path);
    }
    return err ? apr_psprintf(p, "cannot read %s: %s", fs->path, cors_error_text(p, err)) : NULL;
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
        *err = apr_psprintf(p, "cannot read %s: %s", fs->path, cors_error_text(p, rv));
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
static int first_said(const file_source *fs, apr_pool_t *p, const cors_file_stamp *st)
{
    return cors_say_once(fs->bound ? CORS_SAID_HTACCESS : CORS_SAID_SERVER,
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
    cors_file_stamp before, after;
    file_list *list;
    const char *err = NULL;
    int origins = 0, complete = 0;

    before = source_stamp(fs, r->pool);
    if (cors_same_stamp(&before, &fs->tried)) {
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
    if (!cors_same_stamp(&before, &after)) {
        apr_pool_destroy(list->pool);
        return;
    }
    if (!before.missing && (!complete || before.size == 0)) {
        if (!cors_same_stamp(&before, &fs->pending)) {
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
    if (!list->set) {
        cors_metrics_source(CORS_COUNT_FILE, CORS_LOOKUP_FAILED);
    }
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
        list->set = cors_set_sealed_copy(list->pool, cors_set_make(list->pool, CORS_SET_ORIGINS));
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
    cors_lock(fs->base.lock);
    release_list(fs->current);
    fs->current = list;
    cors_unlock(fs->base.lock);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "mod_cors: %s: read again (origins: %d)",
                  fs->base.name, origins);
}

static cors_source_answer file_lookup(const void *src, const char *key, size_t len,
                                      apr_pool_t *p, void *baton)
{
    file_source *fs = (file_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now();
    file_list *list;
    const char *limited = NULL;
    int check, rc;

    cors_lock(fs->base.lock);
    check = r && !fs->checking && (now - fs->checked >= CORS_CHECK_INTERVAL || now < fs->checked);
    if (check) {
        fs->checking = 1;
        fs->checked = now;
    }
    cors_unlock(fs->base.lock);
    if (check) {
        reread_file(fs, r, now);
        cors_lock(fs->base.lock);
        fs->checking = 0;
        cors_unlock(fs->base.lock);
    }
    cors_lock(fs->base.lock);
    list = fs->current;
    list->refs++;
    cors_unlock(fs->base.lock);
    rc = cors_origin_allowed(p, list->set, key, len, &limited);
    cors_metrics_source(CORS_COUNT_FILE, CORS_LOOKUP_DONE);
    cors_lock(fs->base.lock);
    release_list(list);
    cors_unlock(fs->base.lock);
    return rc == 1 ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
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

static const char *file_make(cmd_parms *cmd, const cors_source_where *where,
                             const char *path, cors_source_made *out)
{
    const char *bound = where->bound;
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
        fs->meter = where->meter;
    }
    else {
        fs->path = ap_server_root_relative(cmd->pool, path);
        fs->max = FILE_MAX;
        if (!fs->path) {
            return apr_psprintf(cmd->pool, "'%s' is not a valid path", path);
        }
        if (cors_source_shared(cmd, apr_psprintf(cmd->pool, "file:%s", fs->path), out)) {
            return NULL;
        }
    }
    cors_source_init(cmd, &fs->base, apr_psprintf(cmd->pool, "CORSAllowOriginFile %s",
                                                  fs->path), NULL);
    fs->below = where->below;
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
        list->set = cors_set_sealed_copy(list->pool, cors_set_make(list->pool, CORS_SET_ORIGINS));
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
        cors_source_share(cmd, apr_psprintf(cmd->pool, "file:%s", fs->path), out);
    }
    return NULL;
}

static const cors_origin_source file_provider = {
    file_make,
    NULL,
    NULL
};

void cors_source_file_register(apr_pool_t *p)
{
    ap_register_provider(p, CORS_ORIGIN_SOURCE_GROUP, "file", CORS_ORIGIN_SOURCE_VERSION,
                         &file_provider);
}
