package launch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/wsgidock/wsgidock/translate/emit/bundle"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// CodeBuild is the code of an app image that cannot be built.
const CodeBuild = "image-build"

// Builder is an Engine that can build images. The CLI driver is one.
type Builder interface {
	// ImageLabel returns a label of a local image; ok is false when the
	// image is not there.
	ImageLabel(ctx context.Context, image, key string) (value string, ok bool, err error)
	// Build builds tag from the context directory with the given
	// Dockerfile and labels, copying the build's output to out.
	Build(ctx context.Context, dockerfile []byte, contextDir, tag string, labels map[string]string, out io.Writer) error
}

// prepareImage makes a service's image present: built from its source
// tree when the service has a Build and the image is missing or was built
// from other inputs, pulled when it has none and is missing.
func prepareImage(ctx context.Context, eng Engine, sp *spec.Spec, s *spec.Service, con *console, o Options) error {
	if s.Build == nil {
		return ensureImage(ctx, eng, s, con)
	}
	err := buildImage(ctx, eng, s, con)
	status := "up to date"
	if errors.Is(err, errBuilt) {
		status, err = "built", nil
	}
	if err == nil {
		err = recordBuild(o.LockDir, sp.Project, s.Name, status)
	}
	return err
}

// errBuilt says buildImage built the image (it was missing or stale).
var errBuilt = errors.New("built")

// buildImage builds the image of an app service unless an image with the
// same inputs hash is there.
func buildImage(ctx context.Context, eng Engine, s *spec.Service, con *console) error {
	b, ok := eng.(Builder)
	if !ok {
		return buildError(s, fmt.Errorf("the %s driver cannot build images", eng.Program()), "use the docker or podman program as the engine")
	}
	files, err := bundle.App(s)
	if err != nil {
		return buildError(s, err, "")
	}
	hash, err := InputsHash(s, files)
	if err != nil {
		return buildError(s, err, "make the application's source tree readable")
	}
	have, present, err := b.ImageLabel(ctx, s.Image, spec.LabelInputsHash)
	if err != nil {
		return buildError(s, err, "")
	}
	if present && have == hash {
		con.printf(s.Name, "image %s is up to date (inputs %s)", s.Image, hash)
		return nil
	}
	why := "not present"
	if present {
		why = "built from other inputs"
	}
	con.printf(s.Name, "building image %s from %s (%s)", s.Image, s.Build.Context, why)
	out := con.stream(s.Name, &tail{})
	err = b.Build(ctx, files[0].Data, s.Build.Context, s.Image, map[string]string{spec.LabelInputsHash: hash}, out)
	out.Close()
	if err != nil {
		return buildError(s, err, "see the build output above; the build hooks and dependencies run in .docker/action_hooks and the build script")
	}
	con.printf(s.Name, "built image %s", s.Image)
	return errBuilt
}

func buildError(s *spec.Service, err error, detail string) *Error {
	if detail == "" {
		detail = "check the application's build (" + s.Build.Dockerfile + ")"
	}
	return &Error{Code: CodeBuild, Service: s.Name, Pos: s.Build.Source, Err: err,
		Summary: fmt.Sprintf("cannot build image %s: %s", s.Image, engineMessage(err)), Detail: detail}
}

// InputsHash is the content hash of everything an app image is built
// from: the bundle files (Dockerfile and the scripts, requirements and
// configuration it carries) and every file of the source tree (path, mode
// and content), except the virtualenv the build replaces.
func InputsHash(s *spec.Service, files []bundle.File) (string, error) {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "bundle %s %d\n", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	skip := ""
	if s.App != nil && s.App.PythonHome != "" {
		skip = filepath.Clean(s.App.PythonHome)
	}
	root := s.Build.Context
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip && d.IsDir() {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "link %s %s\n", rel, target)
		case d.IsDir():
			fmt.Fprintf(h, "dir %s %o\n", rel, info.Mode().Perm())
		case d.Type().IsRegular():
			fmt.Fprintf(h, "file %s %o %d\n", rel, info.Mode().Perm(), info.Size())
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ImageLabel implements Builder.
func (c *CLI) ImageLabel(ctx context.Context, image, key string) (string, bool, error) {
	out, err := c.output(ctx, "image", "inspect", "--format", "{{json .Config.Labels}}", image)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "no such image") {
			return "", false, nil
		}
		return "", false, err
	}
	var labels map[string]string
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &labels); err != nil {
		return "", true, fmt.Errorf("reading the labels of %s: %w", image, err)
	}
	return labels[key], true, nil
}

// Build implements Builder with `build -f FILE --label ... -t TAG DIR`;
// the Dockerfile is written outside the context, which the engine's
// client accepts.
func (c *CLI) Build(ctx context.Context, dockerfile []byte, contextDir, tag string, labels map[string]string, out io.Writer) error {
	dir, err := os.MkdirTemp("", "wsgidock-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, dockerfile, 0o644); err != nil {
		return err
	}
	args := []string{"build", "-f", df, "-t", tag}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--label", k+"="+labels[k])
	}
	args = append(args, contextDir)
	cmd := command(ctx, c.Path, args...)
	cmd.Env = c.Env
	tail := &tailBuffer{}
	cmd.Stdout = out
	cmd.Stderr = io.MultiWriter(out, tail)
	if err := cmd.Run(); err != nil {
		return c.commandError(args, tail.String(), err)
	}
	return nil
}

// builds is what the last `up` of a project did with each app image,
// by service: "built" or "up to date". Every `up` rewrites the entry of
// each app service it starts; PS reads them.
type builds map[string]string

func buildsPath(dir, project string) string {
	return strings.TrimSuffix(lockPath(dir, project), ".lock") + ".builds.json"
}

// recordBuild notes what this `up` did with a service's image. The
// project lock is held, so nobody else writes the file meanwhile.
func recordBuild(dir, project, service, status string) error {
	// Images are prepared side by side: one update of the file at a time.
	buildsMu.Lock()
	defer buildsMu.Unlock()
	b := readBuilds(dir, project)
	b[service] = status
	data, err := json.Marshal(b)
	if err != nil {
		return err
	}
	path := buildsPath(dir, project)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

var buildsMu sync.Mutex

// readBuilds reads what the last `up` of the project did with its images.
func readBuilds(dir, project string) builds {
	b := builds{}
	data, err := os.ReadFile(buildsPath(dir, project))
	if err == nil {
		_ = json.Unmarshal(data, &b)
	}
	return b
}
