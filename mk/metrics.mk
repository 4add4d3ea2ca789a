# metrics.mk - the shared counters (SetHandler cors-metrics, CORSHandlers) in two real httpds,
# prefork and event, each with two virtual hosts, scraped by a throwaway Prometheus
# (tests/httpd/metrics.sh). Prometheus is Debian's package, downloaded and unpacked under
# build/ by the suite, never installed (an install would start its system service); when it
# cannot be had the suite skips its Prometheus part (a failure in CI), and the rest runs.
METRICS_PKGS := $(BUILD_PKGS) curl perl

.PHONY: test-metrics
test-metrics: build
	@$(NEED) $(METRICS_PKGS)
	sh tests/httpd/metrics.sh

TEST_TARGETS += test-metrics
