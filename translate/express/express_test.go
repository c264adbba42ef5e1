package express_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/express"
)

// TestFlagsExist checks every flag of the table against mod_wsgi-express
// 6.0.5's option list (testdata/express_options_6.0.5.tsv, a copy of the
// reference table).
func TestFlagsExist(t *testing.T) {
	f, err := os.Open("testdata/express_options_6.0.5.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		known[strings.SplitN(sc.Text(), "\t", 2)[0]] = true
	}
	if len(known) < 100 {
		t.Fatalf("only %d express options read", len(known))
	}
	for name, m := range express.Options {
		if m.Flag != "" && !known[m.Flag] {
			t.Errorf("%s maps to %s, which mod_wsgi-express 6.0.5 does not have", name, m.Flag)
		}
		if m.How == express.Unsupported && m.Why == "" {
			t.Errorf("%s is unsupported without a reason", name)
		}
	}
}

// TestArgs checks the options whose value is not passed as one word.
func TestArgs(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"python-path", "/a:/b::/c", "--python-path /a --python-path /b --python-path /c"},
		{"server-metrics", "On", "--server-metrics"},
		{"server-metrics", "Off", ""},
		{"listen-backlog", "50", "--daemon-backlog 50"},
		{"display-name", "%{GROUP}", ""},
		{"memory-limit", "100", ""},
	}
	for _, c := range cases {
		if got := strings.Join(express.Args(c.name, c.value), " "); got != c.want {
			t.Errorf("Args(%s, %s) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}
