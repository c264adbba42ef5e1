// Command wsgidock-bench measures wsgidock against the programs it replaces,
// whole process against whole process, and prints Markdown tables for
// BENCHMARKS.md:
//
//   - linting: `wsgidock lint` against `apache2 -t` on the same
//     configurations, with their launchers absent and present;
//   - reading: `wsgidock parse` against `apache2 -t` on configurations of
//     the seed's shape with 1,000 and 10,000 virtual hosts;
//   - migrating: `wsgidock migrate --format F` for every format, and
//     `migrate -o DIR`, on the same configurations, each virtual host a
//     daemon group with its own launcher, against `apache2 -t` on the same
//     file;
//   - starting: `wsgidock up --detach --wait` against `docker-compose up
//     -d` plus a readiness poll, for 10 services;
//   - recovering: from `docker kill` to serving again, under wsgidock's
//     supervisor, the engine's own restart policy, and Apache with mod_wsgi
//     running the seed's pattern.
//
// It is run by `make bench`; the launch part needs a Docker engine, and
// the Apache part root (mod_wsgi runs the launcher as www-data with the
// docker group).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

func main() {
	wsgidock := flag.String("wsgidock", "bin/wsgidock", "the wsgidock binary to measure")
	apache := flag.String("apache2", "apache2", "the httpd binary to compare with")
	runs := flag.Int("runs", 5, "runs of each command; the median is reported")
	parse := flag.Bool("parse", true, "measure reading")
	lint := flag.Bool("lint", true, "measure lint")
	migrate := flag.Bool("migrate", true, "measure migrate in every format")
	launch := flag.Bool("launch", true, "measure starting and recovering containers")
	start := flag.Bool("start", true, "measure starting 10 services (with -launch)")
	compare := flag.Bool("compare-recovery", true, "measure recovery under the engine's restart policy and Apache too")
	floor := flag.Bool("floor", false, "measure only the engine's start of a created container, idle and right after a kill (with -launch)")
	recovery := flag.Bool("recovery", true, "measure recovery from a kill (with -launch)")
	before := flag.String("before", "", "another wsgidock binary to measure beside -wsgidock, interleaved (with -launch and -migrate)")
	flag.Parse()
	fmt.Printf("Machine: %s, %d CPUs, %s/%s; %s\n\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	if *parse {
		if err := run(*wsgidock, *apache, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "wsgidock-bench:", err)
			os.Exit(1)
		}
	}
	if *lint {
		if err := benchLint(*wsgidock, *apache, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "wsgidock-bench:", err)
			os.Exit(1)
		}
	}
	if *migrate {
		if err := benchMigrate(*wsgidock, *before, *apache, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "wsgidock-bench:", err)
			os.Exit(1)
		}
	}
	if *launch {
		if err := benchLaunch(launchOptions{wsgidock: *wsgidock, before: *before, apache: *apache, runs: *runs, start: *start, recovery: *recovery, compare: *compare, floor: *floor}); err != nil {
			fmt.Fprintln(os.Stderr, "wsgidock-bench:", err)
			os.Exit(1)
		}
	}
}

