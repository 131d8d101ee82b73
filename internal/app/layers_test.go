package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layerRules say which packages of ours a package may not import (its
// non-test files), so that every arrow points towards the domain:
// docs/architecture.md, "What may import what".
var layerRules = []struct {
	packages []string // import paths; a trailing "/..." takes the subpackages too
	never    []string
}{
	{ // the domain and the leaf capabilities import nothing but the domain
		packages: []string{"story", "staff", "audit", "auth", "outbound", "paths", "analytics", "org", "qr", "fediverse", "mail", "mail/..."},
		never:    []string{"app", "web", "api", "storage/...", "moderation/...", "media/...", "toolkit/...", "i18n", "transfer", "testrig", "demo"},
	},
	{
		packages: []string{"storage"},
		never:    []string{"app", "web", "api", "storage/sqlstore", "storage/sqlite", "storage/postgres", "storage/jobqueue"},
	},
	{ // an adapter never reaches into the other
		packages: []string{"storage/sqlite/..."},
		never:    []string{"storage/postgres/...", "app", "web", "api"},
	},
	{
		packages: []string{"storage/postgres/..."},
		never:    []string{"storage/sqlite/...", "app", "web", "api"},
	},
	{
		packages: []string{"storage/sqlstore", "storage/jobqueue"},
		never:    []string{"storage/sqlite/...", "storage/postgres/...", "app", "web", "api"},
	},
	{ // use-cases speak to storage through its interfaces only
		packages: []string{"app"},
		never:    []string{"web", "api", "storage/sqlstore", "storage/sqlite/...", "storage/postgres/...", "testrig"},
	},
	{ // handlers call use-cases, never the database
		packages: []string{"web", "api"},
		never:    []string{"storage/..."},
	},
	{ // a protocol package calls use-cases; it sees storage's interfaces only in the story hooks
		packages: []string{"federation"},
		never:    []string{"storage/sqlstore", "storage/sqlite/...", "storage/postgres/...", "storage/jobqueue", "testrig", "api"},
	},
}

func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// TestLayers fails when a package imports a layer it must not.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "chorus/...").Output()
	if err != nil {
		t.Skipf("go list: %v (the go command is needed to read the imports)", err)
	}
	const prefix = "chorus/internal/"
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], prefix) {
			continue
		}
		var ours []string
		for _, imp := range fields[1:] {
			if rest, ok := strings.CutPrefix(imp, prefix); ok {
				ours = append(ours, rest)
			}
		}
		imports[strings.TrimPrefix(fields[0], prefix)] = ours
	}
	if len(imports) < 20 {
		t.Fatalf("only %d packages listed", len(imports))
	}
	checked := 0
	for pkg, ours := range imports {
		for _, rule := range layerRules {
			if !slices.ContainsFunc(rule.packages, func(p string) bool { return matches(p, pkg) }) {
				continue
			}
			checked++
			for _, imp := range ours {
				if slices.ContainsFunc(rule.never, func(p string) bool { return matches(p, imp) }) {
					t.Errorf("%s imports %s, which it must not (docs/architecture.md, \"What may import what\")", pkg, imp)
				}
			}
		}
	}
	if checked < 12 {
		t.Errorf("the rules matched only %d packages: have packages been renamed?", checked)
	}
}
