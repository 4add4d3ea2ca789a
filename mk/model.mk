# model.mk - the policy model (tests/model/cors_model.py) against the module in a real httpd:
# random multi-level configurations and requests, .htaccess files and origin files changing
# between requests, every answer compared header by header, and the Fetch Standard's verdict
# (tests/model/fetch_judge.py) on every answer held to the policy's. See tests/model/difftest.py.
#   make test-model                    20,000 cases and the start-up refusals, a new seed each run
#   make test-model-long               200,000 cases
#   make test-model-short              2,000 cases and the start-up refusals (make check's)
#   make test-model MODEL_SEED=1234    the same cases again (the seed is printed by every run)
# A run fails when it holds fewer cases of a kind than its floor (per 1,000 cases, printed in
# its "# coverage" line); MODEL_CASES below 1,000 is refused.
MODEL_CASES      ?= 20000
MODEL_LONG_CASES ?= 200000
MODEL_SHORT_CASES ?= 2000
MODEL_SEED       ?=
MODEL_ARGS        = $(if $(MODEL_SEED),--seed $(MODEL_SEED))

.PHONY: test-model test-model-long test-model-short
test-model: build
	@$(NEED) $(BUILD_PKGS) python3
	python3 tests/model/difftest.py --configtest --cases $(MODEL_CASES) $(MODEL_ARGS)

test-model-long: build
	@$(NEED) $(BUILD_PKGS) python3
	python3 tests/model/difftest.py --configtest --cases $(if $(filter command line environment,$(origin MODEL_CASES)),$(MODEL_CASES),$(MODEL_LONG_CASES)) $(MODEL_ARGS)

test-model-short: build
	@$(NEED) $(BUILD_PKGS) python3
	python3 tests/model/difftest.py --configtest --cases $(MODEL_SHORT_CASES) $(MODEL_ARGS)

TEST_TARGETS += test-model
