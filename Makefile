# The two commands a newcomer needs: `make conformance` and `make test`.
GO ?= go

.PHONY: conformance test check bench fuzz

# The main job on the embedded default: every vendor's recorded
# documentation examples and valid exchanges, judged by the Ginkgo suites,
# with the documentation's known defects as the baseline (strictly: an
# entry that no longer matches fails the job). Reports land in reports/:
# junit.xml, results.json, summary.md and conformance.html.
conformance:
	$(GO) run ./runner conformance --baseline fixtures/docs/baseline.txt --strict-baseline \
	  --junit reports/junit.xml --results reports/results.json \
	  --markdown reports/summary.md --html reports/conformance.html

# Every finding of the documentation examples, for people.
check:
	$(GO) run ./runner check fixtures/docs

# The project's own tests. First it installs the Debian packages some
# tests need (.ci/provision: as root or with passwordless sudo, unless
# GSC_PROVISION=0); a test that still lacks a tool or a published schema
# skips, says why in its log and in $(SKIP_LOG), and the lines after go
# test's own output count those skips. The exit status is go test's.
SKIP_LOG = $(CURDIR)/.cache/test-skips.txt

test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	@bash .ci/provision || true
	@mkdir -p .cache && rm -f $(SKIP_LOG)
	@GSC_SKIP_LOG=$(SKIP_LOG) $(GO) test -count=1 ./...; status=$$?; \
	  if [ -s $(SKIP_LOG) ]; then \
	    echo "make test: $$(wc -l <$(SKIP_LOG)) test(s) skipped for want of a tool or a published schema:"; \
	    cut -f2 $(SKIP_LOG) | sort | uniq -c; \
	  fi; \
	  exit $$status

# BenchmarkCheck runs each body's full check and a bare token pass over
# the same bytes, one after the other, BENCH_ROUNDS times, and ends with a
# table of the check's median and minimum ratios to that floor.
BENCH_ROUNDS ?= 6

bench:
	GSC_BENCH_ROUNDS=$(BENCH_ROUNDS) $(GO) test -run '^$$' -bench . -benchmem ./internal/check/ ./internal/live/

# Every fuzz target of the engine, FUZZTIME each: the readers, the whole
# check, and the fast paths against the full ones.
FUZZTIME ?= 60s

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/jsonlenient/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/xmltree/
	$(GO) test -run '^$$' -fuzz '^FuzzScanLite$$' -fuzztime $(FUZZTIME) ./internal/xmltree/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/exchange/
	$(GO) test -run '^$$' -fuzz '^FuzzReadMessage$$' -fuzztime $(FUZZTIME) ./internal/exchange/
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) ./internal/check/
	$(GO) test -run '^$$' -fuzz '^FuzzLiteAgrees$$' -fuzztime $(FUZZTIME) ./internal/check/
	$(GO) test -run '^$$' -fuzz '^FuzzValidity$$' -fuzztime $(FUZZTIME) ./internal/contract/
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./internal/capture/

# Real S3 servers: installs the versions pinned in interop/run.sh with
# `go install` into $(INTEROP_CACHE)/bin (once per version), starts each on
# 127.0.0.1 with a fresh data directory, runs the S3 live specs against
# it and stops it. Reports land in reports/interop/ (untracked), the
# matrix in reports/interop/compatibility.md. interop-publish runs every
# server and updates the committed reports/compatibility.md.
INTEROP_SERVERS ?= versitygw minio gofakes3
INTEROP_CACHE ?= $(CURDIR)/.cache/interop

.PHONY: interop interop-publish
interop:
	@echo "bash interop/run.sh $(INTEROP_SERVERS)"
	@GO=$(GO) INTEROP_CACHE=$(INTEROP_CACHE) bash interop/run.sh $(INTEROP_SERVERS)

interop-publish:
	@echo "INTEROP_PUBLISH=1 bash interop/run.sh"
	@GO=$(GO) INTEROP_CACHE=$(INTEROP_CACHE) INTEROP_PUBLISH=1 bash interop/run.sh
