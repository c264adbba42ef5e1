package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/wsgidock/wsgidock/translate/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.Init()
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
		Condition: func(cond string) (bool, error) {
			if cond != "sandbox" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			err := sandbox.Check(context.Background())
			if err != nil && os.Getenv("WSGIDOCK_REQUIRE_SANDBOX") == "1" {
				return false, fmt.Errorf("WSGIDOCK_REQUIRE_SANDBOX=1, but: %v", err)
			}
			if err != nil {
				t.Logf("[sandbox] is false, --evaluate-launchers steps skip: %v", err)
			}
			return err == nil, nil
		},
	})
}
