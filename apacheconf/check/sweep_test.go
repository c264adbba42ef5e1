package check_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// sweepValues are the bogus and edge values the sweep gives every
// directive: a word no handler takes, numbers out of range, an empty
// string, a path that does not exist, and two a handler may well take.
var sweepValues = []string{"abc", "-1", "0", "99999999999", `""`, "/nonexistent/wsgidock", "On", "1", "5s"}

// sweepDeps are the modules a module needs loaded before it.
var sweepDeps = map[string][]string{
	"cache_disk_module": {"cache_module"}, "cache_socache_module": {"cache_module"},
	"dav_fs_module": {"dav_module"}, "dav_lock_module": {"dav_module"},
	"session_cookie_module": {"session_module"}, "session_crypto_module": {"session_module"}, "session_dbd_module": {"session_module"},
}

// sweepCase is one directive given one value.
type sweepCase struct {
	directive catalog.Directive
	text      string // the directive's line (or section)
	inDir     bool   // placed inside <Directory /srv>
}

// sweepLines is the case as lines of the batch file and the offset of the
// directive's line among them.
func (c sweepCase) lines() ([]string, int) {
	var l []string
	if c.inDir {
		l = append(l, "<Directory /srv>")
	}
	l = append(l, strings.Split(c.text, "\n")...)
	if c.inDir {
		l = append(l, "</Directory>")
	}
	if c.inDir {
		return l, 1
	}
	return l, 0
}

// sweepCases generates the sweep: every directive of every module (the
// event MPM's for the MPM directives), each value given as many times as
// its form needs, grouped by the module to load.
func sweepCases(values []string) map[string][]sweepCase {
	defs := map[string]int{}
	skip := func(source string) bool {
		m, ok := catalog.ModuleBySource(source)
		return !ok || strings.HasPrefix(m.Name, "mpm_") && m.Name != "mpm_event_module"
	}
	for _, d := range catalog.Directives() {
		if !skip(d.Module) {
			defs[strings.ToLower(d.Name)]++
		}
	}
	groups := map[string][]sweepCase{}
	for _, d := range catalog.Directives() {
		// Lua_____ByteCodeHack is mod_lua's internal directive: given an
		// argument, apache2 -t crashes (SIGSEGV).
		if skip(d.Module) || d.Name == "Lua_____ByteCodeHack" || d.ReqOverride&catalog.ExecOnRead != 0 || defs[strings.ToLower(d.Name)] != 1 {
			continue
		}
		mod, ok := catalog.ModuleBySource(d.Module)
		if !ok {
			continue
		}
		count := 0
		switch d.ArgsHow {
		case catalog.NoArgs:
			continue
		case catalog.Take2, catalog.Iterate2, catalog.Take23:
			count = 2
		case catalog.Take3:
			count = 3
		default:
			count = 1
		}
		inDir := d.ReqOverride&catalog.RsrcConf == 0
		for _, v := range values {
			if d.ArgsHow == catalog.Flag && v != "On" {
				continue
			}
			args := strings.TrimSpace(strings.Repeat(v+" ", count))
			text := d.Name + " " + args
			if d.Section {
				name := strings.TrimPrefix(d.Name, "<")
				text = "<" + name + " " + args + ">\n</" + name + ">"
			}
			groups[mod.Name] = append(groups[mod.Name], sweepCase{directive: d, text: text, inDir: inDir})
		}
	}
	return groups
}

// sweepOutcome is what became of one case: httpd's verdict ("" for OK,
// else its message) and Check's.
type sweepOutcome struct {
	c            sweepCase
	httpd, check string
}

// sweepPrelude is the module lines a group's batch file starts with.
func sweepPrelude(mod string) []string {
	lines := []string{httpdtest.LoadModule("mpm_event_module"), httpdtest.LoadModule("authz_core_module")}
	if strings.HasPrefix(mod, "proxy_") || strings.HasPrefix(mod, "lbmethod_") {
		lines = append(lines, httpdtest.LoadModule("proxy_module"))
	}
	for _, dep := range sweepDeps[mod] {
		lines = append(lines, httpdtest.LoadModule(dep))
	}
	if m, ok := catalog.ModuleByName(mod); ok && m.File != "" && mod != "mpm_event_module" && mod != "authz_core_module" {
		lines = append(lines, httpdtest.LoadModule(mod))
	}
	return append(lines, "ServerName localhost", "ErrorLog /dev/null")
}

