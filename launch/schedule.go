package launch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// Schedule is how a service is stopped: signals sent one after another,
// each some time after the one before, as long as the service has not
// exited. It always ends with SIGKILL, so stopping always ends.
//
// Its text form (ParseSchedule, String) alternates signals and waits:
//
//	SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL
//
// is the default, from the seed blog post: SIGINT at once, again after 1 s
// and 2 s, SIGKILL at 3 s. Signals are names with or without "SIG", in any
// case, or numbers; waits are Go durations ("500ms", "1m30s").
type Schedule []Step

// Step is one signal of a Schedule.
type Step struct {
	// After is the wait since the previous step (zero for the first).
	After  time.Duration
	Signal syscall.Signal
}

// DefaultSchedule is the seed's: SIGINT, again after 1 s and 2 s, SIGKILL
// at 3 s.
func DefaultSchedule() Schedule {
	return Schedule{
		{Signal: syscall.SIGINT},
		{After: time.Second, Signal: syscall.SIGINT},
		{After: time.Second, Signal: syscall.SIGINT},
		{After: time.Second, Signal: syscall.SIGKILL},
	}
}

// ParseSchedule reads a schedule in its text form.
func ParseSchedule(text string) (Schedule, error) {
	parts := strings.Split(text, ",")
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("empty stop schedule: give signals and waits, e.g. SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL")
	}
	var s Schedule
	var wait time.Duration
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if i%2 == 1 {
			d, err := time.ParseDuration(p)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("stop schedule %q: item %d, %q, is not a positive duration such as 1s or 500ms: the items alternate signal, wait, signal", text, i+1, p)
			}
			wait = d
			continue
		}
		sig, err := ParseSignal(p)
		if err != nil {
			return nil, fmt.Errorf("stop schedule %q: item %d: %v", text, i+1, err)
		}
		s = append(s, Step{After: wait, Signal: sig})
	}
	if len(parts)%2 == 0 {
		return nil, fmt.Errorf("stop schedule %q ends with a wait: end it with SIGKILL", text)
	}
	if s[len(s)-1].Signal != syscall.SIGKILL {
		return nil, fmt.Errorf("stop schedule %q does not end with SIGKILL: add \",1s,SIGKILL\" so that stopping always ends", text)
	}
	return s, nil
}

// String renders the schedule in the form ParseSchedule reads.
func (s Schedule) String() string {
	var b strings.Builder
	for i, st := range s {
		if i > 0 {
			b.WriteString(",")
			b.WriteString(st.After.String())
			b.WriteString(",")
		}
		b.WriteString(SignalName(st.Signal))
	}
	return b.String()
}

// Total is the time from the first signal to the last.
func (s Schedule) Total() time.Duration {
	var t time.Duration
	for _, st := range s {
		t += st.After
	}
	return t
}

// ParseSignal reads a signal name ("SIGINT", "int") or number ("2").
func ParseSignal(name string) (syscall.Signal, error) {
	n := strings.ToUpper(strings.TrimSpace(name))
	if num, err := strconv.Atoi(n); err == nil {
		if num > 0 && unix.SignalName(syscall.Signal(num)) != "" {
			return syscall.Signal(num), nil
		}
		return 0, fmt.Errorf("%q is not a signal number on this system", name)
	}
	if !strings.HasPrefix(n, "SIG") {
		n = "SIG" + n
	}
	if sig := unix.SignalNum(n); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("%q is not a signal name (SIGINT, SIGTERM, SIGQUIT, SIGKILL...)", name)
}

// SignalName is the signal's name as the engines take it: "SIGINT".
func SignalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}

// scheduleFor picks the schedule that stops s. An explicit schedule wins
// (the user asked for it on the command line); otherwise the service's own
// stop settings (--stop-signal, --stop-timeout in its launcher, or
// shutdown-timeout) give their signal at once and SIGKILL at the timeout;
// otherwise the default.
func scheduleFor(s *spec.Service, explicit Schedule) (Schedule, error) {
	if len(explicit) > 0 {
		return explicit, nil
	}
	if s.Stop.Signal == "" && s.Stop.Timeout <= 0 {
		return DefaultSchedule(), nil
	}
	sig, err := ParseSignal(s.StopSignal())
	if err != nil {
		return nil, err
	}
	if sig == syscall.SIGKILL {
		return Schedule{{Signal: syscall.SIGKILL}}, nil
	}
	return Schedule{{Signal: sig}, {After: s.StopTimeout(), Signal: syscall.SIGKILL}}, nil
}
