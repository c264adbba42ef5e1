package launchtest

import (
	"os/exec"
	"strings"
	"testing"
)

func TestIsTestProject(t *testing.T) {
	for project, want := range map[string]bool{
		"wsgidock-launch-test-aa30555a": true,
		"wsgidock-watch-0123abcd":       true,
		"wsgidock-launch-test-aa30555":  false, // seven digits
		"wsgidock-launch-test-AA30555A": false,
		"wsgidock-launch-test-":         false,
		"wsgidock-bench-aa30555a":       false, // not a test's
		"blog":                          false,
	} {
		if got := isTestProject(project); got != want {
			t.Errorf("isTestProject(%q) = %v, want %v", project, got, want)
		}
	}
	if !isTestProject(Name(Prefixes[0])) {
		t.Errorf("Name(%q) is not taken for a test project", Prefixes[0])
	}
}

// TestProjectRemovesItsContainers checks that a test's project leaves no
// container behind once the test ends, failed or not, whatever state the
// container is in.
func TestProjectRemovesItsContainers(t *testing.T) {
	image := Image(t)
	t.Cleanup(Cleanup)
	var project string
	t.Run("leaky", func(t *testing.T) {
		project = Project(t, Prefixes[0])
		for _, args := range [][]string{
			{"run", "--detach", "--label", labelProject + "=" + project, image},
			{"create", "--label", labelProject + "=" + project, image},
		} {
			if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
				t.Fatalf("docker %q: %v\n%s", args, err, out)
			}
		}
	})
	out, err := exec.Command("docker", "ps", "--all", "--quiet", "--filter", "label="+labelProject+"="+project).Output()
	if err != nil {
		t.Fatal(err)
	}
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		RemoveProject(project)
		t.Errorf("containers of %s left after its test: %q", project, ids)
	}
}