// sweepBatch writes the cases after the group's prelude to file and
// returns, for each case, the last line it takes.
func sweepBatch(t *testing.T, file, mod string, cases []sweepCase) []int {
	lines := sweepPrelude(mod)
	ends := make([]int, len(cases))
	for i, c := range cases {
		l, _ := c.lines()
		lines = append(lines, l...)
		ends[i] = len(lines)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ends
}

// caseAt is the index of the case that holds line, given each case's last
// line.
func caseAt(ends []int, line int) int {
	for i, e := range ends {
		if line <= e {
			return i
		}
	}
	return len(ends)
}

// checkBatch runs Check on a batch file: the index of the case its first
// error is in (len(cases) when none) and the message.
func checkBatch(t *testing.T, dir, file, version string, ends []int) (int, string) {
	tree, err := apacheconf.Load(file, apacheconf.Options{ServerRoot: dir, Version: version})
	if err != nil {
		var re *apacheconf.ReadError
		if errors.As(err, &re) {
			return caseAt(ends, re.Subject.Start.Line), rooted(dir, "read: "+re.Message)
		}
		t.Fatal(err)
	}
	if ds := check.Check(tree, check.Options{FileChecks: true}); len(ds) > 0 {
		return caseAt(ends, ds[0].Subject.Start.Line), rooted(dir, httpdtest.EscapeLog(ds[0].Summary))
	}
	return len(ends), ""
}

// rooted writes the test's directory in a message as $ROOT, so that the
// record holds no path of the machine it was made on.
func rooted(dir, msg string) string { return strings.ReplaceAll(msg, dir, "$ROOT") }

// httpdOracle says where httpd's first error in a batch is (the index of
// the case) and its message; len(cases) when httpd accepts the batch.
// checkAt and checkMsg are Check's first error, for a failure httpd
// names no line for.
type httpdOracle func(file string, ends []int, cases []sweepCase, checkAt int, checkMsg string) (int, string)

// runSweepGroup settles one group's cases in as few runs as it can: the
// cases go into one file, and each run settles every case before the
// first error of either httpd or Check (accepted by both) and that case
// itself, then goes on with the cases after it.
func runSweepGroup(t *testing.T, dir, version, mod string, cases []sweepCase, httpd httpdOracle) []sweepOutcome {
	var out []sweepOutcome
	for run := 0; len(cases) > 0; run++ {
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.conf", mod, run))
		ends := sweepBatch(t, file, mod, cases)
		ci, cmsg := checkBatch(t, dir, file, version, ends)
		hi, hmsg := httpd(file, ends, cases, ci, cmsg)
		first := min(hi, ci)
		for _, c := range cases[:first] {
			out = append(out, sweepOutcome{c: c})
		}
		if first == len(cases) {
			break
		}
		o := sweepOutcome{c: cases[first]}
		if hi == first {
			o.httpd = hmsg
		}
		if ci == first {
			o.check = cmsg
		}
		out = append(out, o)
		cases = cases[first+1:]
	}
	return out
}

// liveHTTPD is the oracle that runs apache2 -t on the batch. A failure
// httpd names no line for is put at Check's first error when the messages
// agree, and otherwise at the first case.
func liveHTTPD(t *testing.T, dir string) httpdOracle {
	return func(file string, ends []int, cases []sweepCase, ci int, cmsg string) (int, string) {
		r := httpdtest.Run(t, nil, "-d", dir, "-f", file)
		r.Stderr, r.ReadError, r.StartupError = rooted(dir, r.Stderr), rooted(dir, r.ReadError), rooted(dir, r.StartupError)
		switch {
		case r.OK:
			return len(cases), ""
		case r.WalkError != "":
			m := walkRe.FindStringSubmatch(r.Stderr)
			line, _ := strconv.Atoi(m[1])
			return caseAt(ends, line), m[3]
		case r.ReadError != "":
			if m := readLineRe.FindStringSubmatch(r.ReadError); m != nil {
				line, _ := strconv.Atoi(m[1])
				return caseAt(ends, line), "read: " + r.ReadError
			}
			return 0, "read: " + r.ReadError
		case r.StartupError == cmsg:
			return ci, cmsg
		}
		return 0, r.StartupError
	}
}

var readLineRe = regexp.MustCompile(`Syntax error on line (\d+) of`)

// sweepGolden is httpd's verdict on every case of the sweep, recorded by
// -update-sweep from the installed apache2, and whether Check missed it.
const sweepGolden = "testdata/sweep.golden"

var updateSweep = flag.Bool("update-sweep", false, "run the whole sweep through apache2 -t and rewrite "+sweepGolden)

// sweepModules narrows the runs of apache2 (the recording, and the live
// sample) to some modules' groups, such as "md_module,cache_module"; the
// record keeps the other groups' verdicts as they are.
var sweepModules = flag.String("sweep-modules", "", "comma-separated modules whose sweep groups run through apache2 -t (default all)")

// sweepSelected reports whether mod's group runs through apache2.
func sweepSelected(mod string) bool {
	if *sweepModules == "" {
		return true
	}
	for _, m := range strings.Split(*sweepModules, ",") {
		if strings.TrimSpace(m) == mod {
			return true
		}
	}
	return false
}

type goldenEntry struct {
	httpd string // "" for OK
	miss  bool
}

func goldenKey(mod string, c sweepCase) string { return mod + "\t" + strconv.Quote(c.text) }

func readSweepGolden(t *testing.T) map[string]goldenEntry {
	src, err := os.ReadFile(sweepGolden)
	if err != nil {
		t.Fatalf("%v: run go test ./apacheconf/check -run TestSweepMatchesHTTPD -update-sweep", err)
	}
	g := map[string]goldenEntry{}
	for _, line := range strings.Split(strings.TrimSpace(string(src)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("%s: bad line %q", sweepGolden, line)
		}
		v, err := strconv.Unquote(f[2])
		if err != nil {
			t.Fatalf("%s: bad verdict in %q", sweepGolden, line)
		}
		g[f[0]+"\t"+f[1]] = goldenEntry{httpd: v, miss: f[3] == "miss"}
	}
	return g
}

// groupNames are the sweep's groups in a fixed order.
func groupNames(groups map[string][]sweepCase) []string {
	var names []string
	for m := range groups {
		names = append(names, m)
	}
	sort.Strings(names)
	return names
}

// TestSweepMatchesHTTPD holds Check against httpd on every directive of
// every module given bogus and edge values (a word no handler takes,
// negative, zero and huge numbers, an empty string, a missing path, On, 1,
// 5s): about 5,600 cases. With -update-sweep it runs them all through
// apache2 -t (about a minute) and records httpd's verdicts in
// testdata/sweep.golden; without, it replays Check against the record (in
// process) and holds the record against the installed apache2: one run
// per module, the batch its recording started with.
//
// Check must never refuse what httpd accepts, and where both refuse it
// must say what httpd says. The cases Check misses (httpd refuses, Check
// accepts) are marked in the record: a new miss fails the test, and so
// does a marked one Check now catches (run -update-sweep again).
func TestSweepMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	version := httpdtest.Version(t)
	dir := t.TempDir()
	groups := sweepCases(sweepValues)
	names := groupNames(groups)
	if *updateSweep {
		var golden map[string]goldenEntry
		if *sweepModules != "" {
			golden = readSweepGolden(t)
		}
		updateSweepGolden(t, dir, version, groups, names, golden)
		return
	}
	golden := readSweepGolden(t)
	oracle := func(mod string) httpdOracle {
		return func(file string, ends []int, cases []sweepCase, ci int, cmsg string) (int, string) {
			for i, c := range cases {
				e, ok := golden[goldenKey(mod, c)]
				if !ok {
					t.Fatalf("%s: %q is not in %s: run -update-sweep", mod, c.text, sweepGolden)
				}
				if e.httpd != "" {
					return i, e.httpd
				}
			}
			return len(cases), ""
		}
	}
	total, refused, misses := 0, 0, 0
	for _, mod := range names {
		for _, o := range runSweepGroup(t, dir, version, mod, groups[mod], oracle(mod)) {
			total++
			e := golden[goldenKey(mod, o.c)]
			switch {
			case o.httpd == "" && o.check != "":
				t.Errorf("false error: %s (%s): httpd accepts it, Check says %q", o.c.text, mod, o.check)
			case o.httpd != "" && o.check == "":
				misses++
				if !e.miss {
					t.Errorf("new miss: %s (%s): httpd says %q, Check accepts it", o.c.text, mod, o.httpd)
				}
			case o.httpd != "":
				refused++
				if o.check != o.httpd {
					t.Errorf("%s (%s):\nhttpd: %s\ncheck: %s", o.c.text, mod, o.httpd, o.check)
				} else if e.miss {
					t.Errorf("%s (%s) is marked a miss but Check now refuses it as httpd does: run -update-sweep", o.c.text, mod)
				}
			}
		}
	}
	t.Logf("sweep: %d cases, %d refused by httpd and Check alike, %d missed", total, refused, misses)
	liveSample(t, dir, version, groups, names, golden)
}

