# lint.mk - cppcheck and clang-tidy over the module, the core, its tests and fuzz targets; part of make test.
LINT_SRC := $(GLUE_SRC) bench/floor/mod_cors_floor.c $(CORE_SRC) $(UNIT_SRC) tests/unit/test_htcache.c \
            tests/unit/test_property.c tools/corscheck.c $(wildcard fuzz/*.c)
LINT_INC := -I. -Iinclude -Isrc -Itests/unit -I/usr/include/apache2 -I/usr/include/apr-1.0

.PHONY: lint
lint:
	@$(NEED) cppcheck clang-tidy apache2-dev libcurl4-openssl-dev
	cppcheck --error-exitcode=1 --enable=warning,style,performance,portability --quiet \
	    --inline-suppr --suppress=missingIncludeSystem --suppress=toomanyconfigs --std=c99 $(LINT_INC) $(LINT_SRC)
	clang-tidy --quiet $(LINT_SRC) -- -std=gnu99 -D_GNU_SOURCE $(LINT_INC) 2>&1 \
	    | grep -v "warnings generated" ; exit $${PIPESTATUS[0]}

TEST_TARGETS += lint
