package launch

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestOutputIsPrefixedAndAligned(t *testing.T) {
	tests := []struct {
		name  string
		color ColorMode
		want  string
	}{
		{"plain", ColorNever, "blog.example.com | hello\n" +
			"redis            | PONG\n" +
			"blog.example.com | half a line, then the rest\n" +
			"redis            | windows line\n" +
			"redis            | \n" +
			"blog.example.com | no newline at the end\n"},
		{"coloured", ColorAlways, "\x1b[36mblog.example.com |\x1b[0m hello\n" +
			"\x1b[33mredis            |\x1b[0m PONG\n" +
			"\x1b[36mblog.example.com |\x1b[0m half a line, then the rest\n" +
			"\x1b[33mredis            |\x1b[0m windows line\n" +
			"\x1b[33mredis            |\x1b[0m \n" +
			"\x1b[36mblog.example.com |\x1b[0m no newline at the end\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, msg strings.Builder
			c := newConsole(&out, &msg, tt.color, []string{"blog.example.com", "redis"})
			blogTail, redisTail := &tail{}, &tail{}
			blog, redis := c.stream("blog.example.com", blogTail), c.stream("redis", redisTail)
			io.WriteString(blog, "hello\n")
			io.WriteString(redis, "PONG\n")
			io.WriteString(blog, "half a line, ")
			io.WriteString(blog, "then the rest\nno newline ")
			io.WriteString(redis, "windows line\r\n\n")
			io.WriteString(blog, "at the end")
			blog.Close()
			redis.Close()
			if out.String() != tt.want {
				t.Errorf("output:\n%q\nwant:\n%q", out.String(), tt.want)
			}
			if msg.Len() != 0 {
				t.Errorf("messages: %q", msg.String())
			}
			if got := blogTail.last(); !reflect.DeepEqual(got, []string{"hello", "half a line, then the rest", "no newline at the end"}) {
				t.Errorf("blog's tail %q", got)
			}
		})
	}
}

func TestMessagesGoToTheirOwnStream(t *testing.T) {
	var out, msg strings.Builder
	c := newConsole(&out, &msg, ColorNever, []string{"blog"})
	c.printf("blog", "exited with code %d", 3)
	c.printf("", "stopping")
	c.setState("blog", "starting")
	if want := "wsgidock: blog: exited with code 3\nwsgidock: stopping\nwsgidock: blog: starting\n"; msg.String() != want {
		t.Errorf("messages %q, want %q", msg.String(), want)
	}
	if out.Len() != 0 {
		t.Errorf("output %q", out.String())
	}
}

func TestUseColor(t *testing.T) {
	tests := []struct {
		mode     ColorMode
		terminal bool
		noColor  string
		want     bool
	}{
		{ColorAuto, true, "", true},
		{ColorAuto, false, "", false},
		{ColorAuto, true, "1", false},
		{ColorAlways, false, "1", true},
		{ColorNever, true, "", false},
	}
	for _, tt := range tests {
		if got := useColor(tt.mode, tt.terminal, tt.noColor); got != tt.want {
			t.Errorf("useColor(%v, %v, %q) = %v", tt.mode, tt.terminal, tt.noColor, got)
		}
	}
}

func TestLongLinesAreCut(t *testing.T) {
	var lines []string
	w := &lineWriter{emit: func(s string) { lines = append(lines, s) }}
	io.WriteString(w, strings.Repeat("x", maxLine+10)+"\n")
	if len(lines) != 2 || len(lines[0]) != maxLine || lines[1] != "xxxxxxxxxx" {
		t.Errorf("got %d lines of %v bytes", len(lines), len(lines[0]))
	}
}

func TestTailKeepsTheLastLines(t *testing.T) {
	tl := &tail{}
	for i := range 25 {
		tl.add(fmt.Sprint(i))
	}
	got := tl.last()
	if len(got) != tailLines || got[0] != "15" || got[tailLines-1] != "24" {
		t.Errorf("tail %q", got)
	}
}

func TestLinesFromManyWritersDoNotMix(t *testing.T) {
	var out strings.Builder
	c := newConsole(&out, io.Discard, ColorNever, []string{"a", "b"})
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := c.stream(name, &tail{})
			for range 200 {
				io.WriteString(w, strings.Repeat(name, 50))
				io.WriteString(w, "\n")
			}
		}()
	}
	wg.Wait()
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if l != "a | "+strings.Repeat("a", 50) && l != "b | "+strings.Repeat("b", 50) {
			t.Fatalf("mixed line %q", l)
		}
	}
}

func TestLiveViewMakesWayForOutput(t *testing.T) {
	var screen strings.Builder
	c := newConsole(&screen, &screen, ColorNever, []string{"blog", "db"})
	// As on a terminal: both streams on one screen, 80 columns.
	c.liveOK, c.outTerm = true, true
	c.startLive([]string{"blog", "db"})
	c.setState("blog", "starting")
	c.line("blog", "listening")
	c.setState("blog", "ready after 1s")
	c.stopLive()
	s := screen.String()
	// Each redraw first moves up over the two lines drawn and clears.
	if n := strings.Count(s, "\x1b[2A\x1b[J"); n < 3 {
		t.Errorf("%d erasures of the view in %q", n, s)
	}
	i := strings.Index(s, "blog | listening\n")
	if i < 0 || !strings.HasPrefix(s[i+len("blog | listening\n"):], " ") {
		t.Errorf("the output line is not written between erase and redraw: %q", s)
	}
	last := s[strings.LastIndex(s, "\x1b[J")+len("\x1b[J"):]
	if !strings.Contains(last, "+ blog  ready after 1s") || !strings.Contains(last, "  db    waiting") {
		t.Errorf("final view %q", last)
	}
	if strings.Contains(s, "wsgidock: blog: starting") {
		t.Errorf("states are printed as messages while the view is live: %q", s)
	}
}
