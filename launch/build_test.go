package launch

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
