package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var updateTree = flag.Bool("update-tree", false, "rewrite testdata/command_tree.txt from the current command tree")

// commandTree lists every command under root, one line per command (its
// full path, hidden or not, runnable or a group, its Use and Short lines)
// followed by one line per flag it defines (name, shorthand, type, default,
// hidden, required). Today's date, the one
// default that changes by the day, is written as TODAY.
func commandTree(root *cobra.Command) []string {
	today := time.Now().UTC().Format(time.DateOnly)
	var lines []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		lines = append(lines, fmt.Sprintf("%s hidden=%v runnable=%v use=%q short=%q", c.CommandPath(), c.Hidden,
			c.Runnable(), c.Use, c.Short))
		var flags []string
		add := func(kind string) func(f *pflag.Flag) {
			return func(f *pflag.Flag) {
				def := strings.ReplaceAll(f.DefValue, today, "TODAY")
				_, required := f.Annotations[cobra.BashCompOneRequiredFlag]
				flags = append(flags, fmt.Sprintf("  %s --%s -%s %s default=%q hidden=%v required=%v",
					kind, f.Name, f.Shorthand, f.Value.Type(), def, f.Hidden, required))
			}
		}
		c.LocalNonPersistentFlags().VisitAll(add("flag"))
		c.PersistentFlags().VisitAll(add("persistent"))
		sort.Strings(flags)
		lines = append(lines, flags...)
		subs := append([]*cobra.Command(nil), c.Commands()...)
		sort.Slice(subs, func(i, j int) bool { return subs[i].Name() < subs[j].Name() })
		for _, s := range subs {
			if s.Name() == "help" || s.Name() == "completion" {
				continue // cobra's own, added at Execute
			}
			walk(s)
		}
	}
	walk(root)
	return lines
}

// TestCommandTreeUnchanged walks the whole command tree and compares every
// command and every flag (name, shorthand, type, default, hidden, required) with
// testdata/command_tree.txt, which was written from the tree of the
// init-time registries before the explicit table in root.go replaced
// them: no command or flag was lost, renamed or changed by the move.
func TestCommandTreeUnchanged(t *testing.T) {
	got := strings.Join(commandTree(NewRoot(&Env{})), "\n") + "\n"
	path := filepath.Join("testdata", "command_tree.txt")
	if *updateTree {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got == string(want) {
		return
	}
	count := map[string]int{}
	for _, l := range strings.Split(string(want), "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	for l, n := range count {
		switch {
		case n > 0:
			t.Errorf("missing or changed (%d): %s", n, l)
		case n < 0:
			t.Errorf("new, changed or repeated (%d): %s", -n, l)
		}
	}
	if !t.Failed() {
		t.Error("the command tree's order changed")
	}
}

// TestCommandTreeHasEveryCommand: the tree names the commands the manual,
// the scripts and the package use (a floor under the golden file, so that
// an -update-tree run cannot quietly drop one).
func TestCommandTreeHasEveryCommand(t *testing.T) {
	tree := strings.Join(commandTree(NewRoot(&Env{})), "\n")
	for _, path := range []string{
		"veriport audit export", "veriport audit verify", "veriport bench", "veriport calibrate",
		"veriport demo path", "veriport demo video", "veriport dev lookalikes", "veriport dev man", "veriport dev seed",
		"veriport enroll", "veriport eval", "veriport gallery build", "veriport gallery certs", "veriport gallery demo",
		"veriport gallery fetch", "veriport gallery keygen", "veriport gallery list", "veriport gallery serve",
		"veriport gallery verify", "veriport identify", "veriport officer add", "veriport outbox requeue",
		"veriport purge", "veriport report", "veriport results keygen", "veriport results list", "veriport run",
		"veriport setup-models",
	} {
		if !strings.Contains(tree, "\n"+path+" hidden=") {
			t.Errorf("the command tree lacks %q", path)
		}
	}
}