// benchLint times `wsgidock lint` against `apache2 -t` on 1,000 and
// 10,000 virtual hosts, interleaved: on the config parse measures (its
// launchers absent, so every daemon group gets a finding) and on the same
// config with every launcher present, which the planner then reads.
func benchLint(wsgidock, apache string, runs int) error {
	dir, err := os.MkdirTemp("", "wsgidock-bench-lint")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println()
	fmt.Println("| vhosts | launchers | apache2 -t | peak RSS | wsgidock lint | peak RSS | speed-up |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	var times []time.Duration
	for _, withLaunchers := range []bool{false, true} {
		for _, n := range []int{1000, 10000} {
			var conf string
			if withLaunchers {
				conf, err = httpdtest.WriteSeedTree(filepath.Join(dir, fmt.Sprint(n)), n)
			} else {
				conf = filepath.Join(dir, fmt.Sprintf("vhosts-%d.conf", n))
				_, err = writeConfig(conf, n)
			}
			if err != nil {
				return err
			}
			root := filepath.Dir(conf)
			res, err := measureInterleaved(runs, [][]string{
				{apache, "-t", "-d", root, "-f", conf},
				{wsgidock, "lint", "--format", "json", "-d", root, conf},
			})
			if err != nil {
				return err
			}
			theirs, ours := res[0], res[1]
			if !withLaunchers {
				times = append(times, ours.time)
			}
			which := "absent"
			if withLaunchers {
				which = "present"
			}
			fmt.Printf("| %d | %s | %s | %d MB | %s | %d MB | %.1f× |\n", n, which, ms(theirs.time), theirs.peak>>10,
				ms(ours.time), ours.peak>>10, float64(theirs.time)/float64(ours.time))
		}
	}
	fmt.Printf("\nwsgidock lint, 10,000 vhosts against 1,000 (launchers absent): %.1f× the time for 10× the input.\n",
		float64(times[1])/float64(times[0]))
	return nil
}

func run(wsgidock, apache string, runs int) error {
	dir, err := os.MkdirTemp("", "wsgidock-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("| vhosts | size | wsgidock parse | peak RSS | apache2 -t | peak RSS | speed-up |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
	var parseTimes []time.Duration
	for _, n := range []int{1000, 10000} {
		conf := filepath.Join(dir, fmt.Sprintf("vhosts-%d.conf", n))
		size, err := writeConfig(conf, n)
		if err != nil {
			return err
		}
		res, err := measureInterleaved(runs, [][]string{
			{wsgidock, "parse", "-d", dir, conf},
			{apache, "-t", "-d", dir, "-f", conf},
		})
		if err != nil {
			return err
		}
		ours, oursRSS, theirs, theirsRSS := res[0].time, res[0].peak, res[1].time, res[1].peak
		parseTimes = append(parseTimes, ours)
		fmt.Printf("| %d | %.1f MB | %s | %d MB | %s | %d MB | %.1f× |\n", n, float64(size)/1e6,
			ms(ours), oursRSS>>10, ms(theirs), theirsRSS>>10, float64(theirs)/float64(ours))
	}
	fmt.Printf("\nwsgidock parse, 10,000 vhosts against 1,000: %.1f× the time for 10× the input.\n",
		float64(parseTimes[1])/float64(parseTimes[0]))
	return nil
}

// benchMigrate times migrate in every format on 1,000 and 10,000 virtual
// hosts, each with its own launcher, beside apache2 -t on the same file,
// and the growth from 1,000 to 10,000. With before, that binary is timed
// too, interleaved with wsgidock, on a row of its own.
func benchMigrate(wsgidock, before, apache string, runs int) error {
	dir, err := os.MkdirTemp("", "wsgidock-bench-migrate")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	formats := []string{"sh", "json", "compose", "kube", "-o DIR"}
	fmt.Println()
	fmt.Println("| vhosts | apache2 -t | " + strings.Join(formats, " | ") + " |")
	fmt.Println("|---:|---:|" + strings.Repeat("---:|", len(formats)))
	times := map[string][]time.Duration{}
	for _, n := range []int{1000, 10000} {
		conf, err := httpdtest.WriteSeedTree(filepath.Join(dir, fmt.Sprint(n)), n)
		if err != nil {
			return err
		}
		bins := []string{wsgidock}
		if before != "" {
			bins = append(bins, before)
		}
		cmds := [][]string{{apache, "-t", "-d", filepath.Dir(conf), "-f", conf}}
		for _, bin := range bins {
			for _, f := range formats {
				if f == "-o DIR" {
					cmds = append(cmds, []string{bin, "migrate", "-o", filepath.Join(dir, "out"), "--force", conf})
					continue
				}
				cmds = append(cmds, []string{bin, "migrate", "--format", f, conf})
			}
		}
		res, err := measureInterleaved(runs, cmds)
		if err != nil {
			return err
		}
		theirs := res[0].time
		for b, bin := range bins {
			row := fmt.Sprintf("| %d | %s (%d MB) |", n, ms(theirs), res[0].peak>>10)
			if before != "" {
				row = fmt.Sprintf("| %d, %s | %s (%d MB) |", n, bin, ms(theirs), res[0].peak>>10)
			}
			for i, f := range formats {
				r := res[1+b*len(formats)+i]
				if b == 0 {
					times[f] = append(times[f], r.time)
				}
				row += fmt.Sprintf(" %s, %d MB, %.2f× apache2 -t |", ms(r.time), r.peak>>10, float64(r.time)/float64(theirs))
			}
			fmt.Println(row)
		}
	}
	fmt.Println()
	for _, f := range formats {
		what := "--format " + f
		if f == "-o DIR" {
			what = f + " (every format, MIGRATION.md, the rewritten front end)"
		}
		fmt.Printf("migrate %s, 10,000 vhosts against 1,000: %.1f×\n", what, float64(times[f][1])/float64(times[f][0]))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// measure runs a command several times, output discarded, and returns the
// median wall time and the largest peak resident set, in KiB.
func measure(runs int, name string, args ...string) (time.Duration, int64, error) {
	var times []time.Duration
	var peak int64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(name, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		times = append(times, time.Since(start))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], peak, nil
}

// result is a command's median wall time and largest peak resident set,
// in KiB.
type result struct {
	time time.Duration
	peak int64
}

// measureInterleaved runs every command once per round, runs rounds, so
// that a machine whose load changes slows all of them alike; it returns
// each command's median and peak.
func measureInterleaved(runs int, cmds [][]string) ([]result, error) {
	times := make([][]time.Duration, len(cmds))
	out := make([]result, len(cmds))
	for range runs {
		for i, c := range cmds {
			t, peak, err := measure(1, c[0], c[1:]...)
			if err != nil {
				return nil, err
			}
			times[i] = append(times[i], t)
			out[i].peak = max(out[i].peak, peak)
		}
	}
	for i, ts := range times {
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		out[i].time = ts[len(ts)/2]
	}
	return out, nil
}

// writeConfig writes a front-end config of n virtual hosts in the shape
// of the seed.
func writeConfig(path string, n int) (int64, error) {
	conf := httpdtest.SeedVhosts(n)
	return int64(len(conf)), os.WriteFile(path, []byte(conf), 0o644)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
