package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
)

// benchFloor measures the engine alone, without wsgidock: the start of a
// created container (`docker create` done beforehand, the start one
// Engine API request), on an idle engine and right after the engine has
// killed another container, started at different moments after that
// container's die event and publishing the same host port as the killed
// one or another. It tells what of a restart's time is the engine's: a
// supervisor can only choose when to ask for the start.
func benchFloor(image string, ports []int, runs int) error {
	type variant struct {
		what string
		// when the start is asked, after the die event; release means on
		// the killed container's network disconnect event.
		after   time.Duration
		release bool
		// other publishes another host port than the killed container.
		other bool
		// idle starts with nothing killed at all.
		idle bool
	}
	variants := []variant{
		{what: "idle engine, port free for long", idle: true},
		{what: "die + 100 ms, same host port", after: 100 * time.Millisecond},
		{what: "die + 100 ms, another host port", after: 100 * time.Millisecond, other: true},
		{what: "at the die event, same host port"},
		{what: "at the die event, another host port", other: true},
		{what: "at the network release, same host port", release: true},
	}
	type result struct {
		asked, returned, served []time.Duration
		call                    []time.Duration
		released                []time.Duration
		refused                 int
		refusal                 string
	}
	res := make([]result, len(variants))
	pid := os.Getpid()
	for i := 0; i < runs; i++ {
		for vi, v := range variants {
			name := func(s string) string { return fmt.Sprintf("wsgidock-bench-floor-%d-%d-%d-%s", pid, i, vi, s) }
			killedPort, startPort := ports[0], ports[0]
			if v.other || v.idle {
				startPort = ports[1]
			}
			var killed string
			if !v.idle {
				if out, err := exec.Command("docker", "run", "-d", "--name", name("a"), "-p", fmt.Sprintf("127.0.0.1:%d:80", killedPort), image).CombinedOutput(); err != nil {
					return fmt.Errorf("docker run: %v\n%s", err, out)
				}
				killed = name("a")
				if err := waitAll([]string{fmt.Sprintf("http://127.0.0.1:%d/", killedPort)}, time.Minute); err != nil {
					return err
				}
			}
			out, err := exec.Command("docker", "create", "--name", name("b"), "-p", fmt.Sprintf("127.0.0.1:%d:80", startPort), image).CombinedOutput()
			if err != nil {
				return fmt.Errorf("docker create: %v\n%s", err, out)
			}
			next := strings.TrimSpace(string(out))
			// Let the machine settle after the docker programs.
			time.Sleep(time.Second)
			u := fmt.Sprintf("http://127.0.0.1:%d/", startPort)
			var t0 time.Time
			var released <-chan time.Time
			if v.idle {
				t0 = time.Now()
			} else {
				dies, err := containerEvents(killed, "die")
				if err != nil {
					return err
				}
				if released, err = networkReleased(killed); err != nil {
					return err
				}
				// The engine answers the kill only once it has cleaned up
				// after the container; the die event comes before that.
				killErr := make(chan error, 1)
				go func() { killErr <- engineKill(killed) }()
				select {
				case e := <-dies:
					t0 = e.at
				case err := <-killErr:
					return fmt.Errorf("no die event for %s: %v", killed, err)
				case <-time.After(10 * time.Second):
					return fmt.Errorf("no die event for %s", killed)
				}
				defer func() { <-killErr }()
			}
			var relAt time.Time
			if v.release {
				select {
				case relAt = <-released:
				case <-time.After(10 * time.Second):
					return fmt.Errorf("no network release for %s", killed)
				}
			} else {
				time.Sleep(time.Until(t0.Add(v.after)))
			}
			r := &res[vi]
			answered := firstAnswer(u, 30*time.Second)
			asked := time.Now()
			msg, err := engineStart(next)
			returned := time.Now()
			if err != nil {
				return err
			}
			if msg != "" {
				r.refused++
				r.refusal = msg
			} else {
				at, ok := <-answered
				if !ok {
					return fmt.Errorf("%s did not answer", u)
				}
				r.asked, r.returned, r.served = append(r.asked, asked.Sub(t0)), append(r.returned, returned.Sub(t0)), append(r.served, at.Sub(t0))
				r.call = append(r.call, returned.Sub(asked))
			}
			if !v.idle {
				if relAt.IsZero() {
					select {
					case relAt = <-released:
					case <-time.After(5 * time.Second):
					}
				}
				if !relAt.IsZero() {
					r.released = append(r.released, relAt.Sub(t0))
				}
			}
			exec.Command("docker", "rm", "-f", name("a"), name("b")).Run()
		}
	}
	fmt.Printf("\n### The engine's start of a created container (no wsgidock)\n\n")
	fmt.Println("| start asked | asked | start call | call returned | serves | killed run's network released | refused |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for vi, v := range variants {
		r := res[vi]
		cell := func(ds []time.Duration) string {
			if len(ds) == 0 {
				return "–"
			}
			return msf(median(ds))
		}
		refused := fmt.Sprint(r.refused)
		if r.refused > 0 {
			refused += " (" + r.refusal + ")"
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", v.what, cell(r.asked), cell(r.call), cell(r.returned), cell(r.served), cell(r.released), refused)
	}
	fmt.Printf("\nms since the killed container's die event (the idle start: since the start was asked); medians of %d.\n", runs)
	return nil
}

// engineStart starts a created container with one API request; the
// engine's refusal is returned as its message.
func engineStart(id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://engine/v1.41/containers/"+url.PathEscape(id)+"/start", nil)
	resp, err := engine.Do(req)
	if err != nil {
		return "", fmt.Errorf("start %s: %v", id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		return "", nil
	}
	var m struct {
		Message string `json:"message"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m.Message, nil
}
