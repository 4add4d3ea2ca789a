# e2e.mk - end-to-end suites where real components decide: three browser engines (Chromium,
# Firefox ESR, WebKit through cog), PHP-FPM, mod_php, CGI, a proxied app, mod_cache, mod_deflate,
# HTTP/2 (h2c and TLS), PostgreSQL through mod_dbd and redis through mod_socache (origin
# sources). See e2e/run.sh. libnss3-tools: certutil, for Firefox's throwaway CA.
E2E_PKGS := $(TEST_PKGS) apache2-utils chromium firefox-esr cog libnss3-tools php-fpm nghttp2-client \
            openssl perl procps postgresql-15 postgresql-client-15 libaprutil1-dbd-pgsql \
            redis-server redis-tools memcached

.PHONY: test-e2e
test-e2e: build
	@$(NEED) $(E2E_PKGS)
	sh e2e/run.sh

TEST_TARGETS += test-e2e
