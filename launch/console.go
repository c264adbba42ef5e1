package launch

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// ColorMode says whether output is coloured.
type ColorMode int

// Colour modes. ColorAuto colours only when the output is a terminal and
// NO_COLOR is unset or empty (https://no-color.org).
const (
	ColorAuto ColorMode = iota
	ColorAlways
	ColorNever
)

// palette is the colour of each service's prefix, by position in the spec:
// six ANSI colours, then their bright forms. Red is left for errors.
var palette = []string{"36", "33", "32", "35", "34", "37", "96", "93", "92", "95", "94", "97"}

// console writes everything wsgidock shows while running services: each
// service's output, one line at a time behind an aligned "name | " prefix,
// and wsgidock's own messages. One lock orders all of it, so lines from
// different services never mix, and the live progress view can be taken
// down and redrawn around them.
type console struct {
	mu    sync.Mutex
	out   io.Writer // services' output
	msg   io.Writer // wsgidock's messages
	color bool
	width int
	index map[string]int

	// The live view: only when msg is a terminal.
	liveOK   bool
	outTerm  bool // out is a terminal too: the view must make way for its lines
	cols     int  // the terminal's width, so no line of the view wraps
	live     *liveView
	drawn    int // lines of the view now on the screen
	stopTick chan struct{}
}

func newConsole(out, msg io.Writer, mode ColorMode, names []string) *console {
	c := &console{out: out, msg: msg, index: map[string]int{}}
	for i, n := range names {
		c.index[n] = i
		if w := utf8.RuneCountInString(n); w > c.width {
			c.width = w
		}
	}
	c.color = useColor(mode, isTerminal(out), os.Getenv("NO_COLOR"))
	c.liveOK = isTerminal(msg)
	c.outTerm = isTerminal(out)
	return c
}

// addNames gives services new to a reload their prefixes' colours.
func (c *console) addNames(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range names {
		if _, ok := c.index[n]; !ok {
			c.index[n] = len(c.index)
		}
		if w := utf8.RuneCountInString(n); w > c.width {
			c.width = w
		}
	}
}

// useColor decides on colour: always or never when told, otherwise only on
// a terminal and without NO_COLOR.
func useColor(mode ColorMode, terminal bool, noColor string) bool {
	switch mode {
	case ColorAlways:
		return true
	case ColorAuto:
		return terminal && noColor == ""
	}
	return false
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (c *console) paint(code, s string) string {
	if !c.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (c *console) serviceColor(name string) string {
	return palette[c.index[name]%len(palette)]
}

// prefix is "name | " padded so that every service's lines start in the
// same column.
func (c *console) prefix(name string) string {
	pad := c.width - utf8.RuneCountInString(name)
	if pad < 0 {
		pad = 0
	}
	return c.paint(c.serviceColor(name), name+strings.Repeat(" ", pad)+" |") + " "
}

// line writes one line of a service's output.
func (c *console) line(service, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.around(c.outTerm, func() { fmt.Fprintf(c.out, "%s%s\n", c.prefix(service), text) })
}

// printf writes one of wsgidock's own messages about a service (or about
// everything, when service is empty).
func (c *console) printf(service, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.around(true, func() {
		if service == "" {
			fmt.Fprintf(c.msg, "wsgidock: %s\n", text)
			return
		}
		fmt.Fprintf(c.msg, "wsgidock: %s: %s\n", c.paint(c.serviceColor(service), service), text)
	})
}

// around runs write with the live view taken off the screen first when the
// write lands on the same terminal, and drawn again after.
func (c *console) around(sameScreen bool, write func()) {
	if c.live == nil || c.drawn == 0 || !sameScreen {
		write()
		return
	}
	c.erase()
	write()
	c.draw()
}

// stream returns a writer for one of a service's output streams; it
// prefixes each complete line, and keeps the last lines in t.
func (c *console) stream(service string, t *tail) *lineWriter {
	return &lineWriter{emit: func(s string) {
		t.add(s)
		c.line(service, s)
	}}
}

// lineWriter cuts what is written to it into lines. A line longer than
// maxLine is cut; Close emits a last line without a newline.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	emit func(string)
}

const maxLine = 16 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		switch {
		case i < 0 && len(w.buf) < maxLine:
			return len(p), nil
		case i < 0 || i > maxLine:
			w.emit(string(w.buf[:maxLine]))
			w.buf = w.buf[maxLine:]
		default:
			w.emit(strings.TrimSuffix(string(w.buf[:i]), "\r"))
			w.buf = w.buf[i+1:]
		}
	}
}

