// Command funclen lists every function outside tests longer than the limit
// (80 lines, from the func keyword to the closing brace) and fails when
// there is one: STYLE.md's small functions, checked rather than hoped for.
// It walks the Go files under the repository (or the folders given),
// leaving out _test.go files, third_party/, testdata/, hidden folders and
// generated files.
//
//	go run ./scripts/funclen              # fails (exit 1) listing them
//	go run ./scripts/funclen -report-only # lists them, exits 0
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// long is one function over the limit.
type long struct {
	pos   token.Position
	name  string
	lines int
}

func main() {
	limit := flag.Int("max", 80, "most lines a function may have")
	reportOnly := flag.Bool("report-only", false, "list the functions over the limit but exit 0")
	flag.Parse()
	roots := flag.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var found []long
	for _, root := range roots {
		f, err := walk(root, *limit)
		if err != nil {
			fmt.Fprintln(os.Stderr, "[funclen]", err)
			os.Exit(2)
		}
		found = append(found, f...)
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].pos.Filename != found[j].pos.Filename {
			return found[i].pos.Filename < found[j].pos.Filename
		}
		return found[i].pos.Line < found[j].pos.Line
	})
	for _, l := range found {
		fmt.Fprintf(os.Stderr, "[funclen] %s:%d: %s is %d lines (limit %d)\n",
			l.pos.Filename, l.pos.Line, l.name, l.lines, *limit)
	}
	switch {
	case len(found) == 0:
		fmt.Printf("[funclen] ok: no function outside tests over %d lines\n", *limit)
	case *reportOnly:
		fmt.Printf("[funclen] report only: %d functions over %d lines (strict: without -report-only)\n", len(found), *limit)
	default:
		fmt.Fprintf(os.Stderr, "[funclen] FAIL: %d functions over %d lines: split them\n", len(found), *limit)
		os.Exit(1)
	}
}

// walk returns the functions over limit in the Go files under root.
func walk(root string, limit int) ([]long, error) {
	var found []long
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "third_party" || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > limit {
				found = append(found, long{pos: start, name: funcName(fn), lines: n})
			}
		}
		return nil
	})
	return found, err
}

// funcName is fn's name, with its receiver's type for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}
