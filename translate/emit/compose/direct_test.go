package compose

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// checkPieces compares writePiece with the library (encode, then
// indentBy2) on the piece of every container service of sp, and counts
// the pieces writePiece wrote.
func checkPieces(t *testing.T, name string, sp *spec.Spec) (direct int) {
	t.Helper()
	for _, s := range sp.Services {
		if s.Kind == spec.KindProcess {
			continue
		}
		svc, _, err := service(sp, s, newMapping(), newMapping())
		if err != nil {
			continue
		}
		one := newMapping()
		one.set(s.Name, svc.node)
		one.comment(s.Name, comment("Daemon group "+s.Group+": WSGIDaemonProcess at "+s.Origin.Daemon.String()+",", "launcher "+s.Origin.Script+"."))
		lib, err := encode(one.node)
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		indentBy2(&want, lib)
		if !writePiece(&got, one.node) {
			if got.Len() != 0 {
				t.Fatalf("%s: %s: writePiece gave up but left %q", name, s.Name, got.String())
			}
			continue
		}
		direct++
		if got.String() != want.String() {
			t.Fatalf("%s: service %q differs from the library:\nwritePiece:\n%s\nlibrary:\n%s", name, s.Name, got.String(), want.String())
		}
	}
	return direct
}

// TestPieceIsTheLibrary: every fixture's services are written by
// writePiece, in the library's bytes.
func TestPieceIsTheLibrary(t *testing.T) {
	for _, c := range fixtures.All() {
		want := 0
		for _, s := range c.Spec.Services {
			if s.Kind != spec.KindProcess {
				want++
			}
		}
		if got := checkPieces(t, c.Name, c.Spec); got != want && c.Name != "hostile" {
			t.Errorf("%s: writePiece wrote %d of %d services", c.Name, got, want)
		}
	}
}

// TestPieceRandom fills services with strings of every kind the emitter
// treats apart (plain words, YAML 1.1 words, quotes, backslashes, control
// and format characters, line breaks, NEL, LS, PS, a byte order mark,
// characters outside the BMP, non-characters) and compares.
func TestPieceRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	words := []string{"x", "web", "yes", "No", "123", "a b", "a: b", "-x", "$HOME", "${X}", "é", "#c", "a=b", "a@b", "/p:1", "",
		"null", "~", "'q'", "\"d\"", "back\\slash", "line\nbreak", "cr\rx", "tab\tx", "\x00\x07\x1b\x7f", "\u0085", "\u00a0", "\u2028\u2029",
		"\ufeffbom", "mid\ufeffbom", "😀", "\ufffe\uffff", "\ue000", "\ud7ff", strings.Repeat("long words ", 12)}
	pick := func() string { return words[r.IntN(len(words))] + words[r.IntN(len(words))] }
	direct := 0
	for i := range 500 {
		sp := *fixtures.Multi().Spec
		for _, s := range sp.Services {
			s.Image = pick()
			s.Command = []string{pick(), pick()}
			if r.IntN(2) == 0 {
				e := pick()
				s.Entrypoint = &e
			}
			s.Workdir = pick()
			s.User = pick()
			for j := range s.Env {
				s.Env[j].Value = pick()
			}
			for j := range s.Labels {
				s.Labels[j].Value = pick()
			}
			s.Group = pick()
		}
		direct += checkPieces(t, fmt.Sprint("spec ", i), &sp)
	}
	if direct < 500 {
		t.Errorf("writePiece wrote only %d services", direct)
	}
}

// TestManyServicesPieces compares the file of many services with the
// one the library writes when it encodes the whole tree at once.
func TestManyServicesPieces(t *testing.T) {
	sp := *fixtures.Many(2000).Spec
	got, _, err := file(&sp, true)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := file(&sp, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file of %d services differs from the library's whole tree (%d bytes against %d)", len(sp.Services), len(got), len(want))
	}
}
