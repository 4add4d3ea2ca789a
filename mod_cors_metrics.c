/* mod_cors_metrics.c - the counters every child of a server shares, and the two views of them: mod_status's page and Prometheus text. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 */
#include <string.h>

#include "apr_hash.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "ap_listen.h"
#include "mod_status.h"

#include "mod_cors.h"
#include "mod_cors_metrics.h"
#include "mod_cors_process.h"

APLOG_USE_MODULE(cors);

/* A virtual host's slots: every outcome but "none", plain and under CORSReportOnly. */
#define OUTCOME_SLOTS   ((apr_size_t)CORS_OUTCOMES * 2)

struct cors_metrics {
    apr_uint64_t *counts;               /* in the segment: servers x OUTCOME_SLOTS, then
                                         * kinds x results (source_slot) */
    int servers;
    const char **labels;                /* "NAME:PORT" per slot, escaped for a label value */
    const char **keys;                  /* "NAME PORT" per slot, for ?auto ("_" for ':') */
    int *series;                        /* per slot: the first slot of the same label, where
                                         * hosts of one name and port are summed */
    apr_time_t started;
};

static const char *const kind_names[CORS_COUNT_KINDS] = { "file", "dbm", "query", "cache" };

/* What each kind can count (the rest stay 0 and are not shown). */
static const struct {
    cors_count_kind kind;
    cors_lookup_result result;
    const char *name;
} source_rows[] = {
    { CORS_COUNT_CACHE, CORS_LOOKUP_HIT, "hit" },
    { CORS_COUNT_CACHE, CORS_LOOKUP_MISS, "miss" },
    { CORS_COUNT_FILE, CORS_LOOKUP_DONE, "lookup" },
    { CORS_COUNT_FILE, CORS_LOOKUP_FAILED, "failure" },
    { CORS_COUNT_DBM, CORS_LOOKUP_DONE, "lookup" },
    { CORS_COUNT_DBM, CORS_LOOKUP_FAILED, "failure" },
    { CORS_COUNT_QUERY, CORS_LOOKUP_DONE, "query" },
    { CORS_COUNT_QUERY, CORS_LOOKUP_FAILED, "failure" },
    { CORS_COUNT_QUERY, CORS_LOOKUP_BUDGET, "budget" },
};
#define N_SOURCE_ROWS (sizeof(source_rows) / sizeof(source_rows[0]))

/* Where a count is in the segment. */
static apr_size_t outcome_slot(int server, int o, int report)
{
    return (apr_size_t)server * OUTCOME_SLOTS + (apr_size_t)o * 2 + (apr_size_t)(report != 0);
}

static apr_size_t source_slot(const cors_metrics *m, int kind, int result)
{
    return (apr_size_t)m->servers * OUTCOME_SLOTS + (apr_size_t)kind * CORS_LOOKUP_RESULTS
           + (apr_size_t)result;
}

/* A label value as the exposition format reads it: backslash, quote and newline escaped. */
static const char *label_value(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) * 2 + 1), *o = out;

    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            *o++ = '\\';
            *o++ = *s;
        }
        else if (*s == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        }
        else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* ServerName and port, as an admin reads a virtual host; the port the host listens on
 * where ServerName gives none. */
static const char *server_label(apr_pool_t *p, const server_rec *s)
{
    apr_port_t port = s->port;

    if (!port && s->is_virtual && s->addrs) {
        port = s->addrs->host_port;
    }
    if (!port && !s->is_virtual && ap_listeners) {
        port = ap_listeners->bind_addr->port;
    }
    if (!port) {
        port = DEFAULT_HTTP_PORT;
    }

    return label_value(p, apr_psprintf(p, "%s:%u", s->server_hostname
                                       ? s->server_hostname : "localhost", (unsigned)port));
}

/* A label as a ?auto key: its last ':' (before the port) a space, any other ':' (an IPv6
 * name's) and every ']' or space an '_'. */
static const char *status_key(apr_pool_t *p, const char *label)
{
    char *key = apr_pstrdup(p, label), *port = strrchr(key, ':'), *c;

    for (c = key; *c; c++) {
        if (c == port) {
            *c = ' ';
        }
        else if (*c == ':' || *c == ']' || *c == ' ') {
            *c = '_';
        }
    }
    return key;
}

