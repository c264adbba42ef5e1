package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

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

// roundTripHash is ServiceHash by its definition: the service through
// JSON, a map, origin, where and hash deleted, positions dropped, and JSON
// again. ServiceHash must give its bytes for every service, since hashes
// are labels on running containers.
func roundTripHash(spec *Spec, s *Service) string {
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		panic(err)
	}
	for _, k := range []string{"origin", "where", "hash"} {
		delete(v, k)
	}
	data, _ = json.Marshal(stripPositions(v))
	h := sha256.New()
	h.Write([]byte(spec.Project))
	h.Write([]byte{0})
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// hashStrings are the strings fill draws from: empty, plain, and those
// encoding/json escapes.
var hashStrings = []string{"", "a", "blog.example.com", "<&>", "x\"y\\z", "line\nbreak\ttab\b\f\r", "\x00\x1f\x7f",
	"é", "\u2028\u2029", "\xff\xfe", "$(HOME) `x`", "file", "line", "column"}

// fill sets every field reachable from v to a value drawn from r, nil or
// empty about a third of the time, so that every field of Service, those
// added later too, takes part in the comparison.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(hashStrings[r.IntN(len(hashStrings))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		switch r.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(int64(r.IntN(100)))
		case 2:
			v.SetInt(int64(r.IntN(10)) * int64(time.Second))
		default:
			v.SetInt(1<<53 + int64(r.IntN(1000))) // past float64's integers
		}
	case reflect.Pointer:
		if depth > 4 || r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if r.IntN(3) == 0 {
			return
		}
		n := r.IntN(3)
		sl := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, sl.Index(i), depth+1)
		}
		v.Set(sl)
	case reflect.Map:
		if r.IntN(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(3) {
			k := reflect.New(v.Type().Key()).Elem()
			fill(r, k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && r.IntN(4) != 0 {
				fill(r, v.Field(i), depth+1)
			}
		}
	default:
		panic("fill: no values for " + v.Type().String())
	}
}

func TestServiceHashIsTheRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sp := &Spec{Project: "p"}
	for i := range 3000 {
		s := &Service{}
		fill(r, reflect.ValueOf(s).Elem(), 0)
		if got, want := sp.ServiceHash(s), roundTripHash(sp, s); got != want {
			data, _ := json.Marshal(s)
			t.Fatalf("service %d: hash %s, the round trip gives %s\n%s", i, got, want, data)
		}
	}
	for _, s := range []*Service{{}, hashService("blog", 3, "x"), {Stop: Stop{Source: apacheconf.Position{Column: 2}}},
		{App: &App{Directives: []apacheconf.Position{{}, {Line: 1}, {Filename: "f"}}}}} {
		if got, want := sp.ServiceHash(s), roundTripHash(sp, s); got != want {
			data, _ := json.Marshal(s)
			t.Errorf("hash %s, the round trip gives %s\n%s", got, want, data)
		}
	}
}

// BenchmarkServiceHash hashes a seed-shaped service.
func BenchmarkServiceHash(b *testing.B) {
	sp := &Spec{Project: "p"}
	s := hashService("blog", 3, "x")
	s.Ports = []Port{{HostIP: "127.0.0.1", HostPort: "8002", ContainerPort: "80"}}
	s.Extra = []Flag{{Name: "--rm"}}
	b.ReportAllocs()
	for b.Loop() {
		sp.ServiceHash(s)
	}
}
