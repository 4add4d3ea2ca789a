# check.mk - make check: the fast loop, run after every edit; make test runs all of it and every
# other suite. The core's unit tests plain and sanitized, the glue's unit tests, a short model
# run (MODEL_SHORT_CASES, mk/model.mk: the model's floors of each kind of case hold from
# 1,000 cases) and Apache::Test under the event MPM, the slowest last.
CHECK_TARGETS := unit unit-asan unit-glue test-model-short test-apache-event

.PHONY: check
check: $(CHECK_TARGETS)
	@echo "mod_cors: make check passed ($(CHECK_TARGETS)); make test runs every suite"
