# Chorus: common tasks. Each target is independent; add yours below.

GO ?= go

.PHONY: test bench bench-short bench-100k bench-1m bench-nodes bench-go soak soak-short check fonts

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

## bench-1m: list, search and story reads at 1,000,000 stories on SQLite
## and, with CHORUS_TEST_POSTGRES_URL set, on PostgreSQL (chorus seed, timed;
## size on disk; Go benchmarks one call at a time; HTTP load on SQLite).
## STORIES=300000 for a smaller run. docs/performance.md, "At one million stories"
bench-1m:
	bash scripts/bench-1m.sh

## bench-nodes: submissions and cached story pages through one, then two
## "chorus serve" nodes on one PostgreSQL schema (CHORUS_TEST_POSTGRES_URL),
## and on one SQLite node. docs/performance.md, "Several nodes"
bench-nodes:
	bash scripts/bench-nodes.sh

## bench-go: every Go benchmark on the demo data
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/web/ ./internal/storage/sqlite/

## soak: a mixed workload (readers, storytellers, moderators) for 10
## minutes on a fresh temporary server, with its memory over time; fails
## on any unexpected error or memory growth (docs/performance.md, "Soak")
soak:
	$(GO) run ./cmd/chorus-load --soak --soak-duration 10m

## soak-short: the same for 60 seconds
soak-short:
	$(GO) run ./cmd/chorus-load --soak --soak-duration 60s

## check: formatting, vet, tests, race detector, short fuzzing and the short
## load run, with a summary table (scripts/check.sh; CHECK_SOAK=1 adds
## soak-short, FUZZTIME sets the fuzzing time per target)
check:
	bash scripts/check.sh

## fonts: rebuild the share cards' font subsets from the Debian Noto packages
fonts:
	bash scripts/fonts.sh
