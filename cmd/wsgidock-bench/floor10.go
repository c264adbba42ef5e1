package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// engineTen times the engine alone starting the services' containers,
// without wsgidock: each made with `docker create` (the argv of the
// launchers' `docker run`, detached, with the restart policy `up
// --detach` gives) and started with one Engine API request, until every
// URL answers (polled as compose's are). With created, the containers
// are made beforehand and only their starts, all asked at once, are
// timed: the floor of any start of these containers on this engine.
// Otherwise the `docker create` programs run at once and each container
// is started as soon as it exists: what `up --detach --wait` asks of the
// engine, without wsgidock's own steps.
func engineTen(image string, ports []int, urls []string, created bool, run int) (time.Duration, error) {
	ids := make([]string, len(ports))
	errs := make([]error, len(ports))
	create := func(i int) {
		name := fmt.Sprintf("wsgidock-bench-ten-%d-%d-%d", os.Getpid(), run, i)
		out, err := exec.Command("docker", "create", "--name", name, "--restart", "unless-stopped",
			"-p", fmt.Sprintf("127.0.0.1:%d:80", ports[i]), image).CombinedOutput()
		if err != nil {
			errs[i] = fmt.Errorf("docker create: %v\n%s", err, out)
			return
		}
		ids[i] = strings.TrimSpace(string(out))
	}
	start := func(i int) {
		if msg, err := engineStart(ids[i]); err != nil || msg != "" {
			errs[i] = fmt.Errorf("start %s: %v %s", ids[i], err, msg)
		}
	}
	defer func() {
		var made []string
		for _, id := range ids {
			if id != "" {
				made = append(made, id)
			}
		}
		if len(made) > 0 {
			exec.Command("docker", append([]string{"rm", "--force"}, made...)...).Run()
		}
	}()
	if created {
		for i := range ports {
			if create(i); errs[i] != nil {
				return 0, errs[i]
			}
		}
		// Let the machine settle after the docker programs.
		time.Sleep(time.Second)
	}
	began := time.Now()
	var wg sync.WaitGroup
	for i := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !created {
				if create(i); errs[i] != nil {
					return
				}
			}
			start(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if err := waitAll(urls, time.Minute); err != nil {
		return 0, err
	}
	return time.Since(began), nil
}
