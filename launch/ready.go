package launch

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// A service is ready when its readiness URL (the backend the front end
// proxies to) answers an HTTP request with any response at all, even an
// error status: the server accepts and answers, which is what the proxy
// needs. A refused or reset connection, or a timeout, is not ready; the
// engine's port proxy accepts connections before the program listens, so
// an accepted connection alone proves nothing. TLS certificates are not
// checked: the probe carries no secret and asks nothing of the answer.

// Readiness timing: one attempt may take probeTimeout; attempts start
// probeFirst apart for probeFast (a refused connection on this machine
// costs next to nothing, and a coarser poll would add its interval to
// every start), then back off to probeMax. An attempt that has not
// ended when the next is due is left to go on beside it, up to
// probeInFlight at once: while the engine sets a container's port up, its
// port proxy accepts a connection it cannot pass on yet, and that one
// waits for the kernel's retransmission, about a second, where an attempt
// made a little later is answered at once.
const (
	probeTimeout  = 2 * time.Second
	probeFirst    = 20 * time.Millisecond
	probeFast     = 2 * time.Second
	probeMax      = time.Second
	probeDial     = 200 * time.Millisecond
	probeInFlight = 2
)

// probeFunc makes one readiness attempt.
type probeFunc func(ctx context.Context, url string) error

var probeClient = &http.Client{
	Timeout: probeTimeout,
	Transport: &http.Transport{
		Proxy:             nil, // the backend is reached directly, as Apache reaches it
		DisableKeepAlives: true,
		// While the engine sets a container's port up, a SYN can be
		// dropped; the kernel would send it again only a second later.
		// A new attempt comes sooner.
		DialContext:     (&net.Dialer{Timeout: probeDial}).DialContext,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // see the comment above
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// probeHTTP is the real probe: GET url, any response is ready.
func probeHTTP(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "wsgidock-readiness")
	resp, err := probeClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// waitReady probes url until it answers, stop is closed or ctx ends. It
// reports whether the URL answered. Attempts that outlast the interval
// go on beside the next ones (up to probeInFlight), and the first answer
// counts.
func waitReady(ctx context.Context, clock Clock, probe probeFunc, url string, stop <-chan struct{}) bool {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answered := make(chan struct{}, 1)
	slots := make(chan struct{}, probeInFlight)
	attempt := func() {
		go func() {
			defer func() { <-slots }()
			if probe(ctx, url) == nil {
				select {
				case answered <- struct{}{}:
				default:
				}
			}
		}()
	}
	interval := probeFirst
	began := clock.Now()
	for {
		select {
		case slots <- struct{}{}:
		case <-answered:
			return true
		case <-stop:
			return false
		case <-ctx.Done():
			return false
		}
		attempt()
		t := clock.NewTimer(interval)
		select {
		case <-t.C():
		case <-answered:
			t.Stop()
			return true
		case <-stop:
			t.Stop()
			return false
		case <-ctx.Done():
			t.Stop()
			return false
		}
		if clock.Now().Sub(began) < probeFast {
			continue
		}
		if interval *= 2; interval > probeMax {
			interval = probeMax
		}
	}
}

// readyText describes how a service became ready, for messages.
func readyText(url string, after time.Duration) string {
	if url == "" {
		return "running (no readiness URL to ask)"
	}
	return fmt.Sprintf("ready after %s (%s answers)", round(after), url)
}

// round shortens a duration for messages.
func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}