cors_metrics *cors_metrics_make(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    cors_metrics *m = apr_pcalloc(pconf, sizeof(*m));
    apr_shm_t *shm;
    apr_size_t size;
    apr_status_t rv;
    server_rec *vs;
    apr_hash_t *firsts;
    int i = 0;

    for (vs = s; vs; vs = vs->next) {
        m->servers++;
    }
    size = sizeof(apr_uint64_t) * source_slot(m, CORS_COUNT_KINDS, 0);
    rv = apr_shm_create(&shm, size, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, "mod_cors: cannot make the shared memory "
                     "of its counters (%" APR_SIZE_T_FMT " bytes): nothing is counted", size);
        return NULL;
    }
    m->counts = apr_shm_baseaddr_get(shm);
    memset(m->counts, 0, size);
    m->labels = apr_palloc(pconf, sizeof(const char *) * (apr_size_t)m->servers);
    m->series = apr_palloc(pconf, sizeof(int) * (apr_size_t)m->servers);
    m->keys = apr_palloc(pconf, sizeof(const char *) * (apr_size_t)m->servers);
    firsts = apr_hash_make(ptemp);
    for (vs = s; vs; vs = vs->next, i++) {
        /* Each host's own record (mod_cors.c's post_config made one for every host). */
        cors_server_conf *sconf = ap_get_module_config(vs->module_config, &cors_module);
        int *first;
        sconf->slot = i;
        sconf->counts = &m->counts[outcome_slot(i, 0, 0)];
        m->labels[i] = server_label(pconf, vs);
        m->keys[i] = status_key(pconf, m->labels[i]);
        first = apr_hash_get(firsts, m->labels[i], APR_HASH_KEY_STRING);
        if (!first) {
            first = apr_pmemdup(ptemp, &i, sizeof(i));
            apr_hash_set(firsts, m->labels[i], APR_HASH_KEY_STRING, first);
        }
        m->series[i] = *first;
    }
    m->started = apr_time_now();
    return m;
}

static void add_one(apr_uint64_t *slot)
{
    __atomic_fetch_add(slot, 1, __ATOMIC_RELAXED);
}

static apr_uint64_t read_slot(const apr_uint64_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

void cors_metrics_source(cors_count_kind kind, cors_lookup_result result)
{
    cors_metrics *m = cors_main_conf()->metrics;

    if (m) {
        add_one(&m->counts[source_slot(m, (int)kind, (int)result)]);
    }
}

static apr_uint64_t outcome_count(const cors_metrics *m, int server, int o, int report)
{
    return read_slot(&m->counts[outcome_slot(server, o, report)]);
}

static apr_uint64_t source_count(const cors_metrics *m, size_t row)
{
    return read_slot(&m->counts[source_slot(m, (int)source_rows[row].kind,
                                            (int)source_rows[row].result)]);
}

/* Every series' counts, summed over the hosts of one name and port (where the first of them
 * is shown), in one pass: a view costs the same per host with many hosts. */
static apr_uint64_t *series_counts(apr_pool_t *p, const cors_metrics *m)
{
    apr_uint64_t *sum = apr_pcalloc(p, sizeof(apr_uint64_t) * outcome_slot(m->servers, 0, 0));
    int i, o, report;

    for (i = 0; i < m->servers; i++) {
        for (o = CORS_OUTCOME_NONE + 1; o < CORS_OUTCOMES; o++) {
            for (report = 0; report <= 1; report++) {
                sum[outcome_slot(m->series[i], o, report)] += outcome_count(m, i, o, report);
            }
        }
    }
    return sum;
}

int cors_metrics_write(request_rec *r, const cors_metrics *m)
{
    apr_uint64_t *sum;
    int i, o, report;
    size_t row;

    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->header_only) {
        return OK;
    }
    if (!m) {
        ap_rputs("# mod_cors: its counters could not be made (the error log says why)\n", r);
        return OK;
    }
    ap_rputs("# HELP mod_cors_requests_total CORS requests (with an Origin, where an origin "
             "list is in force) by virtual host and outcome.\n"
             "# TYPE mod_cors_requests_total counter\n", r);
    sum = series_counts(r->pool, m);
    for (i = 0; i < m->servers; i++) {
        if (m->series[i] != i) {
            continue;
        }
        for (report = 0; report <= 1; report++) {
            for (o = CORS_OUTCOME_NONE + 1; o < CORS_OUTCOMES; o++) {
                ap_rprintf(r, "mod_cors_requests_total{server=\"%s\",outcome=\"%s\"} %"
                           APR_UINT64_T_FMT "\n", m->labels[i],
                           cors_outcome_name((cors_outcome)o, report),
                           sum[outcome_slot(i, o, report)]);
            }
        }
    }
    ap_rputs("# HELP mod_cors_source_lookups_total What the origin sources did, by kind of "
             "source and result.\n"
             "# TYPE mod_cors_source_lookups_total counter\n", r);
    for (row = 0; row < N_SOURCE_ROWS; row++) {
        ap_rprintf(r, "mod_cors_source_lookups_total{source=\"%s\",result=\"%s\"} %"
                   APR_UINT64_T_FMT "\n", kind_names[source_rows[row].kind],
                   source_rows[row].name, source_count(m, row));
    }
    ap_rprintf(r, "# HELP mod_cors_start_time_seconds When the counters started (the last "
               "start or restart of httpd), in Unix time.\n"
               "# TYPE mod_cors_start_time_seconds gauge\n"
               "mod_cors_start_time_seconds %" APR_TIME_T_FMT "\n",
               apr_time_sec(m->started));
    return OK;
}

