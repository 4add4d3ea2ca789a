# fuzz.mk - libFuzzer targets over the policy core, with ASan and UBSan: make fuzz [FUZZ_SECONDS=60]; make test-fuzz runs each briefly
FUZZ_TARGETS := origin request_headers directives decide sql
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 15
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Inputs up to 9,000 bytes, but the SQL check is held to 64 KB (a query is the admin's text,
# not bounded by a header's size); an input taking longer than FUZZ_UNIT_TIMEOUT seconds is
# a failure like a crash.
FUZZ_UNIT_TIMEOUT ?= 10
fuzz_max_len = case $$t in (sql) echo 65536 ;; (*) echo 9000 ;; esac

build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iinclude -Isrc $(APR_CFLAGS) -o $@ $< $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

.PHONY: fuzz fuzz-build test-fuzz
fuzz-build:
	@$(NEED) clang libclang-rt-dev $(BUILD_PKGS)
	$(MAKE) $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))

# Each target starts from its seeds in fuzz/corpus/ and keeps what it finds in build/, so a
# run never rewrites the committed corpus; a crash fails the run and leaves its input there.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus-$$t && cp -n fuzz/corpus/$$t/* build/fuzz/corpus-$$t/ ; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$$($(fuzz_max_len)) \
	        -timeout=$(FUZZ_UNIT_TIMEOUT) -artifact_prefix=build/fuzz/crash-$$t- -print_final_stats=1 \
	        build/fuzz/corpus-$$t 2>&1 | grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|#[0-9]+ *DONE)|ERROR|SUMMARY" ; \
	    test "$${PIPESTATUS[0]}" -eq 0 || exit 1; \
	done

# Part of make test: every target for FUZZ_TEST_SECONDS from its seeds (in a scratch copy,
# as above), each one's verdict kept so one crash does not hide another; the log of a failed
# run is left in build/fuzz/test-<target>.log, its input as build/fuzz/crash-<target>-*.
test-fuzz: fuzz-build
	@passed=0; failed=0; \
	for t in $(FUZZ_TARGETS); do \
	    rm -rf build/fuzz/test-corpus-$$t && mkdir -p build/fuzz/test-corpus-$$t \
	        && cp fuzz/corpus/$$t/* build/fuzz/test-corpus-$$t/ ; \
	    if ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TEST_SECONDS) -max_len=$$($(fuzz_max_len)) \
	           -timeout=$(FUZZ_UNIT_TIMEOUT) -artifact_prefix=build/fuzz/crash-$$t- \
	           -print_final_stats=1 build/fuzz/test-corpus-$$t > build/fuzz/test-$$t.log 2>&1; then \
	        passed=$$((passed + 1)); \
	        echo "ok   fuzz_$$t: $$(grep -E '^stat::number_of_executed_units' build/fuzz/test-$$t.log \
	            | sed 's/.*: *//') runs in $(FUZZ_TEST_SECONDS) s"; \
	    else \
	        failed=$$((failed + 1)); \
	        echo "FAIL fuzz_$$t (build/fuzz/test-$$t.log):"; \
	        grep -E "ERROR|SUMMARY|Test unit written" build/fuzz/test-$$t.log | head -n 5; \
	    fi; \
	done; \
	echo "$$passed passed, $$failed failed"; \
	test "$$failed" -eq 0

TEST_TARGETS += test-fuzz
