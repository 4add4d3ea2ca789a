/* mac.c - what signing a remote cache's answers costs: the calls mod_cors_sources.c and mod_cors_store.c make, alone. */
/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
 * except in compliance with the License.  You may obtain a copy of the License at
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * A memcache or redis answer costs a key (SHA-256 over the query's and the database's hashes
 * and the origin), and with CORSOriginCacheSecret an HMAC-SHA-256 over the key and the value,
 * made when it is stored and checked when it is read; the listed fingerprint in shared
 * memory is a keyed SHA-1.  Each is timed here on a typical origin, as the median of rounds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_sha1.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define ROUNDS  7
#define N       200000

static const char origin[] = "https://shop.customer-example.com";
static const char prefix[] = "cors:0123456789abcdef:";
static const char db[] = "fedcba9876543210";

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static unsigned int remote_key(unsigned char *md)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;

    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, prefix, sizeof(prefix) - 1);
    EVP_DigestUpdate(ctx, db, 16);
    EVP_DigestUpdate(ctx, ":", 1);
    EVP_DigestUpdate(ctx, origin, sizeof(origin) - 1);
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    return len;
}

static unsigned int value_mac(const unsigned char *secret, unsigned char *md)
{
    unsigned char msg[37 + 9 + sizeof(origin)];
    unsigned int len = 0;

    memset(msg, 'k', 37);
    memset(msg + 37, '1', 9);
    memcpy(msg + 46, origin, sizeof(origin) - 1);
    HMAC(EVP_sha256(), secret, 32, msg, sizeof(msg) - 1, md, &len);
    return len;
}

static unsigned int fingerprint(const unsigned char *secret, unsigned char *md)
{
    apr_sha1_ctx_t ctx;

    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, secret, 32);
    apr_sha1_update_binary(&ctx, (const unsigned char *)prefix, sizeof(prefix) - 1);
    apr_sha1_update_binary(&ctx, (const unsigned char *)db, 16);
    apr_sha1_update_binary(&ctx, (const unsigned char *)origin, sizeof(origin) - 1);
    apr_sha1_final(md, &ctx);
    return APR_SHA1_DIGESTSIZE;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* ns per call, the median of ROUNDS rounds of N calls. */
static double time_it(int which, const unsigned char *secret)
{
    double r[ROUNDS];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int sink = 0;
    int i, k;

    for (k = 0; k < ROUNDS; k++) {
        double t0 = now_ns();
        for (i = 0; i < N; i++) {
            sink += which == 0 ? remote_key(md) : which == 1 ? value_mac(secret, md)
                                                             : fingerprint(secret, md);
        }
        r[k] = (now_ns() - t0) / N;
    }
    qsort(r, ROUNDS, sizeof(double), cmp);
    return sink ? r[ROUNDS / 2] : -1;
}

int main(void)
{
    unsigned char secret[32];

    apr_initialize();
    memset(secret, 0x5a, sizeof(secret));
    printf("| what | ns per call |\n|---|---|\n");
    printf("| remote cache key (SHA-256, EVP) | %.0f |\n", time_it(0, secret));
    printf("| value MAC (HMAC-SHA-256), made on store, checked on read | %.0f |\n",
           time_it(1, secret));
    printf("| listed fingerprint (keyed SHA-1, apr_sha1) | %.0f |\n", time_it(2, secret));
    apr_terminate();
    return 0;
}
