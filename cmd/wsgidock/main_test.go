package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"wsgidock": func() {
			os.Exit(run(os.Args[1:], streams{stdout: os.Stdout, stderr: os.Stderr}))
		},
	})
}

// TestScripts runs the CLI scenarios in testdata/script: each .txtar holds
// the commands, their expected output and exit status. $FIXTURES is the
// repository's fixtures directory.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			return nil
		},
		UpdateScripts: os.Getenv("WSGIDOCK_UPDATE_SCRIPTS") == "1",
	})
}
