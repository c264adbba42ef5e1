package launchtest

import (
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// labelProject is the label every container of a wsgidock project
// carries (spec.LabelProject).
const labelProject = "io.wsgidock.project"

// Prefixes are the names the tests give their projects: Project's
// prefix, and the projects the command's tests run.
var Prefixes = []string{"wsgidock-launch-test", "wsgidock-e2e", "wsgidock-watch", "wsgidock-apps"}

// StaleAfter is how old a test project's container must be for Sweep to
// take it for the leftover of a test run cut short: no test of this
// repository runs a container that long.
const StaleAfter = 15 * time.Minute

var (
	projectsMu sync.Mutex
	projects   = map[string]bool{}
)

// Project returns a project name no other test run uses, starting with
// prefix, and removes every container carrying the project's label when
// the test ends, however it ends: t.Cleanup when it returns or fails, and
// Main when the test binary is interrupted. What a run killed outright
// leaves (a -timeout panic, SIGKILL) is for the next run's Sweep.
func Project(t testing.TB, prefix string) string {
	t.Helper()
	name := Name(prefix)
	projectsMu.Lock()
	projects[name] = true
	projectsMu.Unlock()
	t.Cleanup(func() {
		RemoveProject(name)
		projectsMu.Lock()
		delete(projects, name)
		projectsMu.Unlock()
	})
	return name
}

// RemoveProject force-removes every container carrying the project's
// label, with its anonymous volumes.
func RemoveProject(project string) {
	out, err := exec.Command("docker", "ps", "--all", "--quiet", "--filter", "label="+labelProject+"="+project).Output()
	if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
		_ = exec.Command("docker", append([]string{"rm", "--force", "--volumes"}, ids...)...).Run()
	}
}

// Sweep removes the containers of test projects (their project label
// starts with one of Prefixes) created more than StaleAfter ago: what a
// test run cut short left behind. It does nothing when no engine answers.
func Sweep() {
	out, err := exec.Command("docker", "ps", "--all", "--filter", "label="+labelProject,
		"--format", `{{.ID}}`+"\t"+`{{.CreatedAt}}`+"\t"+`{{.Label "`+labelProject+`"}}`).Output()
	if err != nil {
		return
	}
	var stale []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || !isTestProject(f[2]) {
			continue
		}
		created, err := time.Parse("2006-01-02 15:04:05 -0700 MST", f[1])
		if err == nil && time.Since(created) > StaleAfter {
			stale = append(stale, f[0])
		}
	}
	if len(stale) > 0 {
		_ = exec.Command("docker", append([]string{"rm", "--force", "--volumes"}, stale...)...).Run()
	}
}

// isTestProject reports whether project is named as Name names them
// for one of Prefixes: the prefix, a dash, eight hex digits.
func isTestProject(project string) bool {
	for _, p := range Prefixes {
		rest, ok := strings.CutPrefix(project, p+"-")
		if ok && len(rest) == 8 && strings.Trim(rest, "0123456789abcdef") == "" {
			return true
		}
	}
	return false
}

// Main runs the tests of a package that uses the engine: on SIGINT or
// SIGTERM, the containers of this run's projects and the test image are
// removed before the binary exits. It returns m.Run's code, after
// Cleanup.
func Main(m *testing.M) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		projectsMu.Lock()
		for p := range projects {
			RemoveProject(p)
		}
		projectsMu.Unlock()
		Cleanup()
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	code := m.Run()
	signal.Stop(sigs)
	Cleanup()
	return code
}
