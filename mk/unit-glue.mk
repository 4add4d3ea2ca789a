# unit-glue.mk - unit tests of the glue's parts that need httpd's headers but no server: the
# .htaccess cache (tests/unit/test_htcache.c).  Part of make test.
HTTPD_INC = $(shell $(APXS) -q INCLUDEDIR 2>/dev/null)

build/unit-htcache: tests/unit/test_htcache.c tests/unit/unit.h mod_cors_htaccess.c mod_cors_htaccess.h mod_cors_sources.h $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=gnu99 -g -O1 $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -Iinclude -Isrc -I. -I$(HTTPD_INC) $(APR_CFLAGS) -o $@ tests/unit/test_htcache.c mod_cors_htaccess.c \
	    $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

.PHONY: unit-glue
unit-glue: deps-build build/unit-htcache
	ASAN_OPTIONS=detect_leaks=0 ./build/unit-htcache

TEST_TARGETS += unit-glue
