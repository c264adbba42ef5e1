package kube

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// sameAsLibrary checks that the writer, when it writes m, writes what
// yaml.Marshal writes, and says whether it did.
func sameAsLibrary(t *testing.T, w *yamlWriter, m map[string]any) bool {
	t.Helper()
	want, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if !w.write(&b, m) {
		return false
	}
	if got := b.String(); got != string(want) {
		data, _ := json.Marshal(m)
		t.Fatalf("the writer and yaml.Marshal differ on %s\nwriter:\n%s\nyaml.Marshal:\n%s", data, got, want)
	}
	return true
}

// TestWriterIsTheLibrary: every object of every fixture is written by the
// writer itself, in the library's bytes.
func TestWriterIsTheLibrary(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, v := range routings {
			var objs []object
			if _, err := build(c.Spec, v.opts, func(o object) error { objs = append(objs, o); return nil }); err != nil {
				t.Fatal(err)
			}
			w := newYAMLWriter()
			for _, o := range objs {
				m, err := generic(o.obj)
				if err != nil {
					t.Fatal(err)
				}
				if !sameAsLibrary(t, w, m) && c.Name != "hostile" {
					t.Errorf("%s/%s: the writer gave up on a %s", c.Name, v.file, o.obj.GetObjectKind().GroupVersionKind().Kind)
				}
			}
		}
	}
}

// yamlWords are the strings random values draw from: words YAML 1.1 reads
// as other types, indicators, quotes, spaces, line breaks, long lines.
var yamlWords = []string{"", "a", "Yes", "off", "~", "null", "0755", "1:20", "1e3", "0x1F", ".5", "-", "- a", "a: b", "a #b",
	"#x", "&a", "*a", "!t", "|", ">", "%", "@", "`", "'", "\"", "a'b", "a\"b", "[", "]{", ",", "?", "? x", " lead", "trail ",
	"two  spaces", "line\nbreak", "tab\tx", "\x00", "\u2028", "é", "\u00a0", "\xff", "$(X)", "a:", ":a", "http://x:80/y?z=1#f",
	strings.Repeat("long words ", 9), strings.Repeat("x", 90), strings.Repeat("y ", 38) + "end", "app.kubernetes.io/name",
	"a1", "a10", "a9", "a09", "A", "_a", "-a", ".a", "b2c", "0", "00", "10"}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(10); {
	case n < 4 || depth > 3:
		switch r.IntN(6) {
		case 0:
			return nil
		case 1:
			return r.IntN(2) == 0
		case 2:
			return json.Number([]string{"0", "80", "-1", "1.5", "12345678901234567890"}[r.IntN(5)])
		default:
			return yamlWords[r.IntN(len(yamlWords))]
		}
	case n < 7:
		return randomMap(r, depth+1)
	default:
		s := make([]any, r.IntN(4))
		for i := range s {
			s[i] = randomValue(r, depth+1)
		}
		return s
	}
}

func randomMap(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range r.IntN(5) {
		m[yamlWords[r.IntN(len(yamlWords))]] = randomValue(r, depth)
	}
	return m
}

// TestPlainWord: what plainWord passes, the library writes as it is, as a
// value and as a key.
func TestPlainWord(t *testing.T) {
	words := append([]string{"y", "Yes", "ON", "Off", "NULL", "no", "True", "nO", "site0-example-com", "_x", "/srv/a.b",
		"registry.example.com/app", "a-", "a.", "a//b", "Y1", "on-", "yes.", "nullx", "tcp-8080"}, yamlWords...)
	for _, s := range words {
		if !plainWord(s) {
			continue
		}
		if r := libraryScalar(s); r != s {
			t.Errorf("plainWord(%q), but the library writes %q", s, r)
		}
		if out, _ := yaml.Marshal(map[string]int{s: 1}); string(out) != s+": 1\n" {
			t.Errorf("plainWord(%q), but the library writes the key as %q", s, out)
		}
	}
	for _, s := range []string{"yes", "Off", "null", "1a", "a b", "a:b", "-a", ".a", "a#", "é"} {
		if plainWord(s) {
			t.Errorf("plainWord(%q) is true", s)
		}
	}
}

// TestPlainValue: what plainValue passes, the library writes as it is, as
// a value.
func TestPlainValue(t *testing.T) {
	words := append([]string{"a:b", "/etc/httpd.conf:20", "/a:1:2", "a::b", "y:1", "no:x", "on:", "_:_", "a:-", "a:/b", "n:o",
		"app.kubernetes.io/name:x", "a:1.5", "t:rue"}, yamlWords...)
	passed := 0
	for _, s := range words {
		if !plainValue(s) {
			continue
		}
		passed++
		if r := libraryScalar(s); r != s {
			t.Errorf("plainValue(%q), but the library writes %q", s, r)
		}
	}
	if passed < 20 {
		t.Errorf("plainValue passed only %d words", passed)
	}
	for _, s := range []string{"a:", ":a", "1:20", "a: b", "a:b ", "-a:b", "yes", ":"} {
		if plainValue(s) {
			t.Errorf("plainValue(%q) is true", s)
		}
	}
}

// TestWriterRandom: on random values the writer writes the library's
// bytes or gives up, and it does not give up on most of them.
func TestWriterRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	w := newYAMLWriter()
	written := 0
	const n = 3000
	for range n {
		if sameAsLibrary(t, w, randomMap(r, 0)) {
			written++
		}
	}
	if written < n/4 {
		t.Errorf("the writer wrote only %d of %d random values", written, n)
	}
}

// buildAll is build with every object kept, in order.
func buildAll(sp *spec.Spec, opts Options) ([]object, []spec.Item, error) {
	var objs []object
	notes, err := build(sp, opts, func(o object) error { objs = append(objs, o); return nil })
	return objs, notes, err
}

// libraryDecode is what decodeJSON must give: encoding/json's generic
// value with UseNumber.
func libraryDecode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDecodeIsTheLibrary(t *testing.T) {
	var docs [][]byte
	for _, c := range fixtures.All() {
		for _, v := range routings {
			objs, _, err := buildAll(c.Spec, v.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				data, err := json.Marshal(o.obj)
				if err != nil {
					t.Fatal(err)
				}
				docs = append(docs, data)
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		data, err := json.Marshal(randomMap(r, 0))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	docs = append(docs, []byte(`{"a":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t","b":[1,-2.5e3,true,false,null,{}],"c":"`+"\xff"+`","d":"é"}`))
	for _, data := range docs {
		got, err := decodeJSON(data)
		if err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		if want := libraryDecode(t, data); !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeJSON(%s) = %#v, the library gives %#v", data, got, want)
		}
	}
}
