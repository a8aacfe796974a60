# The two commands a newcomer needs: `make conformance` and `make test`.
GO ?= go

.PHONY: conformance test check bench fuzz

# The main job on the embedded default: every vendor's recorded
# documentation examples and valid exchanges, judged by the Ginkgo suites,
# with the documentation's known defects as the baseline. JUnit lands in
# reports/junit.xml.
conformance:
	$(GO) run ./runner conformance --baseline fixtures/docs/baseline.txt --junit reports/junit.xml

# Every finding of the documentation examples, for people.
check:
	$(GO) run ./runner check fixtures/docs

test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/check/ ./internal/live/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./internal/jsonlenient/
