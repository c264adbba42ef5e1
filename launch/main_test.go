package launch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/launch/launchtest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// envHelper makes the test binary act as a helper program instead of
// running tests: a process service, or a wsgidock running Up.
const envHelper = "WSGIDOCK_LAUNCH_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(envHelper); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(launchtest.Main(m))
}

// helper runs one helper mode and returns its exit code.
func helper(mode string) int {
	switch mode {
	case "crash":
		fmt.Println("helper crashing")
		return 3
	case "group":
		// Ignore SIGINT, start a grandchild in the same process group that
		// ignores it too, say its PID, and wait: only SIGKILL to the
		// group ends both.
		signal.Ignore(syscall.SIGINT)
		self, _ := os.Executable()
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), envHelper+"=sleep")
		if err := cmd.Start(); err != nil {
			fmt.Println("cannot start grandchild:", err)
			return 1
		}
		fmt.Println("grandchild", cmd.Process.Pid)
		time.Sleep(time.Minute)
		return 0
	case "sleep":
		signal.Ignore(syscall.SIGINT)
		time.Sleep(time.Minute)
		return 0
	case "up":
		return helperUp()
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

// Environment of the "up" helper: the spec as JSON, and options.
const (
	envSpec     = "WSGIDOCK_LAUNCH_TEST_SPEC"
	envLockDir  = "WSGIDOCK_LAUNCH_TEST_LOCKDIR"
	envSchedule = "WSGIDOCK_LAUNCH_TEST_SCHEDULE"
)

// helperUp is a wsgidock process running Up in the foreground, as the CLI
// will: its own signal handling, output to its standard streams.
func helperUp() int {
	data, err := os.ReadFile(os.Getenv(envSpec))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var sp spec.Spec
	if err := json.Unmarshal(data, &sp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// A reload reads the spec file again.
	o := Options{LockDir: os.Getenv(envLockDir), Color: ColorNever, Reload: func() (*spec.Spec, error) {
		data, err := os.ReadFile(os.Getenv(envSpec))
		if err != nil {
			return nil, err
		}
		var sp spec.Spec
		return &sp, json.Unmarshal(data, &sp)
	}}
	if s := os.Getenv(envSchedule); s != "" {
		if o.StopSchedule, err = ParseSchedule(s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	if err := Up(context.Background(), &sp, o); err != nil {
		fmt.Fprintln(os.Stderr, "wsgidock:", err)
		return 1
	}
	return 0
}
