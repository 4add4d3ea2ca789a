# e2e.mk - end-to-end suites where real components decide: Chromium, PHP-FPM, mod_php, CGI,
# a proxied app, mod_cache, mod_deflate, HTTP/2 (h2c and TLS). See e2e/run.sh.
E2E_PKGS := $(TEST_PKGS) apache2-utils chromium php-fpm nghttp2-client openssl perl

.PHONY: test-e2e
test-e2e: build
	@$(NEED) $(E2E_PKGS)
	sh e2e/run.sh

TEST_TARGETS += test-e2e
