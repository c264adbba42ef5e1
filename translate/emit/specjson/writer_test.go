package specjson

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// libraryJSON is v as encoding/json's Encoder writes it with the
// document's settings, lines after the first indented by prefix, without
// the final newline: what the writer must give.
func libraryJSON(t *testing.T, v any, prefix string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func writeService(s *spec.Service, prefix string) string {
	w := writer{prefix: prefix}
	w.service(s)
	return string(w.b)
}

func writeItem(it *spec.Item, prefix string) string {
	w := writer{prefix: prefix}
	w.item(it)
	return string(w.b)
}

// TestWriterIsLibrary compares the writer with encoding/json on every
// fixture's services and items.
func TestWriterIsLibrary(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, s := range c.Spec.Services {
			for _, prefix := range []string{"", "    "} {
				if got, want := writeService(s, prefix), libraryJSON(t, s, prefix); got != want {
					t.Errorf("%s: service %s:\n got %s\nwant %s", c.Name, s.Name, got, want)
				}
			}
		}
		if c.Report == nil {
			continue
		}
		for _, items := range [][]spec.Item{c.Report.Mapped, c.Report.Unmapped} {
			for i := range items {
				if got, want := writeItem(&items[i], "    "), libraryJSON(t, &items[i], "    "); got != want {
					t.Errorf("%s: item %d:\n got %s\nwant %s", c.Name, i, got, want)
				}
			}
		}
	}
}

// TestWriterRandom compares the writer with encoding/json on random
// services and items: every field set or not, nil and empty lists, and
// strings of any runes, control bytes, U+2028 and bytes that are not
// UTF-8 among them.
func TestWriterRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	odd := []string{"", "\"\\", "\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "<&>", "é€😀", "a\xc3"}
	for i := 0; i < 2000; i++ {
		v, ok := quick.Value(reflect.TypeOf(spec.Service{}), r)
		if !ok {
			t.Fatal("no random service")
		}
		s := v.Interface().(spec.Service)
		if i%2 == 1 {
			// testing/quick leaves nested pointers nil: fill them, so
			// that the app, build, process and the rest are compared too.
			fillPointers(reflect.ValueOf(&s).Elem(), r, 4)
		}
		if i%3 == 0 {
			// Strings from the odd ones, in every place a string goes.
			fillStrings(reflect.ValueOf(&s).Elem(), r, odd)
		}
		if i%5 == 0 {
			s.Command, s.Process = []string{}, &spec.Process{}
			s.App = &spec.App{ExpressArgs: []string{}, Directives: []apacheconf.Position{}}
		}
		if got, want := writeService(&s, "  "), libraryJSON(t, &s, "  "); got != want {
			t.Fatalf("service %d:\n got %s\nwant %s", i, got, want)
		}
		v, _ = quick.Value(reflect.TypeOf(spec.Item{}), r)
		it := v.Interface().(spec.Item)
		if i%2 == 0 {
			fillStrings(reflect.ValueOf(&it).Elem(), r, odd)
		}
		if got, want := writeItem(&it, ""), libraryJSON(t, &it, ""); got != want {
			t.Fatalf("item %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// fillPointers gives every nil pointer to a struct inside v a random
// value of its own, down to depth levels of pointers.
func fillPointers(v reflect.Value, r *rand.Rand, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth == 0 || v.Type().Elem().Kind() != reflect.Struct {
			return
		}
		if v.IsNil() {
			e, ok := quick.Value(v.Type().Elem(), r)
			if !ok {
				return
			}
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(e)
			v.Set(p)
		}
		fillPointers(v.Elem(), r, depth-1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillPointers(v.Field(i), r, depth)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			fillPointers(v.Index(i), r, depth)
		}
	}
}

// fillStrings sets every string inside v to one of choices, or to two of
// them joined.
func fillStrings(v reflect.Value, r *rand.Rand, choices []string) {
	pick := func() string { return choices[r.Intn(len(choices))] + choices[r.Intn(len(choices))] }
	switch v.Kind() {
	case reflect.String:
		v.SetString(pick())
	case reflect.Pointer:
		if !v.IsNil() {
			fillStrings(v.Elem(), r, choices)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), r, choices)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			fillStrings(v.Index(i), r, choices)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			fillStrings(e, r, choices)
			m.SetMapIndex(reflect.ValueOf(pick()).Convert(k.Type()), e)
		}
		v.Set(m)
	}
}

// TestManyServices compares the whole document with the one encoding/json
// writes for a spec of many services, in buffers that fill and flush
// many times.
func TestManyServices(t *testing.T) {
	many := fixtures.Many(3000)
	sp, report := *many.Spec, many.Report
	got, err := Marshal(&sp, report)
	if err != nil {
		t.Fatal(err)
	}
	want := libraryJSON(t, Document{Spec: &sp, Report: report}, "") + "\n"
	if string(got) != want {
		t.Errorf("document of %d services differs from encoding/json's (%d bytes against %d)", len(sp.Services), len(got), len(want))
	}
}
