# corscheck.mk - the corscheck tool (tools/corscheck.c, libcurl + the policy core), its man
# page (tools/corscheck.1) and its tests.
# The version corscheck --version prints: the one CHANGES opens with.
CORSCHECK_VERSION := $(shell sed -n '1s/^Changes with mod_cors \([0-9][^ ]*\).*/\1/p' CHANGES 2>/dev/null)

build/corscheck: tools/corscheck.c $(CORE_SRC) $(CORE_HDR) CHANGES
	@mkdir -p build
	$(CC) -std=gnu99 -O2 $(WARN) -Iinclude -Isrc $(APR_CFLAGS) \
	    $(if $(CORSCHECK_VERSION),-DCORSCHECK_VERSION='"$(CORSCHECK_VERSION)"') \
	    -o $@ tools/corscheck.c $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS) -lcurl

.PHONY: corscheck test-corscheck
corscheck:
	@$(NEED) $(BUILD_PKGS) libcurl4-openssl-dev
	$(MAKE) build/corscheck

test-corscheck: build corscheck
	@$(NEED) $(BUILD_PKGS) apache2-utils curl perl groff-base man-db
	sh tests/corscheck/run.sh

TEST_TARGETS += test-corscheck
