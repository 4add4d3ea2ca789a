/* mod_cors_source_dbm.c - the "dbm" origin back end: a DBM file whose keys are the origins allowed (CORSAllowOriginMap). */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */

/*
 * An apr_dbm handle per process, opened again when the file changes (looked at at most once
 * a second), and the answers it gave remembered until then: a repeated origin costs a hash
 * look-up, not a page of the DBM file.  The file is the server's: never an .htaccess file's.
 */

#include <string.h>

#include "apr_dbm.h"
#include "apr_file_info.h"
#include "apr_strings.h"

#include "ap_provider.h"
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#include "mod_cors_metrics.h"
#include "mod_cors_sources.h"

APLOG_USE_MODULE(cors);

typedef struct {
    cors_source_base base;
    const char *type;                   /* apr_dbm's name: "default", "db", "gdbm", "sdbm" */
    const char *path;
    const char *file1, *file2;          /* the files it is made of (sdbm: two) */
    /* Per process, under base.lock: */
    apr_pool_t *pool;                   /* the open handle's, with an allocator of its own */
    apr_dbm_t *db;
    cors_memo *memo;                    /* answers of the version open */
    cors_file_stamp stamp;              /* of the version open, or last tried (file1, then
                                         * file2's time) */
    apr_time_t checked;
    apr_status_t failed;                /* why the version last tried did not open, or 0 */
} dbm_source;

static cors_file_stamp dbm_stamp(const dbm_source *ds, apr_pool_t *p)
{
    cors_file_stamp st = cors_stamp_of(ds->file1, p);

    if (ds->file2 && !st.missing) {
        cors_file_stamp two = cors_stamp_of(ds->file2, p);
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
    cors_file_stamp st = dbm_stamp(ds, p);
    apr_finfo_t fi;
    apr_status_t rv;

    if (cors_same_stamp(&st, &ds->stamp) && (ds->db || ds->failed)) {
        return ds->failed;
    }
    if (ds->db) {
        apr_dbm_close(ds->db);
        ds->db = NULL;
    }
    apr_pool_clear(ds->pool);
    cors_memo_clear(ds->memo);
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

/* Under the lock: the file's answer for the origin, or its error. */
static cors_source_answer fetch(dbm_source *ds, const char *key, size_t len, apr_status_t *rv)
{
    apr_datum_t k, v;

    k.dptr = (char *)key;
    k.dsize = len;
    v.dptr = NULL;
    *rv = apr_dbm_fetch(ds->db, k, &v);
    if (*rv != APR_SUCCESS) {
        /* Damaged under us: not asked again until the file changes. */
        apr_dbm_close(ds->db);
        ds->db = NULL;
        ds->failed = *rv;
        return CORS_SOURCE_UNAVAILABLE;
    }
    return v.dptr != NULL ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
}

static cors_source_answer dbm_lookup(const void *src, const char *key, size_t len,
                                     apr_pool_t *p, void *baton)
{
    dbm_source *ds = (dbm_source *)src;
    request_rec *r = baton;
    apr_time_t now = apr_time_now();
    apr_status_t rv;
    cors_source_answer rc = CORS_SOURCE_UNAVAILABLE;

    if (!ds->pool) {
        return CORS_SOURCE_UNAVAILABLE;     /* not a source of the server's configuration */
    }
    cors_lock(ds->base.lock);
    if (ds->checked == 0 || now - ds->checked >= CORS_CHECK_INTERVAL || now < ds->checked) {
        ds->checked = now;
        rv = reopen_dbm(ds, p);
    }
    else {
        rv = ds->failed;
    }
    if (ds->db) {
        int known = cors_memo_get(ds->memo, key, len, now);
        if (known >= 0) {
            rc = known ? CORS_SOURCE_ALLOWED : CORS_SOURCE_REFUSED;
        }
        else if ((rc = fetch(ds, key, len, &rv)) != CORS_SOURCE_UNAVAILABLE) {
            cors_memo_put(ds->memo, key, len, rc == CORS_SOURCE_ALLOWED, APR_INT64_MAX);
        }
        cors_metrics_source(CORS_COUNT_CACHE, known >= 0 ? CORS_LOOKUP_HIT : CORS_LOOKUP_MISS);
        if (known < 0) {
            cors_metrics_source(CORS_COUNT_DBM, CORS_LOOKUP_DONE);
        }
    }
    cors_unlock(ds->base.lock);
    if (rc == CORS_SOURCE_UNAVAILABLE) {
        cors_metrics_source(CORS_COUNT_DBM, CORS_LOOKUP_FAILED);
        if (r) {
            apr_table_setn(r->notes, CORS_NOTE_SOURCE_DOWN, apr_psprintf(r->pool, "%s cannot "
                           "be opened as a %s DBM file (%s)", ds->base.name, ds->type,
                           rv == APR_EBADF ? "not a regular file"
                                           : cors_error_text(r->pool, rv)));
        }
    }
    if (rc == CORS_SOURCE_UNAVAILABLE && r && cors_source_time_to_log(&ds->base, now)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "mod_cors: %s cannot be opened as a %s "
                      "DBM file (%s): origins it lists are refused until it can (said once a "
                      "minute per process)", ds->base.name, ds->type,
                      rv == APR_EBADF ? "not a regular file" : cors_error_text(r->pool, rv));
    }
    return rc;
}

static apr_status_t destroy_pool(void *pool)
{
    apr_pool_destroy(pool);
    return APR_SUCCESS;
}

/* Each process opens the file itself, in a pool of its own. */
static void dbm_child_init(cors_source_base *b, apr_pool_t *pchild)
{
    dbm_source *ds = (dbm_source *)b;

    apr_pool_create_unmanaged_ex(&ds->pool, NULL, NULL);
    apr_pool_cleanup_register(pchild, ds->pool, destroy_pool, apr_pool_cleanup_null);
    ds->memo = cors_memo_make(pchild, NULL);
}

static const char *dbm_make(cmd_parms *cmd, const cors_source_where *where, const char *spec,
                            cors_source_made *out)
{
    dbm_source *ds;
    const char *colon = strchr(spec, ':');
    apr_dbm_t *db;
    apr_finfo_t fi;
    apr_status_t rv;

    (void)where;
    if (cors_in_htaccess(cmd)) {
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
    if (cors_source_shared(cmd, apr_psprintf(cmd->pool, "dbm=%s:%s", ds->type, ds->path), out)) {
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
    if (cors_stamp_of(ds->file1, cmd->temp_pool).missing) {
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
                            cors_error_text(cmd->temp_pool, rv), ds->path);
    }
    apr_dbm_close(db);
    cors_source_init(cmd, &ds->base, apr_psprintf(cmd->pool, "CORSAllowOriginMap %s", spec),
                     dbm_child_init);
    out->name = ds->base.name;
    out->lookup = dbm_lookup;
    out->src = ds;
    out->bytes = 0;
    cors_source_share(cmd, apr_psprintf(cmd->pool, "dbm=%s:%s", ds->type, ds->path), out);
    return NULL;
}

static const cors_origin_source dbm_provider = {
    dbm_make,
    NULL,
    NULL
};

void cors_source_dbm_register(apr_pool_t *p)
{
    ap_register_provider(p, CORS_ORIGIN_SOURCE_GROUP, "dbm", CORS_ORIGIN_SOURCE_VERSION,
                         &dbm_provider);
}
