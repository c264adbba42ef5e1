package launch

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// preparingEngine is the fake engine with a preparer's steps (create,
// start, rename), as the Engine API gives them. With portHeld set, a
// start is refused as the engine refuses one while the network of a run
// that has just ended still holds the host port; renaming an ended
// container lets go of it, as the engine renames a container only once it
// has cleaned up after it.
type preparingEngine struct {
	*fakeEngine
	portHeld bool
	starts   int
	refused  int
}

func (e *preparingEngine) Create(ctx context.Context, args []string) (string, error) {
	id, err := e.Run(ctx, args)
	if err != nil {
		return id, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fc := e.byID[id]
	fc.Running, fc.State = false, "created"
	return id, nil
}

func (e *preparingEngine) Start(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if err != nil {
		return err
	}
	e.starts++
	e.record("start %s", fc.Name)
	if e.portHeld {
		e.refused++
		return &RunError{ExitCode: 125, Message: fmt.Sprintf("driver failed programming external connectivity on endpoint %s: Bind for 127.0.0.1:8002 failed: port is already allocated", fc.Name)}
	}
	fc.Running, fc.State, fc.StartedAt = true, "running", e.clock.Now()
	return nil
}

func (e *preparingEngine) Rename(_ context.Context, id, name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	fc, err := e.find(id)
	if err != nil {
		return err
	}
	e.record("rename %s %s", fc.Name, name)
	if !fc.Running && fc.State == "exited" {
		e.portHeld = false
	}
	fc.Name = name
	return nil
}

// TestARestartRefusedForItsPortIsAskedAgain: the engine reports a
// container's exit before it has released its network; a restart whose
// start comes in between is refused for the host port, and is asked again
// once the ended run is out of the way, not taken for a configuration
// error.
func TestARestartRefusedForItsPortIsAskedAgain(t *testing.T) {
	f := newFixture(t)
	e := &preparingEngine{fakeEngine: f.engine}
	f.opts.Driver = e
	f.up(testSpec(service("blog")))
	// The first run, then its spare, made once it is ready.
	f.until("the spare", func() bool { return len(f.engine.matching("run blog-next-")) == 1 })
	f.engine.mu.Lock()
	e.portHeld = true
	f.engine.mu.Unlock()
	f.engine.exit(t, "blog", 137)
	f.drive("the restart", func() bool {
		f.engine.mu.Lock()
		defer f.engine.mu.Unlock()
		for _, fc := range f.engine.byID {
			if fc.Name == "blog" && fc.Running {
				return true
			}
		}
		return false
	})
	f.engine.mu.Lock()
	starts, refused := e.starts, e.refused
	f.engine.mu.Unlock()
	if starts != 2 || refused != 1 {
		t.Errorf("%d starts, %d refused; want the refused one asked again once", starts, refused)
	}
	f.sigs <- syscall.SIGINT
	if err := f.result(); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, f.stderr.String())
	}
	if stderr := f.stderr.String(); strings.Contains(stderr, "failed") {
		t.Errorf("the restart was reported failed:\n%s", stderr)
	}
}
