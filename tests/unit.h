/* unit.h - the smallest test harness that reads well: CHECK macros and a closing count. */
#ifndef CORS_UNIT_H
#define CORS_UNIT_H

#include <stdio.h>
#include <string.h>

typedef struct {
    unsigned int passed;
    unsigned int failed;
} unit_counts;

/* Every test file's functions take the shared counts. */
#define CHECK(u, cond, ...) do {                                          \
        if (cond) {                                                       \
            (u)->passed++;                                                \
        }                                                                 \
        else {                                                            \
            (u)->failed++;                                                \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                   \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
        }                                                                 \
    } while (0)

#define CHECK_STR(u, got, want, what) do {                                \
        const char *g_ = (got), *w_ = (want);                             \
        CHECK(u, (g_ == NULL && w_ == NULL)                               \
                 || (g_ && w_ && strcmp(g_, w_) == 0),                    \
              "%s: got '%s', want '%s'", (what), g_ ? g_ : "(null)",     \
              w_ ? w_ : "(null)");                                        \
    } while (0)

#endif
