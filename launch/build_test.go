package launch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/emit/bundle"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// recordingBuilder is a fake engine that builds by recording the inputs
// hash it was given as the image's label.
type recordingBuilder struct {
	*fakeEngine
	labels map[string]string // image -> inputs hash
	builds int
	fail   bool
}

func (b *recordingBuilder) ImageLabel(_ context.Context, image, key string) (string, bool, error) {
	v, ok := b.labels[image]
	return v, ok, nil
}

func (b *recordingBuilder) Build(_ context.Context, dockerfile []byte, dir, tag string, labels map[string]string, out io.Writer) error {
	b.builds++
	io.WriteString(out, "Step 1/2 : FROM base\nStep 2/2 : RUN build\n")
	if b.fail {
		return io.ErrUnexpectedEOF
	}
	if !bytes.HasPrefix(dockerfile, []byte("# The WSGI application")) {
		return io.ErrShortWrite
	}
	b.labels[tag] = labels[spec.LabelInputsHash]
	return nil
}

func appService(t *testing.T) *spec.Service {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "wsgi.py"), []byte("application = None\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &spec.Service{
		Name: "hello", Kind: spec.KindContainer, Image: "wsgidock-test-hello",
		App:   &spec.App{Script: filepath.Join(dir, "wsgi.py"), MountPoint: "/", Callable: "application", ProcessGroup: "hello", ApplicationGroup: "%{GLOBAL}", User: "app", Group: "app", ExpressArgs: []string{filepath.Join(dir, "wsgi.py")}},
		Build: &spec.Build{Context: dir, Base: spec.BaseDebian, BaseImage: "debian:bookworm-slim", Dockerfile: "apps/hello/Dockerfile", Requirements: spec.Requirements{Kind: "none"}},
	}
}

// TestBuildOnlyWhenInputsChange builds a missing image, reuses it while
// the inputs hash is the same, and rebuilds when the source tree changes;
// the build output goes behind the service's prefix, and PS's record says
// what the last up did.
func TestBuildOnlyWhenInputsChange(t *testing.T) {
	s := appService(t)
	sp := &spec.Spec{Project: "buildtest", Services: []*spec.Service{s}}
	b := &recordingBuilder{fakeEngine: newFakeEngine(newFakeClock()), labels: map[string]string{}}
	var out bytes.Buffer
	con := newConsole(&out, &out, ColorNever, []string{"hello"})
	o := Options{LockDir: t.TempDir()}
	for i, step := range []struct {
		change func()
		builds int
		status string
	}{
		{func() {}, 1, "built"},
		{func() {}, 1, "up to date"},
		{func() { os.WriteFile(filepath.Join(s.Build.Context, "wsgi.py"), []byte("changed\n"), 0o644) }, 2, "built"},
		{func() { os.Chmod(filepath.Join(s.Build.Context, "wsgi.py"), 0o600) }, 3, "built"},
		{func() { s.App.DaemonOptions = []string{"threads=4"} }, 4, "built"},
	} {
		step.change()
		if err := prepareImage(context.Background(), b, sp, s, con, o); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if b.builds != step.builds {
			t.Errorf("step %d: %d builds, want %d", i, b.builds, step.builds)
		}
		if got := readBuilds(o.LockDir, sp.Project)["hello"]; got != step.status {
			t.Errorf("step %d: recorded %q, want %q", i, got, step.status)
		}
	}
	if !strings.Contains(out.String(), "hello | Step 2/2 : RUN build") {
		t.Errorf("build output not behind the prefix:\n%s", out.String())
	}
	b.fail = true
	os.WriteFile(filepath.Join(s.Build.Context, "new.py"), nil, 0o644)
	err := prepareImage(context.Background(), b, sp, s, con, o)
	e, ok := err.(*Error)
	if !ok || e.Code != CodeBuild || !strings.Contains(e.Summary, "cannot build image wsgidock-test-hello") {
		t.Errorf("failed build: %#v", err)
	}
}

// TestInputsHashSkipsVirtualenv checks that the virtualenv the image
// replaces does not count.
func TestInputsHashSkipsVirtualenv(t *testing.T) {
	s := appService(t)
	s.App.PythonHome = filepath.Join(s.Build.Context, "venv")
	os.MkdirAll(filepath.Join(s.App.PythonHome, "lib"), 0o755)
	files, err := bundle.App(s)
	if err != nil {
		t.Fatal(err)
	}
	h1, err := InputsHash(s, files)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.App.PythonHome, "lib", "x.pyc"), []byte("x"), 0o644)
	h2, _ := InputsHash(s, files)
	if h1 != h2 {
		t.Error("a file in python-home changed the inputs hash")
	}
}

// concurrentBuilder builds each image only once a second build has
// started, counting how many run at once; a
// build of the image in fail fails.
type concurrentBuilder struct {
	*fakeEngine
	mu            sync.Mutex
	running, most int
	started       int
	both          chan struct{} // closed when two builds have started
	fail          string
}

func (b *concurrentBuilder) ImageLabel(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

func (b *concurrentBuilder) Build(_ context.Context, _ []byte, _, tag string, _ map[string]string, out io.Writer) error {
	b.mu.Lock()
	b.running++
	b.started++
	b.most = max(b.most, b.running)
	if b.started == 2 {
		close(b.both)
	}
	b.mu.Unlock()
	// One build at a time would wait here forever: the guard ends the
	// wait, and the count of builds at once says what happened.
	select {
	case <-b.both:
	case <-time.After(10 * time.Second):
	}
	b.mu.Lock()
	b.running--
	b.mu.Unlock()
	if tag == b.fail {
		io.WriteString(out, "RUN build: exit status 1\n")
		return errors.New("exit status 1")
	}
	return nil
}

// TestPreflightBuildsSideBySide builds the images of independent
// applications two at a time (each build waits for a second one to
// start, so one at a time would never end), each once when two
// services share an image, and gives each service its own image's
// error.
func TestPreflightBuildsSideBySide(t *testing.T) {
	var services []*spec.Service
	for _, name := range []string{"a", "b", "c", "d"} {
		s := appService(t)
		s.Name, s.ContainerName, s.Image = name, "buildtest-"+name, "wsgidock-test-"+name
		s.Build.Dockerfile = "apps/" + name + "/Dockerfile"
		services = append(services, s)
	}
	twin := *services[0]
	twin.Name, twin.ContainerName = "a2", "buildtest-a2"
	services = append(services, &twin)
	sp := &spec.Spec{Project: "buildtest", Services: services}
	b := &concurrentBuilder{fakeEngine: newFakeEngine(newFakeClock()), both: make(chan struct{}), fail: "wsgidock-test-c"}
	var out bytes.Buffer
	names := []string{"a", "b", "c", "d", "a2"}
	con := newConsole(&out, &out, ColorNever, names)
	_, errs := preflight(context.Background(), sp, Options{LockDir: t.TempDir(), Driver: b}, con)
	if b.started != 4 || b.most != 2 {
		t.Errorf("%d builds, at most %d at once; want 4 builds, 2 at once", b.started, b.most)
	}
	var failed []string
	for _, e := range errs {
		if e.Code == CodeBuild {
			failed = append(failed, e.Service+": "+e.Summary)
		}
	}
	if want := "c: cannot build image wsgidock-test-c: exit status 1"; len(failed) != 1 || !strings.HasPrefix(failed[0], want) {
		t.Errorf("build errors %q, want one: %q", failed, want)
	}
	if !regexp.MustCompile(`(?m)^c +\| RUN build: exit status 1$`).MatchString(out.String()) {
		t.Errorf("the failed build's output is not behind its prefix:\n%s", out.String())
	}
}
