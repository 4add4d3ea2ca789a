# sources.mk - origins that change while the server runs: an origin file, a DBM file and an
# SQLite table through mod_dbd with shmcb, in a real httpd (tests/httpd/sources.sh).
SOURCES_PKGS := $(BUILD_PKGS) apache2-utils curl perl sqlite3 libaprutil1-dbd-sqlite3

.PHONY: test-sources
test-sources: build
	@$(NEED) $(SOURCES_PKGS)
	sh tests/httpd/sources.sh

TEST_TARGETS += test-sources
