# load.mk - httpd under memcheck and a flat-RSS check; concurrency and graceful restarts.
.PHONY: test-valgrind test-load
test-valgrind: build
	@$(NEED) $(BUILD_PKGS) valgrind apache2-utils curl perl sqlite3 libaprutil1-dbd-sqlite3
	sh load/valgrind.sh

test-load: build
	@$(NEED) $(BUILD_PKGS) curl perl sqlite3 libaprutil1-dbd-sqlite3
	sh load/load.sh

TEST_TARGETS += test-valgrind test-load
