package check

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestSpec(t *testing.T) {
	exec := apacheconf.Position{Filename: "/etc/httpd/docker/a.py", Line: 3}
	daemon := apacheconf.Position{Filename: "/etc/httpd/conf/httpd.conf", Line: 9}
	container := func(name string) *spec.Service {
		return &spec.Service{Name: name, Kind: spec.KindContainer, Image: "img", ContainerName: name,
			Origin: spec.Origin{Exec: exec, Daemon: daemon}}
	}
	tests := []struct {
		name string
		sp   *spec.Spec
		want string // substring of the error; empty for none
	}{
		{"nil spec", nil, "no launch spec"},
		{"empty spec", &spec.Spec{}, ""},
		{"good", &spec.Spec{Services: []*spec.Service{container("a"), {Name: "p", Kind: spec.KindProcess, Process: &spec.Process{Program: "/bin/true"}}}}, ""},
		{"nil service", &spec.Spec{Services: []*spec.Service{nil}}, "service 1 is missing"},
		{"no name", &spec.Spec{Services: []*spec.Service{container("")}}, "/etc/httpd/docker/a.py:3: daemon group"},
		{"duplicate", &spec.Spec{Services: []*spec.Service{container("a"), container("a")}}, `service name "a" is already used`},
		{"no image", &spec.Spec{Services: []*spec.Service{{Name: "a", Kind: spec.KindContainer, ContainerName: "a", Origin: spec.Origin{Daemon: daemon}}}}, "httpd.conf:9: service \"a\" runs a container without an image"},
		{"no container name", &spec.Spec{Services: []*spec.Service{{Name: "a", Kind: spec.KindContainer, Image: "i"}}}, "has no container name"},
		{"no program", &spec.Spec{Services: []*spec.Service{{Name: "a", Kind: spec.KindProcess}}}, "without a program"},
		{"bad kind", &spec.Spec{Services: []*spec.Service{{Name: "a", Kind: "vm"}}}, `unknown kind "vm"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Spec(tt.sp)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestUTF8(t *testing.T) {
	src := apacheconf.Position{Filename: "/etc/httpd/docker/a.py", Line: 4}
	good := &spec.Service{Name: "a", Image: "ünïcödé", Command: []string{"☃"}}
	if err := UTF8(&spec.Spec{}, good); err != nil {
		t.Errorf("valid text rejected: %v", err)
	}
	bad := &spec.Service{Name: "a", Env: []spec.EnvVar{{Name: "X", Value: "\xff", HasValue: true, Source: src}}}
	err := UTF8(&spec.Spec{}, bad)
	if err == nil || !strings.Contains(err.Error(), `/etc/httpd/docker/a.py:4: service "a": environment variable "X=\xff" is not valid UTF-8`) {
		t.Errorf("error = %v", err)
	}
}
