package launch

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// spares returns the IDs of the containers made ahead of their run for
// service (named SERVICE-next-...), with their service-hash labels.
func (e *fakeEngine) spares(service string) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	for _, fc := range e.byID {
		if strings.HasPrefix(fc.Name, service+"-next-") {
			out[fc.ID] = fc.Labels[LabelServiceHash]
		}
	}
	return out
}

// TestTheSpareGoesWithUp: whatever stops a foreground up, the container
// made for the next run goes with the running one: a created container
// left behind would be one without its owner. Each stopping signal, once
// before any restart and once after a restart has used the first spare
// and the next one has been made; a second signal (kill at once) too;
// and during a back-off, when the spare has been handed to the restart
// but not started yet.
func TestTheSpareGoesWithUp(t *testing.T) {
	for _, c := range []struct {
		name     string
		sigs     []os.Signal
		restarts int
		// inBackoff signals once the run has ended, before the back-off
		// runs out.
		inBackoff bool
	}{
		{"SIGINT", []os.Signal{syscall.SIGINT}, 0, false},
		{"SIGTERM", []os.Signal{syscall.SIGTERM}, 0, false},
		{"SIGTERM after a restart", []os.Signal{syscall.SIGTERM}, 1, false},
		{"SIGINT twice after two restarts", []os.Signal{syscall.SIGINT, syscall.SIGINT}, 2, false},
		{"SIGTERM during the back-off", []os.Signal{syscall.SIGTERM}, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			e := &preparingEngine{fakeEngine: f.engine}
			f.opts.Driver = e
			f.up(testSpec(service("blog")))
			f.until("the spare", func() bool { return len(f.engine.spares("blog")) == 1 })
			for i := 0; i < c.restarts; i++ {
				used := f.engine.spares("blog")
				f.engine.exit(t, "blog", 1)
				// The restart starts the spare, names it, and makes the
				// next one once the new run is ready.
				f.drive("the next spare", func() bool {
					now := f.engine.spares("blog")
					for id := range used {
						if _, ok := now[id]; ok {
							return false
						}
					}
					return len(now) == 1 && len(f.engine.running()) == 1
				})
			}
			if c.inBackoff {
				f.engine.exit(t, "blog", 1)
				f.clock.waitTimers(t, 1)
			}
			for _, s := range c.sigs {
				f.sigs <- s
			}
			if err := f.result(); err != nil {
				t.Fatalf("Up: %v\nstderr:\n%s", err, f.stderr.String())
			}
			if n := f.engine.count(); n != 0 {
				t.Errorf("%d containers left (spares %v)\nevents:\n%s", n, f.engine.spares("blog"), strings.Join(f.engine.log(), "\n"))
			}
			if got, want := len(f.engine.matching("rm blog-next-")), 1; got != want {
				t.Errorf("%d spares removed, want %d:\n%s", got, want, strings.Join(f.engine.log(), "\n"))
			}
		})
	}
}

// TestAReloadDiscardsAStaleSpare: a reload that changes a service drops
// the container made for its next run from the old configuration, and the
// new run's spare is made from the new one; an unchanged service keeps
// its spare. A rejected reload touches no spare.
func TestAReloadDiscardsAStaleSpare(t *testing.T) {
	f := newFixture(t)
	e := &preparingEngine{fakeEngine: f.engine}
	f.opts.Driver = e
	old := testSpec(service("kept"), service("changed"))
	changed2 := service("changed")
	changed2.Env = []spec.EnvVar{{Name: "A", Value: "1", HasValue: true}}
	cur := testSpec(service("kept"), changed2)
	cur.ConfigHash = "beef"
	broken := true
	f.opts.Reload = func() (*spec.Spec, error) {
		if broken {
			broken = false
			return nil, errString("httpd.conf:3:1: syntax error")
		}
		return cur, nil
	}
	f.up(old)
	f.until("both spares", func() bool {
		return len(f.engine.spares("kept")) == 1 && len(f.engine.spares("changed")) == 1
	})
	keptSpare, staleSpare := f.engine.spares("kept"), f.engine.spares("changed")

	f.sigs <- syscall.SIGHUP
	f.until("the rejection", func() bool { return strings.Contains(f.stderr.String(), "reload rejected") })
	if got := f.engine.spares("changed"); !sameKeys(got, staleSpare) {
		t.Errorf("a rejected reload changed the spare: %v, was %v", got, staleSpare)
	}

	f.sigs <- syscall.SIGHUP
	f.until("the reload", func() bool { return strings.Contains(f.stderr.String(), "wsgidock: reload done") })
	want := cur.ServiceHash(changed2)
	f.until("the new spare", func() bool {
		got := f.engine.spares("changed")
		if len(got) != 1 {
			return false
		}
		for _, h := range got {
			return h == want
		}
		return false
	})
	for id := range staleSpare {
		if _, ok := f.engine.spares("changed")[id]; ok {
			t.Errorf("the spare made from the old configuration is still there")
		}
	}
	if got := f.engine.spares("kept"); !sameKeys(got, keptSpare) {
		t.Errorf("the kept service's spare is %v, was %v", got, keptSpare)
	}
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, f.stderr.String())
	}
	if n := f.engine.count(); n != 0 {
		t.Errorf("%d containers left:\n%s", n, strings.Join(f.engine.log(), "\n"))
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func sameKeys(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// TestNoSpareIsMadeForAStop: a stop that comes while a service is still
// starting (its run not ready, so its spare not made yet) makes none: the
// stop ends the run, which would otherwise let the spare's creation go
// ahead; nothing is left.
func TestNoSpareIsMadeForAStop(t *testing.T) {
	f := newFixture(t)
	e := &preparingEngine{fakeEngine: f.engine}
	f.opts.Driver = e
	f.opts.Timeout = time.Minute
	f.opts.probe = func(context.Context, string) error { return errors.New("connection refused") }
	f.up(testSpec(withReady(service("slow"), "http://127.0.0.1:8002/")))
	f.until("slow started", func() bool { return strings.Contains(f.stderr.String(), "slow: started") })
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatalf("Up: %v\nstderr:\n%s", err, f.stderr.String())
	}
	if got := f.engine.matching("-next-"); len(got) != 0 {
		t.Errorf("spares made for the stop: %q", got)
	}
	if n := f.engine.count(); n != 0 {
		t.Errorf("%d containers left:\n%s", n, strings.Join(f.engine.log(), "\n"))
	}
}
