package check_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// verdict is what httpd -t or Check said about one configuration: OK, or
// the first error's file, line and message.
type verdict struct {
	ok      bool
	file    string
	line    int
	message string
	// startup is set for an error httpd reports with no line (User it
	// cannot look up, a log directory missing): only the message counts.
	startup bool
}

func (v verdict) String() string {
	if v.ok {
		return "OK"
	}
	if v.startup {
		return "(no line): " + v.message
	}
	return v.file + ":" + strconv.Itoa(v.line) + ": " + v.message
}

// agrees reports whether Check's verdict got is httpd's verdict v.
func (v verdict) agrees(got verdict) bool {
	if v.startup {
		return !got.ok && got.message == v.message
	}
	return got == v
}

// usedOnRe finds the Use line in httpd's name for a macro's content.
var usedOnRe = regexp.MustCompile(`used on line (\d+) of "([^"]*)"+$`)

// httpdVerdict runs httpd -t on file with the prelude and returns its
// walk-phase verdict. A read-phase failure fails the test: the corpus is
// about the walk.
func httpdVerdict(t *testing.T, root, file string, opts apacheconf.Options, env []string) verdict {
	t.Helper()
	args := []string{"-d", root, "-f", file}
	for _, d := range opts.Defines {
		args = append(args, "-D", d)
	}
	for _, c := range opts.PreDirectives {
		args = append(args, "-C", c)
	}
	r := httpdtest.Run(t, env, args...)
	if r.OK {
		return verdict{ok: true}
	}
	if r.ReadError != "" {
		t.Fatalf("httpd fails while reading, not in its walk: %s", r.ReadError)
	}
	m := walkRe.FindStringSubmatch(r.Stderr)
	if m == nil {
		if r.StartupError == "" {
			t.Fatalf("httpd fails, but says nothing we can read:\n%s", r.Stderr)
		}
		return verdict{startup: true, message: r.StartupError}
	}
	line, _ := strconv.Atoi(m[1])
	return verdict{file: m[2], line: line, message: m[3]}
}

var walkRe = regexp.MustCompile(`AH00526: Syntax error on line (\d+) of ([^\n]*):\n([^\n]*)`)

// checkVerdict reads file as httpd does and runs Check: OK, or its first
// error, placed where httpd places it. An error in a macro's lines is
// reported on the Use line, with httpd's place in its Detail; the
// verdict takes httpd's place from there after checking the Use line.
func checkVerdict(t *testing.T, file string, opts apacheconf.Options) (verdict, apacheconf.Diagnostics) {
	t.Helper()
	tree, err := apacheconf.Load(file, opts)
	if err != nil {
		t.Fatalf("the reader fails: %v", err)
	}
	ds := check.Check(tree, check.Options{FileChecks: true})
	if len(ds) == 0 {
		return verdict{ok: true}, ds
	}
	d := ds[0]
	if d.Severity != apacheconf.SeverityError {
		t.Fatalf("first diagnostic is not an error: %v", d)
	}
	// httpd's log escapes its messages; compare in its form.
	v := verdict{file: d.Subject.Start.Filename, line: d.Subject.Start.Line, message: httpdtest.EscapeLog(d.Summary)}
	if rest, ok := strings.CutPrefix(d.Detail, "httpd: Syntax error on line "); ok {
		rest, _, _ = strings.Cut(rest, "\n")
		num, place, _ := strings.Cut(rest, " of ")
		m := usedOnRe.FindStringSubmatch(place)
		if m == nil {
			t.Fatalf("macro detail %q names no Use line", d.Detail)
		}
		if m[2] != d.Subject.Start.Filename || strconv.Itoa(d.Subject.Start.Line) != m[1] {
			t.Errorf("macro error placed at %s:%d, httpd's Use is at %s:%s", d.Subject.Start.Filename, d.Subject.Start.Line, m[2], m[1])
		}
		v.file = place
		v.line, _ = strconv.Atoi(num)
	}
	return v, ds
}

