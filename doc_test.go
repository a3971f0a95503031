package main

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// packageDoc is the command reference: the package comment of doc.go.
func packageDoc(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	return f.Doc.Text()
}

// TestDocMatchesHelp: the command reference names every command and every
// flag its -h lists, and each example in it parses with that command's
// flags (checked with -h appended, so that nothing runs).
func TestDocMatchesHelp(t *testing.T) {
	doc := packageDoc(t)
	flagLine := regexp.MustCompile(`(?m)^  (-[a-z0-9-]+)( \w+)?$`)
	takesValue := map[string]bool{} // "bench -out": the flags followed by a value
	for name := range commands {
		if !strings.Contains(doc, "onebp "+name) {
			t.Errorf("the reference does not show onebp %s", name)
		}
		help, _, err := runCmd(t, name, "-h")
		if err != nil {
			t.Fatalf("%s -h: %v", name, err)
		}
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			takesValue[name+" "+m[1]] = m[2] != ""
			if !regexp.MustCompile(regexp.QuoteMeta(m[1]) + `\b`).MatchString(doc) {
				t.Errorf("the reference does not mention %s %s", name, m[1])
			}
		}
	}
	var examples int
	for _, line := range strings.Split(doc, "\n") {
		args, ok := strings.CutPrefix(line, "\tonebp ")
		if !ok {
			continue
		}
		fields := strings.Fields(args)
		if _, isCmd := commands[fields[0]]; !isCmd || strings.Contains(args, "  ") {
			continue // the usage summary
		}
		examples++
		// -h goes before the first argument that is not a flag or a
		// flag's value: the flags before it are parsed, nothing runs.
		at := len(fields)
		for i := 1; i < len(fields); i++ {
			if !strings.HasPrefix(fields[i], "-") && !takesValue[fields[0]+" "+fields[i-1]] {
				at = i
				break
			}
		}
		withHelp := append(slices.Clone(fields[:at]), "-h")
		var stdout, stderr strings.Builder
		if err := run(context.Background(), withHelp, &stdout, &stderr); err != nil {
			t.Errorf("example %q: %v\n%s", line, err, stderr.String())
		}
	}
	if examples < 5 {
		t.Errorf("%d examples found in the reference", examples)
	}
}

// TestCodeMapMatchesTree: every directory README.md's code map lists
// exists.
func TestCodeMapMatchesTree(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "## Code\n")
	if !ok {
		t.Fatal("README.md has no ## Code section")
	}
	block := regexp.MustCompile("(?s)```\n(.*?)```").FindStringSubmatch(after)
	if block == nil {
		t.Fatal("no code map block")
	}
	listed := 0
	for _, line := range strings.Split(block[1], "\n") {
		path := strings.Fields(line)
		if len(path) == 0 || !strings.HasSuffix(path[0], "/") {
			continue
		}
		listed++
		if st, err := os.Stat(filepath.Clean(path[0])); err != nil || !st.IsDir() {
			t.Errorf("the code map lists %s, which is not a directory here", path[0])
		}
	}
	if listed < 5 {
		t.Errorf("the code map lists %d directories", listed)
	}
}
