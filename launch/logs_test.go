package launch

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// TestRealLogsFollowAcrossARestart follows a service's output with Logs
// while the supervisor replaces its killed container: the new container's
// lines follow the old one's, behind the same prefix.
func TestRealLogsFollowAcrossARestart(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	b := upInBackground(t, sp, Options{})
	first, _ := serving(t, svc.Ready.URL, 60*time.Second)

	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Logs(ctx, sp, Options{Stdout: out, Stderr: out, Color: ColorNever}, LogsOptions{Follow: true, Tail: -1})
	}()
	listening := func() int { return strings.Count(out.String(), "blog | echoserver: listening on :80\n") }
	b.until(t, "the first container's output", 30*time.Second, func() bool { return listening() == 1 })

	if out, err := exec.Command("docker", "kill", svc.ContainerName).CombinedOutput(); err != nil {
		t.Fatalf("docker kill: %v: %s", err, out)
	}
	b.until(t, "a new container serving", 30*time.Second, func() bool {
		a, err := get(svc.Ready.URL)
		return err == nil && a.Hostname != first.Hostname
	})
	b.until(t, "the new container's output in the same stream", 30*time.Second, func() bool { return listening() == 2 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Logs did not return when its context ended")
	}

	// Without -f: the last line only, and an unknown service is an error.
	last := &syncBuffer{}
	if err := Logs(context.Background(), sp, Options{Stdout: last, Stderr: last, Color: ColorNever}, LogsOptions{Tail: 1}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(last.String()); strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, "blog | ") {
		t.Errorf("logs --tail 1:\n%s", got)
	}
	if err := Logs(context.Background(), sp, Options{Stdout: last, Stderr: last}, LogsOptions{Services: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `no service "nope"`) {
		t.Errorf("an unknown service: %v", err)
	}
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}
}
