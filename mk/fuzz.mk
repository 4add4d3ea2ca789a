# fuzz.mk - libFuzzer targets over the policy core, with ASan and UBSan: make fuzz [FUZZ_SECONDS=60]
FUZZ_TARGETS := origin request_headers directives decide
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iinclude -Isrc $(APR_CFLAGS) -o $@ $< $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build:
	@$(NEED) clang libclang-rt-dev $(BUILD_PKGS)
	$(MAKE) $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))

# Each target starts from its seeds in fuzz/corpus/ and keeps what it finds in build/, so a
# run never rewrites the committed corpus; a crash fails the run and leaves its input there.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus-$$t && cp -n fuzz/corpus/$$t/* build/fuzz/corpus-$$t/ ; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=9000 \
	        -artifact_prefix=build/fuzz/crash-$$t- -print_final_stats=1 \
	        build/fuzz/corpus-$$t 2>&1 | grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|#[0-9]+ *DONE)|ERROR|SUMMARY" ; \
	    test "$${PIPESTATUS[0]}" -eq 0 || exit 1; \
	done
