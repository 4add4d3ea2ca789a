# bench.mk - make bench: see bench/run.sh (not part of make test: speed is measured, not tested).
build/micro: bench/micro.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=gnu99 -O2 $(WARN) -Iinclude -Isrc $(APR_CFLAGS) -o $@ bench/micro.c $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

.PHONY: bench
bench: build build/micro
	@$(NEED) $(BUILD_PKGS) wrk valgrind curl perl
	sh bench/run.sh
