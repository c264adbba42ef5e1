package check

import (
	"reflect"
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

// TestUTF8Quick: the quick check of UTF8 looks at every string its error
// can come from. Each string of a service with every list and pointer
// filled is made invalid in turn; where the full check finds it, the
// quick one must not pass the service.
func TestUTF8Quick(t *testing.T) {
	var s spec.Service
	fill(reflect.ValueOf(&s).Elem())
	sp := &spec.Spec{Project: "p"}
	if !allUTF8(sp, &s) || firstNotUTF8(sp, &s) != nil {
		t.Fatal("a service of valid text is rejected")
	}
	found := 0
	eachString(reflect.ValueOf(&s).Elem(), "Service", func(path string, v reflect.Value) {
		old := v.String()
		v.SetString("\xff")
		if firstNotUTF8(sp, &s) != nil {
			found++
			if allUTF8(sp, &s) {
				t.Errorf("%s: not valid UTF-8, and the quick check passes it", path)
			}
		}
		v.SetString(old)
	})
	if found < 20 {
		t.Errorf("only %d strings are checked; is the service filled?", found)
	}
}

// fill gives every string of v a valid value and every list and pointer
// one element.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("ok")
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

func eachString(v reflect.Value, path string, f func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		f(path, v)
	case reflect.Pointer:
		eachString(v.Elem(), path, f)
	case reflect.Slice:
		for i := range v.Len() {
			eachString(v.Index(i), path+"[]", f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachString(v.Field(i), path+"."+v.Type().Field(i).Name, f)
			}
		}
	}
}
