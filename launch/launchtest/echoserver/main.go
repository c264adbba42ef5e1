// Command echoserver is the program inside the launcher's test image: a
// small HTTP server that answers every request with the request's headers
// as JSON, so tests can see what a front end such as Apache added
// (X-Forwarded-Port), and that misbehaves on demand through environment
// variables, so tests can produce crash loops and slow stops.
//
//	PORT          port to listen on (default 80)
//	EXIT_CODE     exit at once with this code, before listening
//	EXIT_AFTER    serve, then exit with EXIT_AFTER_CODE (default 1) after this duration
//	START_DELAY   wait this long before listening
//	IGNORE        signals to ignore, comma separated (SIGINT,SIGTERM)
//	STOP_DELAY    on SIGINT or SIGTERM, wait this long before exiting
//
// It prints one line to stdout and one to stderr when it starts, and one
// line when it ends, so log multiplexing can be checked.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Answer is the JSON body of every response.
type Answer struct {
	Hostname string              `json:"hostname"`
	PID      int                 `json:"pid"`
	Started  time.Time           `json:"started"`
	Method   string              `json:"method"`
	Path     string              `json:"path"`
	Host     string              `json:"host"`
	Header   map[string][]string `json:"header"`
}

func main() {
	started := time.Now()
	if s := os.Getenv("EXIT_CODE"); s != "" {
		code, err := strconv.Atoi(s)
		if err != nil {
			fail("EXIT_CODE: %v", err)
		}
		fmt.Printf("echoserver: exiting with code %d as EXIT_CODE says\n", code)
		os.Exit(code)
	}
	if d := duration("START_DELAY"); d > 0 {
		time.Sleep(d)
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	for _, name := range strings.Split(os.Getenv("IGNORE"), ",") {
		switch strings.TrimSpace(name) {
		case "SIGINT":
			signal.Ignore(syscall.SIGINT)
		case "SIGTERM":
			signal.Ignore(syscall.SIGTERM)
		}
	}

	port := os.Getenv("PORT")
	if port == "" {
		port = "80"
	}
	host, _ := os.Hostname()
	srv := &http.Server{
		Addr: ":" + port,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(Answer{
				Hostname: host, PID: os.Getpid(), Started: started,
				Method: r.Method, Path: r.URL.Path, Host: r.Host, Header: r.Header,
			})
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	errs := make(chan error, 1)
	go func() { errs <- srv.ListenAndServe() }()
	fmt.Printf("echoserver: listening on :%s\n", port)
	fmt.Fprintf(os.Stderr, "echoserver: pid %d\n", os.Getpid())

	var exitAfter <-chan time.Time
	if d := duration("EXIT_AFTER"); d > 0 {
		exitAfter = time.After(d)
	}
	select {
	case err := <-errs:
		fail("serving: %v", err)
	case <-exitAfter:
		code := 1
		if s := os.Getenv("EXIT_AFTER_CODE"); s != "" {
			code, _ = strconv.Atoi(s)
		}
		fmt.Printf("echoserver: exiting with code %d as EXIT_AFTER says\n", code)
		os.Exit(code)
	case sig := <-sigs:
		fmt.Printf("echoserver: got %v, stopping\n", sig)
		if d := duration("STOP_DELAY"); d > 0 {
			time.Sleep(d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		fmt.Println("echoserver: stopped")
	}
}

func duration(name string) time.Duration {
	s := os.Getenv(name)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		fail("%s: %v", name, err)
	}
	return d
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "echoserver: "+format+"\n", args...)
	os.Exit(2)
}
