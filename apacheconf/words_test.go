package apacheconf_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"a b  c", []string{"a", "b", "c"}},
		{`"a b" 'c d'`, []string{"a b", "c d"}},
		{`"a\"b" 'a\'b'`, []string{`a"b`, "a'b"}},
		{`a\"b`, []string{`a\"b`}},
		{`"a\\b" "a\nb"`, []string{`a\b`, `a\nb`}},
		{`"a"b`, []string{"a", "b"}},
		{`a"b c"`, []string{`a"b`, `c"`}},
		{`a\ b`, []string{`a\`, "b"}},
		{`"unterminated words`, []string{"unterminated words"}},
		{`"" x`, []string{"", "x"}},
		{"a\u00a0b", []string{"a\u00a0b"}},
		{"\t a \v\f b \r", []string{"a", "b"}},
		{`'a\\'`, []string{`a\`}},
		{`"a\`, []string{`a\`}},
		{"", nil},
		{"   ", nil},
	} {
		if got := apacheconf.Words(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
		buf := [1]string{"kept"}
		if got := apacheconf.AppendWords(buf[:1], tc.in); !reflect.DeepEqual(got, append([]string{"kept"}, tc.want...)) {
			t.Errorf("AppendWords([kept], %q) = %q, want kept and %q", tc.in, got, tc.want)
		}
	}
}

// TestTokenizerMatchesHTTPD defines a variable with each value and makes
// httpd print it with the Error directive: httpd's own tokenizer and
// substitution decide what the value is, and the reader must agree.
func TestTokenizerMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	cases := []string{
		`a`, `"a b"`, `'a b'`, `"a\"b"`, `'a\'b'`, `a\"b`, `"a\\b"`, `"a\nb"`, `"a"b`,
		`a"b c"`, `a\ b`, `"unterminated`, `'unterminated \' x`, `""`, `"a b\\"`, `\\\\`,
		`"x\\\\"`, "\"a\tb\"", `é`, "a\u00a0b", `"${HOME}"`, `$`, `${`, `${}`, `'"'`, `"'"`,
		`"a \\" b"`, `a#b`, `#c`, `"\\\\\\"`,
	}
	root := t.TempDir()
	for i, value := range cases {
		conf := filepath.Join(root, "tok"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+".conf")
		src := "Define V " + value + "\nError \"[${V}]\"\n"
		if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := apacheconf.Options{ServerRoot: root, PreDirectives: httpdtest.Prelude(), LookupEnv: func(k string) (string, bool) { return "", k == "HOME" }}
		want := httpdtest.Run(t, []string{"HOME="}, httpdArgs(root, conf, opts)...)
		tree, err := apacheconf.Load(conf, opts)
		var re *apacheconf.ReadError
		switch {
		case errors.As(err, &re):
			if got := httpdtest.ReadErrorLine(re.Message); got != want.ReadError {
				t.Errorf("Define V %s: reader fails with %q, httpd says %q%s", value, got, want.ReadError, want.WalkError)
			}
		case err != nil:
			t.Fatal(err)
		default:
			v, ok := tree.Vars["V"]
			if !ok {
				v = "${V}"
			}
			wantWalk := conf + ":2: " + httpdtest.EscapeLog("["+v+"]")
			if want.WalkError != wantWalk {
				t.Errorf("Define V %s: reader reads %q, httpd %q", value, wantWalk, want.WalkError)
			}
		}
	}
}

// TestLineLengthLimitMatchesHTTPD checks the 16 MiB limit of a logical
// line at its exact edge, with and without a final newline, and the line
// httpd names (after an earlier read-time directive, httpd names that
// directive's line too).
func TestLineLengthLimitMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	if testing.Short() {
		t.Skip("writes 16 MiB files")
	}
	root := t.TempDir()
	const limit = 16*1024*1024 - 1
	for _, tc := range []struct {
		name    string
		payload int
		newline bool
		prefix  string
	}{
		{"fits-with-newline", limit - len("# "), true, ""},
		{"over-with-newline", limit - len("# ") + 1, true, ""},
		{"fits-without-newline", limit - len("# ") + 1, false, ""},
		{"over-without-newline", limit - len("# ") + 2, false, ""},
		{"over-after-define", limit, true, "Define A\nServerSignature Off\n"},
		{"continued-over", limit / 2, true, "# \\\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := filepath.Join(root, tc.name+".conf")
			body := tc.prefix + "# " + strings.Repeat("x", tc.payload)
			if strings.HasPrefix(tc.prefix, "#") {
				body += "\\\n" + strings.Repeat("y", tc.payload)
			}
			if tc.newline {
				body += "\n"
			}
			if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			opts := apacheconf.Options{ServerRoot: root, PreDirectives: httpdtest.Prelude()}
			want := httpdtest.Run(t, nil, httpdArgs(root, conf, opts)...)
			_, err := apacheconf.Load(conf, opts)
			var re *apacheconf.ReadError
			gotMsg := ""
			if errors.As(err, &re) {
				gotMsg = httpdtest.ReadErrorLine(re.Message)
			} else if err != nil {
				t.Fatal(err)
			}
			if gotMsg != want.ReadError || (want.ReadError == "" && !want.OK) {
				t.Errorf("reader: %q\nhttpd:  %q (ok=%v)", gotMsg, want.ReadError, want.OK)
			}
		})
	}
}
