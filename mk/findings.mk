# findings.mk - the third outside review's findings, each as what a real httpd does
# (tests/httpd/findings.sh): links and races, .htaccess replays, clocks, budgets, memory,
# shared memory.  The link checks run twice: with openat2, and built without it
# (-DCORS_NO_OPENAT2: the one-component-at-a-time fallback that kernels or seccomp profiles
# without openat2 use).
FINDINGS_PKGS := $(BUILD_PKGS) curl perl python3 sqlite3 libaprutil1-dbd-sqlite3

build/no-openat2/.libs/mod_cors.so: $(GLUE_SRC) $(GLUE_HDR) $(CORE_SRC) $(CORE_HDR)
	@rm -rf build/no-openat2 && mkdir -p build/no-openat2
	cp -r $(GLUE_SRC) $(GLUE_HDR) src include build/no-openat2/
	cd build/no-openat2 && $(APXS) -c -Iinclude -Wc,-std=gnu99 $(addprefix -Wc$(comma),$(WARN)) \
	    -Wc,-DCORS_NO_OPENAT2 -o mod_cors.so $(GLUE_SRC) $(CORE_SRC) $(CORE_LIBS) -lpcre2-8 -lcrypto >/dev/null

.PHONY: test-findings
test-findings: build build/no-openat2/.libs/mod_cors.so
	@$(NEED) $(FINDINGS_PKGS)
	sh tests/httpd/findings.sh
	HTTPD_MODULE=$(CURDIR)/build/no-openat2/.libs/mod_cors.so sh tests/httpd/findings.sh links race

TEST_TARGETS += test-findings

# Which database a virtual host's queries ask, read from the configuration tree as mod_dbd
# inherits it (tests/httpd/dbd.sh).
.PHONY: test-dbd
test-dbd: build
	@$(NEED) $(FINDINGS_PKGS)
	sh tests/httpd/dbd.sh

TEST_TARGETS += test-dbd
