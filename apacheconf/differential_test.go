package apacheconf_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// fixtureRoot is the ServerRoot of the reader fixtures, as an absolute
// path: httpd names files by absolute path.
func fixtureRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../fixtures/apacheconf")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func fixtureFiles(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureRoot(t), dir, "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	sort.Strings(files)
	return files
}

// httpdArgs are the arguments that give httpd the same view as opts.
func httpdArgs(root, file string, opts apacheconf.Options) []string {
	args := []string{"-d", root, "-f", file}
	for _, d := range opts.Defines {
		args = append(args, "-D", d)
	}
	for _, c := range opts.PreDirectives {
		args = append(args, "-C", c)
	}
	for _, c := range opts.PostDirectives {
		args = append(args, "-c", c)
	}
	return args
}

// differentialOptions give the reader what httpd gets: the prelude, the
// DUMP_CONFIG define and httpd's own version for <IfVersion>.
func differentialOptions(t testing.TB, root string) apacheconf.Options {
	return apacheconf.Options{ServerRoot: root, PreDirectives: httpdtest.Prelude(), Defines: []string{"DUMP_CONFIG"}, Version: httpdtest.Version(t)}
}

// TestAcceptedFixturesMatchHTTPD reads every fixture httpd accepts and
// requires the same verdict and, line for line, the effective
// configuration httpd prints with -D DUMP_CONFIG.
func TestAcceptedFixturesMatchHTTPD(t *testing.T) {
	root := fixtureRoot(t)
	for _, file := range fixtureFiles(t, "accept") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			opts := differentialOptions(t, root)
			want := httpdtest.Run(t, nil, httpdArgs(root, file, opts)...)
			if !want.OK {
				t.Fatalf("fixture is meant to be accepted, but httpd says:\n%s", want.Stderr)
			}
			tree, err := apacheconf.Load(file, opts)
			if err != nil {
				t.Fatalf("httpd accepts the file, the reader does not: %v", err)
			}
			var got bytes.Buffer
			if err := tree.Flatten(&got); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.Stdout {
				t.Errorf("flattened config differs from httpd's DUMP_CONFIG:\n%s", lineDiff(want.Stdout, got.String()))
			}
		})
	}
}

// TestRejectedFixturesMatchHTTPD requires, for every fixture httpd refuses
// while reading, a read error with httpd's exact message, nested include
// prefixes included.
func TestRejectedFixturesMatchHTTPD(t *testing.T) {
	root := fixtureRoot(t)
	for _, file := range fixtureFiles(t, "reject") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			opts := differentialOptions(t, root)
			want := httpdtest.Run(t, nil, httpdArgs(root, file, opts)...)
			if want.ReadError == "" {
				t.Fatalf("fixture is meant to fail while reading, but httpd says:\n%s%s", want.Stdout, want.Stderr)
			}
			_, err := apacheconf.Load(file, opts)
			var re *apacheconf.ReadError
			if !errors.As(err, &re) {
				t.Fatalf("httpd fails with %q; the reader returned %v", want.ReadError, err)
			}
			if got := httpdtest.ReadErrorLine(re.Message); got != want.ReadError {
				t.Errorf("message differs\nhttpd:  %s\nreader: %s", clip(want.ReadError), clip(got))
			}
			if !re.Subject.Start.IsValid() || !strings.Contains(want.ReadError, re.Subject.Start.Filename) {
				t.Errorf("error position %s is not in httpd's message %q", re.Subject.Start, want.ReadError)
			}
		})
	}
}

// lineDiff shows the first lines where two texts part.
func lineDiff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			lo := max(0, i-3)
			var out strings.Builder
			for j := lo; j < i+4; j++ {
				var x, y string
				if j < len(w) {
					x = w[j]
				}
				if j < len(g) {
					y = g[j]
				}
				mark := " "
				if x != y {
					mark = "!"
				}
				out.WriteString(mark + " httpd:  " + x + "\n" + mark + " reader: " + y + "\n")
			}
			return out.String()
		}
	}
	return "(no difference)"
}

// clip shortens a message for a failure report.
func clip(s string) string {
	if len(s) > 600 {
		return s[:300] + " ... " + s[len(s)-300:]
	}
	return s
}

func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