// liveSample holds the record against the installed apache2: for every
// module, the batch of all its cases, as the record's first run had it,
// must be accepted up to the case the record says httpd refuses first,
// and refused there with the record's message; two runs at a time.
func liveSample(t *testing.T, dir, version string, groups map[string][]sweepCase, names []string, golden map[string]goldenEntry) {
	twoAtATime(len(names), func(i int) {
		mod := names[i]
		if !sweepSelected(mod) {
			return
		}
		cases := groups[mod]
		want, wantMsg := len(cases), ""
		for i, c := range cases {
			if e := golden[goldenKey(mod, c)]; e.httpd != "" {
				want, wantMsg = i, e.httpd
				break
			}
		}
		file := filepath.Join(dir, "live-"+mod+".conf")
		ends := sweepBatch(t, file, mod, cases)
		ci, cmsg := checkBatch(t, dir, file, version, ends)
		got, gotMsg := liveHTTPD(t, dir)(file, ends, cases, ci, cmsg)
		if got != want || gotMsg != wantMsg {
			at := func(i int) string {
				if i == len(cases) {
					return "none"
				}
				return strconv.Quote(cases[i].text)
			}
			t.Errorf("%s: the record says httpd refuses %s first, with %q; apache2 -t refuses %s, with %q (run -update-sweep if apache2 changed)", mod, at(want), wantMsg, at(got), gotMsg)
		}
	})
}

