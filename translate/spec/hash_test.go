package spec

import (
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

func hashService(name string, line int, env string) *Service {
	return &Service{
		Name: name, Kind: KindContainer, Engine: "docker", ContainerName: "p-" + name, Image: "img",
		Origin: Origin{Exec: apacheconf.Position{Filename: name + ".py", Line: line}},
		Env:    []EnvVar{{Name: "A", Value: env, HasValue: true, Source: apacheconf.Position{Filename: name + ".py", Line: line + 1, Column: 3}}},
		Ready:  &Ready{URL: "http://127.0.0.1:8000/", Source: apacheconf.Position{Filename: "httpd.conf", Line: line}},
		Where:  Positions{"image": apacheconf.Position{Filename: name + ".py", Line: line}},
	}
}

func TestServiceHash(t *testing.T) {
	sp := &Spec{Project: "p", ConfigHash: "1"}
	base := sp.ServiceHash(hashService("blog", 3, "x"))
	moved := &Spec{Project: "p", ConfigHash: "2"}
	if got := moved.ServiceHash(hashService("blog", 7, "x")); got != base {
		t.Errorf("moving the lines (and another config hash) changed the hash: %s, was %s", got, base)
	}
	if got := sp.ServiceHash(hashService("blog", 3, "y")); got == base {
		t.Error("another environment value kept the hash")
	}
	s := hashService("blog", 3, "x")
	s.Hash = "stale"
	if got := sp.ServiceHash(s); got != base {
		t.Error("the Hash field counts in the hash")
	}
	s.Ready.URL = "http://127.0.0.1:8001/"
	if got := sp.ServiceHash(s); got == base {
		t.Error("another readiness URL kept the hash")
	}
	if got := (&Spec{Project: "q"}).ServiceHash(hashService("blog", 3, "x")); got == base {
		t.Error("another project kept the hash")
	}
}
