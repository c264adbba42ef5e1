package importscript

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestArenaLeavesNoTrace parses every fixture and fuzz input after every
// other one, in two orders: with the arenas reused from script to script,
// a script's result must not depend on the scripts read before it.
func TestArenaLeavesNoTrace(t *testing.T) {
	var inputs [][]byte
	paths := fixtures(t)
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	for _, path := range append(paths, corpus...) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(src, []byte("go test fuzz v1\n")) {
			if src, err = unquoteCorpus(src); err != nil {
				continue
			}
		}
		inputs = append(inputs, src)
	}
	first := make([][]byte, len(inputs))
	for i, src := range inputs {
		first[i] = render(Parse("a.py", src, lookupFixtureEnv))
	}
	for i := len(inputs) - 1; i >= 0; i-- {
		if got := render(Parse("a.py", inputs[i], lookupFixtureEnv)); !bytes.Equal(got, first[i]) {
			t.Errorf("input %d reads differently after others:\n%s\nthen\n%s", i, first[i], got)
		}
	}
}

// unquoteCorpus is the script of a go-fuzz corpus file holding one
// []byte("...") value.
func unquoteCorpus(file []byte) ([]byte, error) {
	line := bytes.TrimSpace(bytes.SplitN(file, []byte("\n"), 2)[1])
	line = bytes.TrimSuffix(bytes.TrimPrefix(line, []byte("[]byte(")), []byte(")"))
	s, err := strconv.Unquote(string(line))
	return []byte(s), err
}