// Close emits what is left of an unfinished last line.
func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(strings.TrimSuffix(string(w.buf), "\r"))
		w.buf = nil
	}
	return nil
}

// tail keeps a service's last output lines, to show when it fails.
type tail struct {
	mu    sync.Mutex
	lines []string
}

// tailLines is how many lines a failure report shows.
const tailLines = 10

func (t *tail) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, s)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

func (t *tail) last() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.lines...)
}

// liveView is the progress shown while services start: one line per
// service with its state and how long it has been in it.
type liveView struct {
	names  []string
	state  map[string]string
	since  map[string]time.Time
	frame  int
	closed bool
}

var spinner = []string{"-", "\\", "|", "/"}

// startLive shows the progress view, redrawn every 100 ms, when the
// messages go to a terminal; elsewhere setState prints state changes as
// plain lines.
func (c *console) startLive(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.liveOK || c.live != nil {
		return
	}
	c.cols = 80
	if f, ok := c.msg.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			c.cols = w
		}
	}
	c.live = &liveView{names: names, state: map[string]string{}, since: map[string]time.Time{}}
	for _, n := range names {
		c.live.state[n] = "waiting"
		c.live.since[n] = time.Now()
	}
	c.draw()
	c.stopTick = make(chan struct{})
	go c.tick(c.stopTick)
}

func (c *console) tick(stop chan struct{}) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.mu.Lock()
			if c.live != nil {
				c.live.frame++
				c.erase()
				c.draw()
			}
			c.mu.Unlock()
		}
	}
}

// setState records a service's start-up state for the live view, or prints
// it when there is no live view.
func (c *console) setState(service, state string) {
	c.mu.Lock()
	live := c.live
	if live != nil {
		live.state[service] = state
		live.since[service] = time.Now()
		c.erase()
		c.draw()
	}
	c.mu.Unlock()
	if live == nil {
		c.printf(service, "%s", state)
	}
}

// stopLive draws the view one last time and leaves it on the screen.
func (c *console) stopLive() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		return
	}
	close(c.stopTick)
	c.erase()
	c.live.closed = true
	c.draw()
	c.live = nil
	c.drawn = 0
}

// erase moves the cursor up over the view and clears to the end of the
// screen.
func (c *console) erase() {
	if c.drawn > 0 {
		fmt.Fprintf(c.msg, "\x1b[%dA\x1b[J", c.drawn)
		c.drawn = 0
	}
}

func (c *console) draw() {
	v := c.live
	var b strings.Builder
	for _, n := range v.names {
		st := v.state[n]
		if room := max(c.cols-c.width-16, 10); utf8.RuneCountInString(st) > room {
			st = string([]rune(st)[:room])
		}
		mark := spinner[v.frame%len(spinner)]
		switch {
		case strings.HasPrefix(st, "ready"), strings.HasPrefix(st, "running"), strings.HasPrefix(st, "up to date"):
			mark = c.paint("32", "+")
		case strings.HasPrefix(st, "failed"), strings.HasPrefix(st, "not ready"):
			mark = c.paint("31", "x")
		case v.closed:
			mark = " "
		}
		pad := c.width - utf8.RuneCountInString(n)
		if pad < 0 {
			pad = 0
		}
		elapsed := time.Since(v.since[n]).Truncate(100 * time.Millisecond)
		fmt.Fprintf(&b, " %s %s%s  %s %s\n", mark, c.paint(c.serviceColor(n), n), strings.Repeat(" ", pad), st, c.paint("2", elapsed.String()))
	}
	io.WriteString(c.msg, b.String())
	c.drawn = len(v.names)
}
