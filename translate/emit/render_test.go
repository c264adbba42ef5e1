package emit

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/emit/compose"
	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/kube"
	"github.com/wsgidock/wsgidock/translate/emit/shell"
	"github.com/wsgidock/wsgidock/translate/emit/specjson"
)

func TestRender(t *testing.T) {
	c := fixtures.Process()
	script, shellNotes, _ := shell.Script(c.Spec, shell.Options{Engine: "podman"})
	composeFile, composeNotes, _ := compose.File(c.Spec)
	manifests, kubeNotes, _ := kube.Manifests(c.Spec, kube.Options{Routing: kube.RoutingHTTPRoute})
	doc, _ := specjson.Marshal(c.Spec, c.Report)
	tests := []struct {
		format Format
		name   string
		data   []byte
		notes  int
	}{
		{FormatShell, "run.sh", script, len(shellNotes)},
		{FormatCompose, "compose.yaml", composeFile, len(composeNotes)},
		{FormatKube, "k8s.yaml", manifests, len(kubeNotes)},
		{FormatJSON, "spec.json", doc, 0},
	}
	opts := Options{Shell: shell.Options{Engine: "podman"}, Kube: kube.Options{Routing: kube.RoutingHTTPRoute}}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			files, notes, err := Render(tt.format, c.Spec, c.Report, opts)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			if !reflect.DeepEqual(names, []string{tt.name, MigrationFile}) {
				t.Fatalf("files %q", names)
			}
			if !bytes.Equal(files[0].Data, tt.data) {
				t.Errorf("%s is not the emitter's output", tt.name)
			}
			if len(notes) != tt.notes {
				t.Errorf("%d notes, want %d", len(notes), tt.notes)
			}
			if !strings.Contains(string(files[1].Data), "# Migration report: tasks") {
				t.Errorf("MIGRATION.md:\n%s", files[1].Data)
			}
		})
	}
	if files, _, _ := Render(FormatShell, c.Spec, c.Report, opts); files[0].Mode != 0o755 {
		t.Errorf("run.sh mode %v, want 0755", files[0].Mode)
	}
	if _, _, err := Render("apache", c.Spec, c.Report, opts); err == nil || !strings.Contains(err.Error(), `unknown output format "apache"`) {
		t.Errorf("unknown format: %v", err)
	}
	if _, _, err := Render(FormatCompose, nil, nil, opts); err == nil {
		t.Error("no error for a nil spec")
	}
}

// BenchmarkRender renders the three-service fixture in every format,
// MIGRATION.md included.
func BenchmarkRender(b *testing.B) {
	c := fixtures.Multi()
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Render(f, c.Spec, c.Report, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
