# property.mk - the origin matcher against a simple reference on random input, plain and sanitized.
PROPERTY_SRC := tests/unit/test_property.c

build/property: $(PROPERTY_SRC) $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=c99 -g -O1 $(WARN) -Iinclude -Isrc $(APR_CFLAGS) -o $@ $(PROPERTY_SRC) $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

build/property-asan: $(PROPERTY_SRC) $(CORE_SRC) $(CORE_HDR)
	@mkdir -p build
	$(CC) -std=c99 -g -O1 $(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer -Iinclude -Isrc $(APR_CFLAGS) -o $@ $(PROPERTY_SRC) $(CORE_SRC) $(APR_LIBS) $(CORE_LIBS)

.PHONY: test-property
test-property: deps-build build/property build/property-asan
	./build/property
	ASAN_OPTIONS=detect_leaks=1 ./build/property-asan

TEST_TARGETS += test-property
