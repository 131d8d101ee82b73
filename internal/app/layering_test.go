package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// storeOwners are the packages that may use an App's Store: the domain
// itself, the storage adapters, the command that wires them, and the test
// rig that sets up tests.
var storeOwners = []string{"chorus/internal/app", "chorus/internal/storage", "chorus/cmd/chorus", "chorus/internal/testrig"}

func ownsStore(importPath string) bool {
	for _, owner := range storeOwners {
		if importPath == owner || strings.HasPrefix(importPath, owner+"/") {
			return true
		}
	}
	return false
}

type listedPackage struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	CgoFiles   []string
}

// TestOnlyTheDomainReachesTheStore type-checks every package of the module
// (test files aside) and fails on any use of an App's Store outside the
// packages that own it: handlers and tools go through use-cases.
func TestOnlyTheDomainReachesTheStore(t *testing.T) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles", "chorus/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	exports := map[string]string{}
	var ours []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if strings.HasPrefix(p.ImportPath, "chorus/") && !ownsStore(p.ImportPath) {
			ours = append(ours, p)
		}
	}
	if len(ours) < 10 {
		t.Fatalf("only %d packages to check: go list did not list the module", len(ours))
	}

	var found []string
	fset := token.NewFileSet()
	imports := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	for _, p := range ours {
		if len(p.CgoFiles) > 0 {
			t.Fatalf("%s uses cgo: this check cannot type-check it", p.ImportPath)
		}
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imports}
		if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatalf("type-checking %s: %v", p.ImportPath, err)
		}
		for sel, selection := range info.Selections {
			if sel.Sel.Name == "Store" && selection.Kind() == types.FieldVal && isApp(selection.Recv()) {
				found = append(found, fmt.Sprintf("%s: %s reaches the App's Store; call a use-case of internal/app instead", fset.Position(sel.Pos()), p.ImportPath))
			}
		}
	}
	slices.Sort(found)
	for _, f := range found {
		t.Error(f)
	}
}

func isApp(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := t.(*types.Named)
	return ok && named.Obj().Name() == "App" && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "chorus/internal/app"
}
