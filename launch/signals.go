package launch

import (
	"os"
	"os/signal"
	"syscall"
)

// sigAction is what a foreground Up does with a signal it receives.
type sigAction int

const (
	// sigStop stops every service by its schedule; the same signal or
	// another stopping one again kills them at once.
	sigStop sigAction = iota
	// sigReload reloads the configuration (SIGHUP).
	sigReload
	// sigIgnore is noted and otherwise ignored: the services go on,
	// supervised.
	sigIgnore
	// sigSilent is ignored without a word: SIGPIPE, which a write to a
	// closed pipe raises, where saying so would raise it again.
	sigSilent
)

// Signals is the table of signals a foreground `wsgidock up` handles, as
// the README documents it. No signal but SIGKILL (and SIGSTOP, which
// only pauses) ends wsgidock without its containers being stopped and
// removed first; after SIGKILL the next `up` adopts or replaces them.
var Signals = []SignalUse{
	{syscall.SIGHUP, sigReload, "reload: read the configuration and every launcher again and apply the difference (`wsgidock reload` sends it); a closed terminal or a dropped ssh session sends it too, and the services go on, supervised"},
	{syscall.SIGINT, sigStop, "stop every service by its schedule; a second stopping signal kills at once"},
	{syscall.SIGTERM, sigStop, "the same as SIGINT (what `wsgidock down` sends)"},
	{syscall.SIGQUIT, sigStop, "the same as SIGINT: no goroutine dump, no container left behind"},
	{syscall.SIGABRT, sigStop, "the same as SIGINT"},
	{syscall.SIGXCPU, sigStop, "the same as SIGINT (a CPU-time limit reached)"},
	{syscall.SIGXFSZ, sigStop, "the same as SIGINT (a file-size limit reached)"},
	{syscall.SIGUSR1, sigIgnore, "ignored, with a message"},
	{syscall.SIGUSR2, sigIgnore, "ignored, with a message"},
	{syscall.SIGALRM, sigIgnore, "ignored, with a message"},
	{syscall.SIGVTALRM, sigIgnore, "ignored, with a message"},
	{syscall.SIGTSTP, sigIgnore, "ignored, with a message: Ctrl-Z does not suspend the supervisor (it would leave crashed services down)"},
	{syscall.SIGPIPE, sigSilent, "ignored: output to a closed pipe is dropped, the services go on"},
	{syscall.SIGTTIN, sigSilent, "ignored (wsgidock never reads the terminal)"},
	{syscall.SIGTTOU, sigSilent, "ignored: a background `up` writes to its terminal instead of being suspended"},
}

// SignalUse is one row of Signals.
type SignalUse struct {
	Signal syscall.Signal
	action sigAction
	// Effect says what the signal does, for the README.
	Effect string
}

// actionOf is what Up does with sig; a signal not in the table (one
// passed through Options.Signals) stops.
func actionOf(sig os.Signal) sigAction {
	for _, u := range Signals {
		if u.Signal == sig {
			return u.action
		}
	}
	return sigStop
}

// notifySignals routes every signal of the table to ch and returns the
// function that restores the defaults. SIGTTIN and SIGTTOU are ignored
// rather than caught: the kernel restarts a terminal write that a caught
// SIGTTOU interrupted, and raises it again, forever; ignored, the write
// goes through. The other signals are caught, so that the programs
// wsgidock starts get their default dispositions back.
func notifySignals(ch chan<- os.Signal) (release func()) {
	var caught []os.Signal
	for _, u := range Signals {
		if u.Signal == syscall.SIGTTIN || u.Signal == syscall.SIGTTOU {
			continue
		}
		caught = append(caught, u.Signal)
	}
	signal.Ignore(syscall.SIGTTIN, syscall.SIGTTOU)
	signal.Notify(ch, caught...)
	return func() {
		signal.Stop(ch)
		signal.Reset(syscall.SIGTTIN, syscall.SIGTTOU)
	}
}

// signalLabel names sig as the schedules do ("SIGTERM").
func signalLabel(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok {
		return SignalName(s)
	}
	return sig.String()
}