// corpusCase is one configuration of the walk-phase corpus: what a user
// writes, valid or not. httpd decides which.
type corpusCase struct {
	name string
	conf string
	// files are more files under the case's ServerRoot, by relative name.
	files map[string]string
	// module is, for a generated case, the module whose directive it
	// uses: the case is run with that module loaded.
	module string
}

func writeCase(t *testing.T, c corpusCase) (root, file string) {
	t.Helper()
	root = t.TempDir()
	file = filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(file, []byte(c.conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, src := range c.files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, file
}

// TestCorpusMatchesHTTPD runs httpd -t and Check on every case of the
// corpus: Check must fail exactly when httpd fails, its first error at
// httpd's file and line with httpd's message.
func TestCorpusMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	version := httpdtest.Version(t)
	seen := map[string]bool{}
	codes := map[string]bool{}
	for _, r := range check.Rules() {
		codes[r.Code] = true
	}
	fails, ran := 0, 0
	for _, c := range corpus {
		if seen[c.name] {
			t.Fatalf("two cases named %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			ran++
			root, file := writeCase(t, c)
			opts := apacheconf.Options{ServerRoot: root, PreDirectives: httpdtest.Prelude(), Version: version}
			want := httpdVerdict(t, root, file, opts, nil)
			got, ds := checkVerdict(t, file, opts)
			if !want.ok {
				fails++
			}
			for _, d := range ds {
				if !codes[d.Code] {
					t.Errorf("code %s of %v is not in Rules()", d.Code, d)
				}
			}
			if !want.agrees(got) {
				t.Errorf("\nhttpd: %s\ncheck: %s\nall:   %v", want, got, ds)
			}
		})
	}
	// Only the whole corpus (not a -run of some cases) is held to it.
	if ran == len(corpus) && fails < len(corpus)/2 {
		t.Errorf("only %d of %d cases fail in httpd; the corpus is meant to be mostly errors", fails, len(corpus))
	}
}

// TestFixturesMatchHTTPD checks every reader fixture httpd reads without
// error: Check's verdict must be httpd's.
func TestFixturesMatchHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	version := httpdtest.Version(t)
	root, err := filepath.Abs("../../fixtures/apacheconf")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "accept", "*.conf"))
	others, _ := filepath.Glob("../../fixtures/*/httpd.conf")
	lint, _ := filepath.Glob("../../fixtures/lint/*/*.conf")
	others = append(others, lint...)
	sort.Strings(others)
	if len(files) == 0 || len(others) == 0 {
		t.Fatal("no fixtures found")
	}
	for _, f := range files {
		t.Run("accept/"+filepath.Base(f), func(t *testing.T) {
			opts := apacheconf.Options{ServerRoot: root, PreDirectives: httpdtest.Prelude(), Defines: []string{"DUMP_CONFIG"}, Version: version}
			want := httpdVerdict(t, root, f, opts, nil)
			got, ds := checkVerdict(t, f, opts)
			if !want.agrees(got) {
				t.Errorf("\nhttpd: %s\ncheck: %s\nall:   %v", want, got, ds)
			}
		})
	}
	for _, f := range others {
		abs, _ := filepath.Abs(f)
		dir := filepath.Dir(abs)
		rel, _ := filepath.Rel("../../fixtures", f)
		t.Run(rel, func(t *testing.T) {
			opts := apacheconf.Options{ServerRoot: dir, PreDirectives: httpdtest.Prelude(), Version: version}
			tree, err := apacheconf.Load(abs, opts)
			if err != nil {
				t.Skipf("the reader refuses it (a read-phase fixture): %v", err)
			}
			_ = tree
			want := httpdVerdict(t, dir, abs, opts, nil)
			got, ds := checkVerdict(t, abs, opts)
			if !want.agrees(got) {
				t.Errorf("\nhttpd: %s\ncheck: %s\nall:   %v", want, got, ds)
			}
		})
	}
}
