package launch

import (
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		text string
		want Schedule
		// canon is String's rendering, when it differs from text.
		canon string
		err   string
	}{
		{text: "SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL", want: DefaultSchedule()},
		{text: "int, 1s, INT, 1s, sigint, 1000ms, 9", want: DefaultSchedule(), canon: "SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL"},
		{text: "SIGKILL", want: Schedule{{Signal: syscall.SIGKILL}}},
		{text: "SIGTERM,1m30s,SIGKILL", want: Schedule{{Signal: syscall.SIGTERM}, {After: 90 * time.Second, Signal: syscall.SIGKILL}}},
		{text: "SIGWINCH,250ms,SIGTERM,2s,SIGKILL", want: Schedule{{Signal: syscall.SIGWINCH}, {After: 250 * time.Millisecond, Signal: syscall.SIGTERM}, {After: 2 * time.Second, Signal: syscall.SIGKILL}}},
		{text: "", err: "empty stop schedule"},
		{text: "SIGINT", err: "does not end with SIGKILL"},
		{text: "SIGINT,1s", err: "ends with a wait"},
		{text: "SIGINT,SIGKILL", err: `item 2, "SIGKILL", is not a positive duration`},
		{text: "SIGINT,0s,SIGKILL", err: `item 2, "0s", is not a positive duration`},
		{text: "SIGINT,-1s,SIGKILL", err: "is not a positive duration"},
		{text: "1s,SIGKILL", err: `item 1: "1s" is not a signal name`},
		{text: "SIGNOPE,1s,SIGKILL", err: `"SIGNOPE" is not a signal name`},
		{text: "999,1s,SIGKILL", err: `"999" is not a signal number`},
	}
	for _, tt := range tests {
		got, err := ParseSchedule(tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseSchedule(%q) error %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseSchedule(%q) = %v, want %v", tt.text, got, tt.want)
		}
		canon := tt.canon
		if canon == "" {
			canon = tt.text
		}
		if got.String() != canon {
			t.Errorf("String() = %q, want %q", got.String(), canon)
		}
		again, err := ParseSchedule(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseSchedule(String()) = %v, %v", again, err)
		}
	}
}

func TestDefaultScheduleIsTheSeeds(t *testing.T) {
	s := DefaultSchedule()
	if s.String() != "SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL" || s.Total() != spec.DefaultStopTimeout {
		t.Errorf("default schedule %s, %v in total; the spec's generated stop timeout is %v", s, s.Total(), spec.DefaultStopTimeout)
	}
}

func TestScheduleFor(t *testing.T) {
	explicit, _ := ParseSchedule("SIGQUIT,2s,SIGKILL")
	tests := []struct {
		stop     spec.Stop
		explicit Schedule
		want     string
	}{
		{want: "SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL"},
		{stop: spec.Stop{Signal: "SIGTERM"}, want: "SIGTERM,3s,SIGKILL"},
		{stop: spec.Stop{Timeout: 10 * time.Second}, want: "SIGINT,10s,SIGKILL"},
		{stop: spec.Stop{Signal: "SIGWINCH", Timeout: 15 * time.Second}, want: "SIGWINCH,15s,SIGKILL"},
		{stop: spec.Stop{Signal: "KILL"}, want: "SIGKILL"},
		{stop: spec.Stop{Signal: "SIGTERM", Timeout: time.Second}, explicit: explicit, want: "SIGQUIT,2s,SIGKILL"},
	}
	for _, tt := range tests {
		got, err := scheduleFor(&spec.Service{Stop: tt.stop}, tt.explicit)
		if err != nil || got.String() != tt.want {
			t.Errorf("scheduleFor(%+v, %v) = %v, %v; want %s", tt.stop, tt.explicit, got, err, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		policy RestartPolicy
		runs   []time.Duration
		want   []time.Duration
	}{
		{
			name: "Docker's numbers: doubling from 100 ms",
			runs: []time.Duration{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
			want: []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 6400 * ms, 12800 * ms, 25600 * ms, 51200 * ms, time.Minute, time.Minute},
		},
		{
			name: "a run of 10 s resets, 9.999 s does not",
			runs: []time.Duration{0, 0, 10 * time.Second, 9999 * ms, 10001 * ms},
			want: []time.Duration{100 * ms, 200 * ms, 100 * ms, 200 * ms, 100 * ms},
		},
		{
			name:   "configured",
			policy: RestartPolicy{Initial: time.Second, Max: 5 * time.Second, Reset: time.Minute},
			runs:   []time.Duration{0, 0, 0, 0, 59 * time.Second, time.Minute},
			want:   []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second, time.Second},
		},
	}
	for _, tt := range tests {
		b := newBackoff(tt.policy)
		var got []time.Duration
		for _, r := range tt.runs {
			got = append(got, b.next(r))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: delays %v\nwant %v", tt.name, got, tt.want)
		}
	}
}

func TestBackoffGivesUpAfterMaxRestartsInARow(t *testing.T) {
	b := newBackoff(RestartPolicy{MaxRestarts: 2})
	var given []bool
	for _, ran := range []time.Duration{0, 0, 10 * time.Second, 0, 0} {
		b.next(ran)
		given = append(given, b.givenUp())
	}
	// The long run starts a new count.
	if want := []bool{false, false, false, false, true}; !reflect.DeepEqual(given, want) {
		t.Errorf("given up %v, want %v", given, want)
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL", "int, 1s, INT, 1s, sigint, 1000ms, 9", "SIGKILL", "SIGTERM,1m30s,SIGKILL", "", "SIGINT,1s", "1s,SIGKILL", "999,1s,SIGKILL", "SIGINT,,SIGKILL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSchedule(text)
		if err != nil {
			return
		}
		if len(s) == 0 || s[len(s)-1].Signal != syscall.SIGKILL || s[0].After != 0 {
			t.Fatalf("ParseSchedule(%q) = %v: must start at once and end with SIGKILL", text, s)
		}
		for _, st := range s[1:] {
			if st.After <= 0 {
				t.Fatalf("ParseSchedule(%q) = %v: a wait is not positive", text, s)
			}
		}
		again, err := ParseSchedule(s.String())
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("ParseSchedule(%q).String() = %q reads back as %v, %v", text, s.String(), again, err)
		}
	})
}
