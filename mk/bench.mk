# bench.mk - make bench: see bench/run.sh (not part of make test: speed is measured, not tested).
build/micro: bench/micro.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=gnu99 -O2 $(WARN) -Iinclude -Isrc $(APR_CFLAGS) -o $@ bench/micro.c $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

# What signing a remote cache's answers costs (bench/mac.c): the same OpenSSL and APR calls.
build/mac: bench/mac.c
	@mkdir -p build
	$(CC) -std=gnu99 -O2 $(WARN) $(APR_CFLAGS) $(shell apu-1-config --includes 2>/dev/null) -o $@ bench/mac.c \
	    $(APR_LIBS) $(shell apu-1-config --link-ld 2>/dev/null) -lcrypto

# The floor: mod_cors's header lines for the bench requests with no decision (bench setup
# "floor"). A fixture, loaded by bench/conf.sh only: make install leaves it alone.
FLOOR_SO := bench/floor/.libs/mod_cors_floor.so
$(FLOOR_SO): bench/floor/mod_cors_floor.c
	$(APXS) -c -Wc,-std=c99 $(addprefix -Wc$(comma),$(WARN)) -o bench/floor/mod_cors_floor.so $<

# The floor's response lines against mod_cors's, for the bench requests.
.PHONY: bench-floor-compare
bench-floor-compare: build $(FLOOR_SO)
	sh bench/floor/compare.sh

# Writes bench/RESULTS.md, then fails when a target is not measured, a figure is missing or a
# step failed; a missed target fails it only with BENCH_STRICT=1 (bench/run.sh, bench/NOTES.md).
.PHONY: bench
bench: build build/micro build/mac $(FLOOR_SO)
	@$(NEED) $(BUILD_PKGS) wrk valgrind curl perl apache2-utils sqlite3 libaprutil1-dbd-sqlite3
	sh bench/run.sh
