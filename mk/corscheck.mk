# corscheck.mk - the corscheck tool (tools/corscheck.c, libcurl + the policy core) and its tests.
build/corscheck: tools/corscheck.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=gnu99 -O2 $(WARN) -Iinclude -Isrc $(APR_CFLAGS) -o $@ tools/corscheck.c \
	    $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS) -lcurl

.PHONY: corscheck test-corscheck
corscheck:
	@$(NEED) $(BUILD_PKGS) libcurl4-openssl-dev
	$(MAKE) build/corscheck

test-corscheck: build corscheck
	@$(NEED) $(BUILD_PKGS) apache2-utils curl perl
	sh tests/corscheck/run.sh

TEST_TARGETS += test-corscheck
