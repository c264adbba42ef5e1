package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// TestMigrateAppBundle writes the bundle of the hello fixture with
// `migrate -o` and checks what each output does with the application:
// run.sh builds its image from the bundle's Dockerfile and the source tree
// before it runs it, compose.yaml carries the same Dockerfile as its
// build, k8s.yaml names the image, MIGRATION.md says how to push it, and
// the scripts are executable.
func TestMigrateAppBundle(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(root, "fixtures", "apps", "hello", "app")
	in, err := os.ReadFile(filepath.Join(root, "fixtures", "apps", "hello", "httpd.conf.in"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "httpd.conf")
	write(t, conf, strings.ReplaceAll(string(in), "@APP@", app))
	out := filepath.Join(dir, "out")
	if _, stderr, code := wsgidock(t, "migrate", "--base", "debian", "--project", "site", "-o", out, conf); code != 0 {
		t.Fatalf("migrate -o: exit %d\n%s", code, stderr)
	}
	image := "wsgidock-site-hello"
	dockerfile, err := os.ReadFile(filepath.Join(out, "apps", "hello", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"start", "build", "shell"} {
		info, err := os.Stat(filepath.Join(out, "apps", "hello", name))
		if err != nil || info.Mode().Perm() != 0o755 {
			t.Errorf("apps/hello/%s: %v %v", name, info, err)
		}
	}

	calls := dockerCalls(t, out)
	want := "docker build -f " + filepath.Join(out, "apps", "hello", "Dockerfile") + " -t " + image + " " + app
	if len(calls) != 2 || strings.Join(calls[0], " ") != want || calls[1][1] != "run" || calls[1][len(calls[1])-1] != image {
		t.Errorf("run.sh's docker calls: %q\nwant first %q, then the run of %s", calls, want, image)
	}

	data, err := os.ReadFile(filepath.Join(out, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image string
			Build struct {
				Context          string
				DockerfileInline string `yaml:"dockerfile_inline"`
			}
		}
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	svc := compose.Services["hello"]
	// Compose reads $$ as $: the file escapes the Dockerfile's ${BASE_IMAGE}.
	if svc.Image != image || svc.Build.Context != app || strings.ReplaceAll(svc.Build.DockerfileInline, "$$", "$") != string(dockerfile) {
		t.Errorf("compose service: image %q, context %q, Dockerfile the bundle's: %v", svc.Image, svc.Build.Context, strings.ReplaceAll(svc.Build.DockerfileInline, "$$", "$") == string(dockerfile))
	}

	kube, _ := os.ReadFile(filepath.Join(out, "k8s.yaml"))
	if !strings.Contains(string(kube), "image: "+image) {
		t.Errorf("k8s.yaml does not name the image:\n%s", kube)
	}
	md, _ := os.ReadFile(filepath.Join(out, "MIGRATION.md"))
	for _, want := range []string{"Build context `" + app + "`", "docker push REGISTRY/" + image, "Base `debian`"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("MIGRATION.md lacks %q:\n%s", want, md)
		}
	}
}

// dockerCalls is every docker command of the bundle's run.sh in out, in
// its order, with its words as the shell expands them ($bundle is out).
func dockerCalls(t *testing.T, out string) [][]string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join(out, "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(script), "run.sh")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &expand.Config{Env: expand.ListEnviron("bundle=" + out)}
	var calls [][]string
	for _, st := range f.Stmts {
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			words, err := expand.Fields(cfg, c.Args...)
			if err != nil {
				t.Fatal(err)
			}
			if len(words) > 0 && words[0] == "docker" {
				calls = append(calls, words)
			}
		}
	}
	return calls
}