int cors_metrics_status(request_rec *r, int flags)
{
    const cors_metrics *m = cors_main_conf()->metrics;
    apr_uint64_t *sum;
    int i, o, report;
    size_t row;

    if (!m) {
        return OK;
    }
    sum = series_counts(r->pool, m);
    /* ?auto: "Key: value" lines, one key per series, as mod_ssl's and the scoreboard's; no
     * ':' in a key, where readers split the line (NAME PORT, not NAME:PORT). */
    if (flags & AP_STATUS_SHORT) {
        for (i = 0; i < m->servers; i++) {
            if (m->series[i] != i) {
                continue;
            }
            for (report = 0; report <= 1; report++) {
                for (o = CORS_OUTCOME_NONE + 1; o < CORS_OUTCOMES; o++) {
                    ap_rprintf(r, "CORSRequests[%s %s]: %" APR_UINT64_T_FMT "\n",
                               m->keys[i], cors_outcome_name((cors_outcome)o, report),
                               sum[outcome_slot(i, o, report)]);
                }
            }
        }
        for (row = 0; row < N_SOURCE_ROWS; row++) {
            ap_rprintf(r, "CORSSourceLookups[%s %s]: %" APR_UINT64_T_FMT "\n",
                       kind_names[source_rows[row].kind], source_rows[row].name,
                       source_count(m, row));
        }
        return OK;
    }
    ap_rputs("<hr />\n<h2>mod_cors</h2>\n<table border=\"0\"><tr><th>virtual host</th>", r);
    for (o = CORS_OUTCOME_NONE + 1; o < CORS_OUTCOMES; o++) {
        ap_rprintf(r, "<th>%s</th>", cors_outcome_name((cors_outcome)o, 0));
    }
    ap_rputs("</tr>\n", r);
    for (i = 0; i < m->servers; i++) {
        if (m->series[i] != i) {
            continue;
        }
        for (report = 0; report <= 1; report++) {
            ap_rprintf(r, "<tr><td>%s%s</td>", ap_escape_html(r->pool, m->labels[i]),
                       report ? " (report-only)" : "");
            for (o = CORS_OUTCOME_NONE + 1; o < CORS_OUTCOMES; o++) {
                ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>", sum[outcome_slot(i, o, report)]);
            }
            ap_rputs("</tr>\n", r);
        }
    }
    ap_rputs("</table>\n<table border=\"0\"><tr><th>origin source</th><th>result</th>"
             "<th>count</th></tr>\n", r);
    for (row = 0; row < N_SOURCE_ROWS; row++) {
        ap_rprintf(r, "<tr><td>%s</td><td>%s</td><td>%" APR_UINT64_T_FMT "</td></tr>\n",
                   kind_names[source_rows[row].kind], source_rows[row].name,
                   source_count(m, row));
    }
    ap_rputs("</table>\n", r);
    return OK;
}
