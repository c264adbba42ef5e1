// Package httpdtest runs the real Apache httpd for tests: it is the oracle
// the reader is compared with, and the front end end-to-end tests put
// before the containers they start.
//
// Tests that need httpd call Binary: without httpd it skips the test with a
// message saying what to install, unless WSGIDOCK_REQUIRE_APACHE=1, where
// it fails the test instead.
package httpdtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ModuleDir is where Debian's apache2 keeps its modules.
const ModuleDir = "/usr/lib/apache2/modules"

// Binary returns the path of the apache2 (or httpd) program, or skips the
// test.
func Binary(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"apache2", "httpd"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/local/apache2/bin"} {
			p := filepath.Join(dir, name)
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("WSGIDOCK_REQUIRE_APACHE") == "1" {
		t.Fatal("apache2 is required (WSGIDOCK_REQUIRE_APACHE=1) but not installed; run .ci/install-deps as root")
	}
	t.Skip("apache2 is not installed: install Debian's apache2 and libapache2-mod-wsgi-py3 (make test does it as root) to run this test")
	return ""
}

// LoadModule is the directive that loads module symbol from Debian's
// module directory ("mpm_event_module" -> mod_mpm_event.so).
func LoadModule(symbol string) string {
	name := strings.TrimSuffix(symbol, "_module")
	return "LoadModule " + symbol + " " + filepath.Join(ModuleDir, "mod_"+name+".so")
}

// Prelude is the -C directives every differential run gives both httpd
// and the reader: an MPM (httpd refuses to start without one), mod_info
// for DUMP_CONFIG, and the modules the fixtures use.
func Prelude() []string {
	var p []string
	for _, m := range []string{"mpm_event_module", "info_module", "authz_core_module", "alias_module",
		"proxy_module", "proxy_http_module", "headers_module", "wsgi_module", "mime_module",
		"dir_module", "setenvif_module", "rewrite_module", "env_module", "authz_host_module"} {
		p = append(p, LoadModule(m))
	}
	return append(p, "ServerName localhost", "ErrorLog /dev/null")
}

// Result is what `httpd -t` said.
type Result struct {
	OK     bool
	Stdout string
	Stderr string
	// ReadError is the read-phase error after "apache2: ", as httpd printed
	// it (log-escaped), or "".
	ReadError string
	// WalkError is a walk-phase error: "FILE:LINE: message", or "".
	WalkError string
	// StartupError is the error of a failure that is neither: one httpd
	// reports with no line, while it walks (a User it cannot look up) or
	// after (its check_config hooks: a log directory that is missing). It
	// is the first line of the error, without the log's prefix.
	StartupError string
}

// logPrefixRe is the prefix of a line of httpd's error log.
var logPrefixRe = regexp.MustCompile(`^\[[^]]*\] \[([^]:]*):([a-z0-9]+)\] (?:\[pid [^]]*\] )?`)

// startupError is the first line of stderr that is not a warning or a
// notice, without its log prefix.
func startupError(stderr string) string {
	first := ""
	for _, line := range strings.Split(stderr, "\n") {
		if m := logPrefixRe.FindStringSubmatch(line); m != nil {
			switch m[2] {
			case "warn", "notice", "info", "debug":
				continue
			}
			line = line[len(m[0]):]
		}
		if line == "" || strings.HasPrefix(line, "AH00558: ") {
			continue
		}
		if first == "" {
			first = line
		}
		if line != "AH00014: Configuration check failed" {
			return line
		}
	}
	return first
}

var walkErrRe = regexp.MustCompile(`AH00526: Syntax error on line (\d+) of ([^\n]*):\n([^\n]*)`)

// Run runs httpd -t with args (such as -d, -f, -D, -C) and the given
// environment added to its own.
func Run(t testing.TB, env []string, args ...string) Result {
	t.Helper()
	bin := Binary(t)
	cmd := exec.Command(bin, append([]string{"-t"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	if err == nil {
		r.OK = true
		return r
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("running %s: %v", bin, err)
	}
	prefix := filepath.Base(bin) + ": "
	for _, line := range strings.Split(r.Stderr, "\n") {
		if strings.HasPrefix(line, prefix) {
			r.ReadError = strings.TrimPrefix(line, prefix)
			return r
		}
	}
	if m := walkErrRe.FindStringSubmatch(r.Stderr); m != nil {
		r.WalkError = m[2] + ":" + m[1] + ": " + m[3]
	} else {
		r.StartupError = startupError(r.Stderr)
	}
	return r
}

// maxLogLine is the longest line httpd's error log writes
// (MAX_STRING_LEN less the terminating NUL and the newline).
const maxLogLine = 8190

// ReadErrorLine is how httpd prints a read error message: log-escaped, after
// "apache2: ", cut at the length of its log buffer. It returns the part
// after the program name, to compare with Result.ReadError.
func ReadErrorLine(msg string) string {
	const prefix = len("apache2: ")
	s := EscapeLog(msg)
	if len(s) > maxLogLine-prefix {
		s = s[:maxLogLine-prefix]
	}
	return s
}

// EscapeLog is ap_escape_errorlog_item: how httpd writes a message into its
// log, so that a message built by the reader can be compared with what
// httpd printed.
func EscapeLog(s string) string {
	var b strings.Builder
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\v':
			b.WriteString(`\v`)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var versionRe = regexp.MustCompile(`Apache/(\d+\.\d+\.\d+)`)

// Version is the installed httpd's version, for the reader's <IfVersion>
// to compare with the same number httpd does.
func Version(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(Binary(t), "-v").Output()
	if err != nil {
		t.Fatalf("httpd -v: %v", err)
	}
	m := versionRe.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no version in httpd -v output %q", out)
	}
	return string(m[1])
}
