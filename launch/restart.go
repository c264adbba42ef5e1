package launch

import "time"

// RestartPolicy says when a service that exited is started again. The zero
// value means Docker engine's numbers (moby's restartmanager): 100 ms,
// doubling up to one minute, back to 100 ms after a run of 10 s or more,
// never giving up.
type RestartPolicy struct {
	// Initial is the first delay.
	Initial time.Duration
	// Max caps the delay.
	Max time.Duration
	// Reset is how long a run must last for the next delay to start again
	// from Initial; a shorter run counts as a failure in a row.
	Reset time.Duration
	// MaxRestarts gives up on a service after this many failures in a
	// row; 0 never gives up.
	MaxRestarts int
}

// Docker engine's restart numbers.
const (
	DefaultRestartInitial = 100 * time.Millisecond
	DefaultRestartMax     = time.Minute
	DefaultRestartReset   = 10 * time.Second
)

// withDefaults fills the zero fields with Docker's numbers.
func (p RestartPolicy) withDefaults() RestartPolicy {
	if p.Initial <= 0 {
		p.Initial = DefaultRestartInitial
	}
	if p.Max <= 0 {
		p.Max = DefaultRestartMax
	}
	if p.Max < p.Initial {
		p.Max = p.Initial
	}
	if p.Reset <= 0 {
		p.Reset = DefaultRestartReset
	}
	return p
}

// backoff is one service's restart state.
type backoff struct {
	policy RestartPolicy
	delay  time.Duration
	// failures counts the runs in a row shorter than policy.Reset.
	failures int
}

func newBackoff(p RestartPolicy) *backoff { return &backoff{policy: p.withDefaults()} }

// next records a run that lasted ran and returns the delay before the
// next start: as the engine does, a long enough run resets the delay,
// otherwise it doubles, up to the cap.
func (b *backoff) next(ran time.Duration) time.Duration {
	if ran >= b.policy.Reset {
		b.delay = 0
		b.failures = 0
	}
	b.failures++
	if b.delay == 0 {
		b.delay = b.policy.Initial
	} else {
		b.delay *= 2
	}
	if b.delay > b.policy.Max {
		b.delay = b.policy.Max
	}
	return b.delay
}

// givenUp reports whether the failures in a row exceed MaxRestarts.
func (b *backoff) givenUp() bool {
	return b.policy.MaxRestarts > 0 && b.failures > b.policy.MaxRestarts
}
