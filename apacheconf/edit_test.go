package apacheconf_test

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

const editSrc = `# header comment
ServerName a.example.com

<VirtualHost *:80>
    # inside
    WSGIDaemonProcess app threads=0 \
        display-name=%{GROUP}
    ProxyPass / http://127.0.0.1:8000/
</VirtualHost>
Listen 80
`

func findNode(t *testing.T, f *apacheconf.File, name string) *apacheconf.Node {
	t.Helper()
	var found *apacheconf.Node
	var walk func([]*apacheconf.Node)
	walk = func(ns []*apacheconf.Node) {
		for _, n := range ns {
			if found == nil && n.Is(name) {
				found = n
			}
			walk(n.Children)
		}
	}
	walk(f.Nodes)
	if found == nil {
		t.Fatalf("no %s", name)
	}
	return found
}

// TestEditor changes one node at a time and requires the output to differ
// from the input only in that node's lines.
func TestEditor(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*apacheconf.Editor, *apacheconf.File) error
		want string
	}{
		{"replace directive", func(e *apacheconf.Editor, f *apacheconf.File) error {
			return e.Replace(findNode(t, f, "ServerName"), "ServerName b.example.com\n")
		}, strings.Replace(editSrc, "ServerName a.example.com", "ServerName b.example.com", 1)},
		{"remove continued directive", func(e *apacheconf.Editor, f *apacheconf.File) error {
			return e.Remove(findNode(t, f, "WSGIDaemonProcess"))
		}, strings.Replace(editSrc, "    WSGIDaemonProcess app threads=0 \\\n        display-name=%{GROUP}\n", "", 1)},
		{"comment out continued directive", func(e *apacheconf.Editor, f *apacheconf.File) error {
			return e.CommentOut(findNode(t, f, "WSGIDaemonProcess"), " off: ")
		}, strings.Replace(editSrc, "    WSGIDaemonProcess app threads=0 \\\n        display-name=%{GROUP}\n",
			"# off:     WSGIDaemonProcess app threads=0 \\\n# off:         display-name=%{GROUP}\n", 1)},
		{"insert before and after", func(e *apacheconf.Editor, f *apacheconf.File) error {
			n := findNode(t, f, "ProxyPass")
			if err := e.InsertBefore(n, "    ProxyPreserveHost On\n"); err != nil {
				return err
			}
			return e.InsertAfter(n, "    ProxyPassReverse / http://127.0.0.1:8000/\n")
		}, strings.Replace(editSrc, "    ProxyPass / http://127.0.0.1:8000/\n",
			"    ProxyPreserveHost On\n    ProxyPass / http://127.0.0.1:8000/\n    ProxyPassReverse / http://127.0.0.1:8000/\n", 1)},
		{"remove section", func(e *apacheconf.Editor, f *apacheconf.File) error {
			return e.Remove(findNode(t, f, "VirtualHost"))
		}, "# header comment\nServerName a.example.com\n\nListen 80\n"},
		{"comment out section", func(e *apacheconf.Editor, f *apacheconf.File) error {
			return e.CommentOut(findNode(t, f, "VirtualHost"), "")
		}, strings.Replace(editSrc, editSrc[strings.Index(editSrc, "<VirtualHost"):strings.Index(editSrc, "Listen")],
			"#<VirtualHost *:80>\n#    # inside\n#    WSGIDaemonProcess app threads=0 \\\n#        display-name=%{GROUP}\n#    ProxyPass / http://127.0.0.1:8000/\n#</VirtualHost>\n", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := apacheconf.LoadSource("/edit.conf", []byte(editSrc), apacheconf.Options{NoFileChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			f := tree.Main()
			e := apacheconf.NewEditor(f)
			if err := tc.edit(e, f); err != nil {
				t.Fatal(err)
			}
			if got := string(e.Bytes()); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			if f.Src != editSrc {
				t.Error("the file's own bytes changed")
			}
			// The result reads again, and commented-out lines are gone.
			again, err := apacheconf.LoadSource("/edit.conf", e.Bytes(), apacheconf.Options{NoFileChecks: true})
			if err != nil {
				t.Fatalf("edited file does not read: %v", err)
			}
			if string(again.Main().Print()) != tc.want {
				t.Error("edited file does not print back")
			}
		})
	}
}

func TestEditorRefusesNodesOfOtherFiles(t *testing.T) {
	a, _ := apacheconf.LoadSource("/a.conf", []byte("Listen 80\n"), apacheconf.Options{NoFileChecks: true})
	b, _ := apacheconf.LoadSource("/b.conf", []byte("Listen 81\n"), apacheconf.Options{NoFileChecks: true})
	if err := apacheconf.NewEditor(a.Main()).Remove(b.Main().Nodes[0]); err == nil {
		t.Error("editing a node of another file was accepted")
	}
}

func TestWriteTextShowsTheLine(t *testing.T) {
	src := "ServerName x\n\t<Directory /srv>\n</Location>\n"
	tree, err := apacheconf.LoadSource("/w.conf", []byte(src), apacheconf.Options{NoFileChecks: true})
	re, ok := err.(*apacheconf.ReadError)
	if !ok {
		t.Fatalf("want a read error, got %v", err)
	}
	var b strings.Builder
	if err := apacheconf.WriteText(&b, apacheconf.Diagnostics{re.Diagnostic}, tree.Source); err != nil {
		t.Fatal(err)
	}
	want := "/w.conf:3:1: error: Expected </Directory> but saw </Location>\n 3 | </Location>\n   | ^\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

// TestModulesAndCommandLine covers --module, -C and -c.
func TestModulesAndCommandLine(t *testing.T) {
	src := "<IfModule ssl_module>\nListen 443\n</IfModule>\n<IfModule mod_rewrite.c>\nListen 8443\n</IfModule>\nListen ${PORT}\n"
	tree, err := apacheconf.LoadSource("/m.conf", []byte(src), apacheconf.Options{
		NoFileChecks: true, Modules: []string{"ssl_module", "mod_rewrite.c"},
		PreDirectives: []string{"Define PORT 8080"}, PostDirectives: []string{"Listen 9000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	tree.Walk(func(n *apacheconf.Node, depth int) bool {
		got = append(got, n.Name+" "+n.Args)
		return true
	})
	want := []string{"Listen 443", "Listen 8443", "Listen 8080", "Listen 9000"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = apacheconf.LoadSource("/m.conf", []byte("x\n"), apacheconf.Options{NoFileChecks: true, PreDirectives: []string{"<Directory />"}})
	if re, ok := err.(*apacheconf.ReadError); !ok || !strings.HasPrefix(re.Message, "Syntax error in -C/-c directive: ") {
		t.Errorf("-C error: %v", err)
	}
}
