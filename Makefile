# Makefile - builds mod_cors with apxs, and runs the demo, the tests and the benchmarks.
#
#   make          build .libs/mod_cors.so
#   make run      the demo: a page and an API on two loopback origins (conf-examples/demo.conf);
#                 DEMO_PORT=8080 API_PORT=8081 fix the ports, DEMO_HOST=addr (127.0.0.1) the address
#   make check    the fast loop, for every edit: unit tests (core plain and sanitized, glue),
#                 Apache::Test under the event MPM, a short model run (mk/check.mk)
#   make test     every suite: make check's, Apache::Test under prefork too, the shell suites
#                 against a real httpd, model, fuzz, lint, load, package and end-to-end suites
#                 (CONTRIBUTING.md, "Suites, benchmarks and layout", says where each lives)
#   make install  apxs -i, plus cors.load for a2enmod on Debian-style layouts
#
# Each target installs the Debian packages it needs when run as root (mk/need.sh), or prints
# the exact apt-get line.

SHELL       := /bin/bash
APXS        ?= $(shell command -v apxs 2>/dev/null || echo /usr/bin/apxs)
CC          ?= cc
WARN        := -Wall -Wextra -Werror
CORE_SRC    := src/cors_hash.c src/cors_list.c src/cors_index.c src/cors_origin.c src/cors_canon.c \
               src/cors_sql.c src/cors_level.c src/cors_probe.c src/cors_origins.c \
               src/cors_tokens.c src/cors_set.c src/cors_policy.c src/cors_decide.c \
               src/cors_pcre.c src/cors_conf.c
CORE_HDR    := include/cors.h include/cors_conf.h src/cors_internal.h
# The glue, one idea a file (mod_cors.h says which); an origin back end is one line here.
GLUE_SRC    := mod_cors.c mod_cors_info.c mod_cors_startup.c mod_cors_config.c \
               mod_cors_htaccess.c mod_cors_sources.c mod_cors_store.c mod_cors_metrics.c \
               mod_cors_process.c \
               mod_cors_source_file.c \
               mod_cors_source_dbm.c \
               mod_cors_source_dbd.c
GLUE_HDR    := $(patsubst %.c,%.h,$(filter-out mod_cors_source_%.c,$(GLUE_SRC)))
NEED        := sh mk/need.sh
comma       := ,

# Packages per purpose: BUILD_PKGS to compile, TEST_PKGS for Apache::Test and its backends.
BUILD_PKGS  := apache2 apache2-dev gcc make libc6-dev libpsl-dev libidn2-dev libpcre2-dev libssl-dev publicsuffix
TEST_PKGS   := $(BUILD_PKGS) libapache2-mod-perl2 libwww-perl libapache2-mod-php php-cli php-cgi curl

APR_CFLAGS   = $(shell apr-1-config --cflags --cppflags --includes 2>/dev/null)
APR_LIBS     = $(shell apr-1-config --link-ld --libs 2>/dev/null)
# What the core links besides APR: libpsl for the Public Suffix List, libidn2 for punycode,
# PCRE2 for CORSAllowOriginMatch's regexes (cors_pcre.c).
CORE_LIBS   := -lpsl -lidn2 -lpcre2-8

.PHONY: all build deps-build deps-test install run test unit unit-asan test-apache \
        test-apache-event test-apache-prefork clean

all: build

deps-build:
	@$(NEED) $(BUILD_PKGS)

build: deps-build .libs/mod_cors.so

.libs/mod_cors.so: $(GLUE_SRC) $(GLUE_HDR) $(CORE_SRC) $(CORE_HDR)
	$(APXS) -c -Iinclude -Wc,-std=gnu99 $(addprefix -Wc$(comma),$(WARN)) -o mod_cors.so \
	    $(GLUE_SRC) $(CORE_SRC) $(CORE_LIBS) -lpcre2-8 -lcrypto

install: build
	$(APXS) -i -n cors .libs/mod_cors.so
	@if [ -d /etc/apache2/mods-available ]; then \
	    echo "LoadModule cors_module $$($(APXS) -q LIBEXECDIR)/mod_cors.so" \
	        > /etc/apache2/mods-available/cors.load; \
	    echo "Wrote /etc/apache2/mods-available/cors.load: enable with 'a2enmod cors'"; \
	fi

# ---- core unit tests ---------------------------------------------------------------------
# One test file per file of the core (tests/unit/test_<file>.c), what they share in fixtures.c.
UNIT_SRC := $(addprefix tests/unit/,test_main.c fixtures.c \
                $(addsuffix .c,$(patsubst src/cors_%.c,test_%,$(CORE_SRC))))
UNIT_HDR := tests/unit/unit.h tests/unit/fixtures.h
build/unit: $(UNIT_SRC) $(UNIT_HDR) $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=c99 -g -O1 $(WARN) -Iinclude -Isrc -Itests/unit $(APR_CFLAGS) -o $@ $(UNIT_SRC) $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

build/unit-asan: $(UNIT_SRC) $(UNIT_HDR) $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=c99 -g -O1 $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer -Iinclude -Isrc -Itests/unit $(APR_CFLAGS) -o $@ $(UNIT_SRC) $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

unit: deps-build build/unit
	./build/unit

unit-asan: deps-build build/unit-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build/unit-asan

# ---- Apache::Test ------------------------------------------------------------------------
test-apache: test-apache-event test-apache-prefork

test-apache-event test-apache-prefork: test-apache-%: build
	@$(NEED) $(TEST_PKGS)
	sh tests/apache/run.sh $*

# ---- everything --------------------------------------------------------------------------
# Fragments in mk/ add their suites to TEST_TARGETS (and their own targets).
TEST_TARGETS := unit unit-asan test-apache
include $(wildcard mk/*.mk)

test: $(TEST_TARGETS)
	@echo "mod_cors: all test suites passed ($(TEST_TARGETS))"

run: build
	@$(NEED) $(BUILD_PKGS) curl perl
	sh conf-examples/run-demo.sh

clean:
	rm -rf .libs build *.la *.lo *.slo *.o src/*.lo src/*.slo src/*.o src/.libs \
	    tests/apache/logs tests/apache/conf/httpd.conf tests/apache/conf/apache_test_config.pm \
	    tests/apache/conf/extra.conf tests/apache/conf/modules.conf \
	    tests/apache/htdocs/index.html tests/apache/conf/mime.types