// runSweepGroups runs each module's cases through apache2 -t and Check,
// two httpd runs at a time, in the order of names. With kept (the
// record), a group -sweep-modules does not select keeps its verdicts.
func runSweepGroups(t *testing.T, dir, version string, groups map[string][]sweepCase, names []string, kept map[string]goldenEntry) [][]sweepOutcome {
	results := make([][]sweepOutcome, len(names))
	twoAtATime(len(names), func(i int) {
		mod := names[i]
		if kept != nil && !sweepSelected(mod) {
			for _, c := range groups[mod] {
				e, ok := kept[goldenKey(mod, c)]
				if !ok {
					t.Errorf("%s: %q is not in %s: record its module too", mod, c.text, sweepGolden)
				}
				o := sweepOutcome{c: c, httpd: e.httpd}
				if !e.miss {
					o.check = e.httpd
				}
				results[i] = append(results[i], o)
			}
			return
		}
		results[i] = runSweepGroup(t, dir, version, mod, groups[mod], liveHTTPD(t, dir))
	})
	return results
}

// twoAtATime calls f for 0..n-1, two calls at a time (the machine's cores;
// each runs an apache2), and returns when all have.
func twoAtATime(n int, f func(i int)) {
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// updateSweepGolden runs the whole sweep through apache2 -t, two runs at
// a time, and writes the record.
func updateSweepGolden(t *testing.T, dir, version string, groups map[string][]sweepCase, names []string, kept map[string]goldenEntry) {
	results := runSweepGroups(t, dir, version, groups, names, kept)
	var b strings.Builder
	b.WriteString("# httpd -t's verdict on every case of the sweep (TestSweepMatchesHTTPD), from Apache/" + version + ":\n")
	b.WriteString("# module, directive, httpd's message (\"\" when it accepts), and miss where Check accepted what httpd refuses.\n")
	count := map[string]int{}
	for i, mod := range names {
		for _, o := range results[i] {
			mark := "agree"
			switch {
			case o.httpd != "" && o.check == "":
				mark = "miss"
			case o.httpd != o.check:
				mark = "differ"
				t.Errorf("%s (%s):\nhttpd: %q\ncheck: %q", o.c.text, mod, o.httpd, o.check)
			}
			count[mark]++
			fmt.Fprintf(&b, "%s\t%s\t%s\n", goldenKey(mod, o.c), strconv.Quote(o.httpd), mark)
		}
	}
	if err := os.MkdirAll(filepath.Dir(sweepGolden), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sweepGolden, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("sweep recorded: %v", count)
}
