# Chorus: common tasks. Each target is independent; add yours below.

GO ?= go

.PHONY: test bench bench-short bench-100k bench-go

## test: every package's tests
test:
	$(GO) test ./...

## bench: HTTP load on a fresh temporary server (about a minute), plus the
## Go micro-benchmarks of the hot paths on the demo data
bench:
	$(GO) run ./cmd/chorus-load
	$(GO) test -run '^$$' -bench . -benchmem ./internal/web/

## bench-short: the same load run, 1.5 s per target (for CI)
bench-short:
	$(GO) run ./cmd/chorus-load --short

## bench-100k: list and search at 100,000 stories: Go benchmarks (seeds a
## temporary database once, ~40 s) and the load run on a seeded server
bench-100k:
	CHORUS_BENCH_STORIES=100000 $(GO) test -run '^$$' -bench 'PublishedStories' -benchtime 200x ./internal/storage/sqlite/
	$(GO) run ./cmd/chorus-load --seed-stories 100000 --only story,list,list-filtered,search,story-uncached

## bench-go: every Go benchmark on the demo data
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/web/ ./internal/storage/sqlite/
