# examples.mk - every file in conf-examples/ loaded into a real httpd, and the demo in Chromium.
EXAMPLE_PKGS := $(TEST_PKGS) chromium

.PHONY: test-examples
test-examples: build
	@$(NEED) $(EXAMPLE_PKGS)
	sh conf-examples/test-examples.sh

TEST_TARGETS += test-examples
