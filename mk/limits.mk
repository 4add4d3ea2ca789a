# limits.mk - what a 64 KB .htaccess of list directives costs per request (memory, time) and
# the 256-name limit's 500 with its error-log line: see tests/httpd/htaccess-memory.sh.
.PHONY: test-htaccess-memory
test-htaccess-memory: build
	@$(NEED) $(BUILD_PKGS) curl perl
	sh tests/httpd/htaccess-memory.sh

TEST_TARGETS += test-htaccess-memory
