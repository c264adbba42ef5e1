package check

import (
	"fmt"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_sed's OutputSed and InputSed: each line is compiled by mod_sed's
// sed compiler (sed0.c and regexp.c, from Solaris sed) into the command
// set of its section, which keeps its line buffer, labels, braces, files
// and last regular expression from one line to the next. sedScript is
// that compiler as far as its errors go. It works on the same fixed line
// buffer, since what the compiler reads past the end of a line depends
// on what an earlier, longer line left there; where it would read past
// the buffer, or its expression space would fill, nothing is judged.

const (
	sedLineSize = 1000 + 1 // LBSIZE + 1
	sedLabels   = 50       // SED_LABSIZE
	sedDepth    = 20       // SED_DEPTH
	sedLines    = 256      // SED_NLINES
	sedFiles    = 11       // NWFILES
	sedBrackets = 9        // NBRA
	sedSpace    = 9000     // well within RESIZE (10000), to be sure
)

// sedScript is one section's sed command set (sed_commands_t).
type sedScript struct {
	lb     [sedLineSize]byte
	lastRE bool // commands->lastre: an address or expression so far
	labels []sedLabel
	depth  int
	nlno   int
	files  []string
	used   int // bytes of the expression space used, roughly
}

type sedLabel struct {
	name    string
	defined bool
}

// sedUnknown is what a bail-out panics with: the compiler would read
// what Check does not model.
type sedUnknown struct{}

func (s *sedScript) get(i int) byte {
	if i < 0 || i >= sedLineSize {
		panic(sedUnknown{})
	}
	return s.lb[i]
}

// line is the line buffer as a C string, for messages.
func (s *sedScript) line() string {
	b := s.lb[:]
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (s *sedScript) use(n int) {
	s.used += n
	if s.used > sedSpace {
		panic(sedUnknown{})
	}
}

// compile is sed_compile_string: the message mod_sed's compiler gives for
// expr ("" when it compiles), and known false where Check cannot tell.
func (s *sedScript) compile(expr string) (msg string, known bool) {
	if s.labels == nil {
		s.labels = []sedLabel{{}}
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(sedUnknown); !ok {
				panic(r)
			}
			msg, known = "", false
		}
	}()
	return s.fcomp(expr), true
}

// rline is rline for a string: the next line of expr from *q into the
// line buffer, backslash pairs kept; false when there is none (or the
// string ends in a lone backslash), or the message for a long line.
func (s *sedScript) rline(expr string, q *int) (bool, string) {
	if *q < 0 {
		return false, ""
	}
	p := 0
	for *q < len(expr) {
		t := expr[*q]
		*q++
		if t == '\n' {
			goto out
		}
		if p < sedLineSize {
			s.lb[p] = t
			p++
		}
		if t == '\\' {
			if *q >= len(expr) {
				*q = -1
				return false, ""
			}
			t = expr[*q]
			*q++
			if p < sedLineSize {
				s.lb[p] = t
				p++
			}
		}
	}
	*q = -1
out:
	if p == sedLineSize {
		return false, "command line too long"
	}
	s.lb[p] = 0
	return true, ""
}

func (s *sedScript) errf(format string) string {
	return fmt.Sprintf(format, s.line())
}

// fcomp is sed0.c's fcomp: compile every line.
func (s *sedScript) fcomp(expr string) string {
	q := 0
	var nbra int
	nbraKnown := false
	for {
		ok, msg := s.rline(expr, &q)
		if msg != "" {
			return msg
		}
		if !ok {
			return ""
		}
		cp := 0
	comploop:
		for {
			for s.get(cp) == ' ' || s.get(cp) == '\t' {
				cp++
			}
			if c := s.get(cp); c == 0 || c == '#' {
				break comploop
			}
			if s.get(cp) == ';' {
				cp++
				continue
			}
			ad1, ad2 := false, false
			switch kind, _ := s.address(&cp); kind {
			case sedAddrFailed:
				return s.errf("command garbled: %s")
			case sedAddrEmpty:
				if !s.lastRE {
					return "first RE may not be null"
				}
				ad1 = true
			case sedAddrNone:
			default:
				ad1 = true
				s.lastRE = true
				if c := s.get(cp); c == ',' || c == ';' {
					cp++
					kind2, _ := s.address(&cp)
					if kind2 == sedAddrFailed || kind2 == sedAddrNone {
						return s.errf("command garbled: %s")
					}
					ad2 = true
				}
			}
			for s.get(cp) == ' ' || s.get(cp) == '\t' {
				cp++
			}
		swit:
			c := s.get(cp)
			cp++
			switch c {
			default:
				return s.errf("unrecognized command: %s")
			case '!':
				goto swit
			case '{':
				s.depth++
				if s.depth > sedDepth {
					panic(sedUnknown{})
				}
				if s.get(cp) == 0 {
					break comploop
				}
				continue comploop
			case '}':
				if ad1 {
					return s.errf("no addresses allowed: %s")
				}
				s.depth--
				if s.depth < 0 {
					return "too many }'s"
				}
				break comploop
			case '=', 'q':
				if ad2 {
					return s.errf("only one address allowed: %s")
				}
			case ':':
				if ad1 {
					return s.errf("no addresses allowed: %s")
				}
				for s.get(cp) == ' ' {
					cp++
				}
				name, msg := s.label(&cp)
				if msg != "" {
					return msg
				}
				if i := s.findLabel(name); i >= 0 {
					if s.labels[i].defined {
						return s.errf("duplicate labels: %s")
					}
					s.labels[i].defined = true
				} else {
					s.labels = append(s.labels, sedLabel{name: name, defined: true})
					if len(s.labels) >= sedLabels {
						return s.errf("too many labels: %s")
					}
				}
				break comploop
			case 'a', 'i', 'c':
				if c != 'c' && ad2 {
					return s.errf("only one address allowed: %s")
				}
				if s.get(cp) == '\\' {
					cp++
				}
				c2 := s.get(cp)
				cp++
				if c2 != '\n' {
					return s.errf("command garbled: %s")
				}
				s.text(&cp)
			case 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'd', 'D', 'l', 'x':
			case 't', 'b':
				for s.get(cp) == ' ' {
					cp++
				}
				if s.get(cp) != 0 {
					name, msg := s.label(&cp)
					if msg != "" {
						return msg
					}
					if s.findLabel(name) < 0 {
						s.labels = append(s.labels, sedLabel{name: name})
						if len(s.labels) >= sedLabels {
							return s.errf("too many labels: %s")
						}
					}
				}
			case 'r':
				if ad2 {
					return s.errf("only one address allowed: %s")
				}
				c2 := s.get(cp)
				cp++
				if c2 != ' ' {
					return s.errf("command garbled: %s")
				}
				s.text(&cp)
			case 's':
				eof := s.get(cp)
				cp++
				kind, n, msg := s.regex(&cp, eof)
				switch kind {
				case sedAddrFailed:
					return msg
				case sedAddrEmpty:
					if !s.lastRE {
						return "first RE may not be null"
					}
				default:
					s.lastRE = true
					nbra, nbraKnown = n, true
				}
				if msg := s.compsub(&cp, eof, nbra, nbraKnown); msg != "" {
					return msg
				}
				if s.get(cp) == 'g' {
					cp++
				}
				if d := s.get(cp); d >= '1' && d <= '9' {
					i := int(d - '0')
					cp++
					for {
						d := s.get(cp)
						if d < '0' || d > '9' {
							break
						}
						i = i*10 + int(d-'0')
						if i > 512 {
							return s.errf("suffix too large: %s")
						}
						cp++
					}
				}
				if s.get(cp) == 'p' {
					cp++
				}
				if s.get(cp) == 'P' {
					cp++
				}
				if s.get(cp) == 'w' {
					cp++
					if msg := s.wfile(&cp); msg != "" {
						return msg
					}
				}
			case 'w':
				if msg := s.wfile(&cp); msg != "" {
					return msg
				}
			case 'y':
				eof := s.get(cp)
				cp++
				if msg := s.ycomp(&cp, eof); msg != "" {
					return msg
				}
			}
			// done: the command ends the line or a ';' follows it.
			c = s.get(cp)
			cp++
			if c == 0 {
				break comploop
			}
			if c != ';' {
				return s.errf("command garbled: %s")
			}
		}
	}
}

// Kinds of address (and of compiled expression).
const (
	sedAddrNone   = iota // no address; also an expression that failed to compile in an address
	sedAddrEmpty         // an empty expression: the last one again
	sedAddrOK            // $, a line number or an expression
	sedAddrFailed        // an error that stops the compiler
)

// address is sed0.c's address.
func (s *sedScript) address(cp *int) (int, string) {
	switch c := s.get(*cp); {
	case c == '$':
		*cp++
		s.use(2)
		return sedAddrOK, ""
	case c == '/' || c == '\\':
		if c == '\\' {
			*cp++
		}
		eof := s.get(*cp)
		*cp++
		kind, _, _ := s.regex(cp, eof)
		if kind == sedAddrFailed {
			// sed_compile's message is recorded, but fcomp reads on as
			// if no address was given.
			return sedAddrNone, ""
		}
		return kind, ""
	case c >= '0' && c <= '9':
		for s.get(*cp) >= '0' && s.get(*cp) <= '9' {
			*cp++
		}
		s.use(3)
		s.nlno++
		if s.nlno >= sedLines {
			return sedAddrFailed, ""
		}
		return sedAddrOK, ""
	}
	return sedAddrNone, ""
}

// label reads a label to the end of the line (';' included), at most 7
// characters.
func (s *sedScript) label(cp *int) (string, string) {
	start := *cp
	for s.get(*cp) != 0 {
		*cp++
		if *cp-start >= 8 {
			return "", s.errf("label too long: %s")
		}
	}
	return string(s.lb[start:*cp]), ""
}

func (s *sedScript) findLabel(name string) int {
	for i, l := range s.labels {
		if l.name == name {
			return i
		}
	}
	return -1
}

// text is sed0.c's text: the rest of the line, leading blanks skipped.
func (s *sedScript) text(cp *int) string {
	q := *cp
	for s.get(q) == '\t' || s.get(q) == ' ' {
		q++
	}
	var b []byte
	for {
		ch := s.get(q)
		q++
		if ch == '\\' {
			ch = s.get(q)
			q++
		}
		if ch == 0 {
			*cp = q - 1
			s.use(len(b) + 1)
			return string(b)
		}
		b = append(b, ch)
		if ch == '\n' {
			for s.get(q) == '\t' || s.get(q) == ' ' {
				q++
			}
		}
	}
}

// wfile is the file of a w command or flag: a space, then a name; at
// most 11 files.
func (s *sedScript) wfile(cp *int) string {
	c := s.get(*cp)
	*cp++
	if c != ' ' {
		return s.errf("Space missing before filename: %s")
	}
	name := s.text(cp)
	for _, f := range s.files {
		if f == name {
			return ""
		}
	}
	if len(s.files) >= sedFiles {
		return "too many files in w commands"
	}
	s.files = append(s.files, name)
	return ""
}

// compsub is sed0.c's compsub: the replacement up to the delimiter, its
// \1-\9 within the expression's groups.
func (s *sedScript) compsub(cp *int, eof byte, nbra int, nbraKnown bool) string {
	q := *cp
	n := 0
	for {
		ch := s.get(q)
		q++
		n++
		if ch == '\\' {
			ch = s.get(q)
			q++
			n++
			if ch >= '1' && ch <= '9' {
				if !nbraKnown {
					panic(sedUnknown{}) // the group count C reads is not set
				}
				if int(ch-'0') > nbra {
					return s.errf("``\\digit'' out of range: %s")
				}
			}
			continue
		}
		if ch == eof {
			*cp = q
			s.use(n)
			return ""
		}
		if ch == 0 {
			return s.errf("ending delimiter missing on substitution: %s")
		}
	}
}

// ycomp is sed0.c's ycomp: two strings of the same length.
func (s *sedScript) ycomp(cp *int, eof byte) string {
	s.use(256)
	tsp := *cp
	for c := s.get(tsp); c != eof; c = s.get(tsp) {
		if c == '\\' {
			tsp++
		}
		if c == 0 || c == '\n' {
			return s.errf("ending delimiter missing on string: %s")
		}
		tsp++
	}
	tsp++
	sp := *cp
	for {
		c := s.get(sp)
		sp++
		if c == eof {
			break
		}
		if c == '\\' && s.get(sp) == 'n' {
			sp++
		}
		m := s.get(tsp)
		tsp++
		if m == '\\' && s.get(tsp) == 'n' {
			m = '\n'
			tsp++
		}
		// A mapping to the delimiter or a NUL is reported, but the
		// compiler reads on, and only what follows decides.
		_ = m
	}
	if c := s.get(tsp); c != eof {
		if c == 0 {
			return s.errf("ending delimiter missing on string: %s")
		}
		return s.errf("transform strings not the same size: %s")
	}
	*cp = tsp + 1
	return ""
}

// regex is regexp.c's sed_compile: a basic regular expression up to the
// delimiter eof. It returns the kind (empty, compiled, failed with its
// message) and the number of \( groups.
func (s *sedScript) regex(cp *int, eof byte) (kind, nbra int, msg string) {
	sp := *cp
	c := s.get(sp)
	sp++
	if c == eof || c == '\n' {
		if c == '\n' {
			sp--
		}
		*cp = sp
		return sedAddrEmpty, 0, ""
	}
	s.use(1)
	fail := func(format string) (int, int, string) { return sedAddrFailed, 0, s.errf(format) }
	var open []int // the \( not yet closed
	closed := 0
	if c != '^' {
		sp--
	}
	// lastep is the atom a * or \{ applies to: 0 none, 1 a group's
	// bracket, 2 another.
	lastep := 0
	for {
		c = s.get(sp)
		sp++
		cur := lastep
		if c != '*' && !(c == '\\' && s.get(sp) == '{') {
			cur = 2
		}
		if c == eof {
			s.use(1)
			if len(open) > 0 {
				return fail("\\( \\) imbalance: %s")
			}
			*cp = sp
			return sedAddrOK, nbra, ""
		}
		switch c {
		case '.':
			s.use(1)
			lastep = 2
			continue
		case '\n':
			return fail("Illegal or missing delimiter: %s")
		case '*':
			if lastep == 0 || lastep == 1 {
				break // a literal *
			}
			continue
		case '$':
			if p := s.get(sp); p != eof && p != '\n' {
				break
			}
			s.use(1)
			lastep = cur
			continue
		case '[':
			s.use(33)
			c = s.get(sp)
			sp++
			if c == '^' {
				c = s.get(sp)
				sp++
			}
			lc := byte(0)
			for {
				if c == 0 || c == '\n' {
					return fail("[ ] imbalance: %s")
				}
				if c == '-' && lc != 0 {
					c = s.get(sp)
					sp++
					if c == ']' {
						break
					}
				}
				lc = c
				c = s.get(sp)
				sp++
				if c == ']' {
					break
				}
			}
			lastep = 2
			continue
		case '\\':
			c = s.get(sp)
			sp++
			switch {
			case c == '(':
				if nbra >= sedBrackets {
					return fail("Too many \\(: %s")
				}
				open = append(open, nbra)
				nbra++
				s.use(2)
				lastep = 1
				continue
			case c == ')':
				if len(open) == 0 {
					return fail("\\( \\) imbalance: %s")
				}
				open = open[:len(open)-1]
				closed++
				s.use(2)
				lastep = 1
				continue
			case c == '{':
				if lastep == 0 {
					break // a literal {
				}
				if m := s.interval(&sp); m != "" {
					return fail(m)
				}
				continue
			case c == '\n':
				return fail("Illegal or missing delimiter: %s")
			case c == 'n':
				c = '\n'
			case c >= '1' && c <= '9':
				if int(c-'1') >= closed {
					return fail("``\\digit'' out of range: %s")
				}
				s.use(2)
				lastep = 2
				continue
			}
		}
		// defchar: c is a literal character.
		s.use(2)
		lastep = 2
	}
}

// interval reads \{m\}, \{m,\} or \{m,n\} after its \{: the message
// format for one sed refuses.
func (s *sedScript) interval(sp *int) string {
	cflg := 0
	var nums []int
	for {
		c := s.get(*sp)
		*sp++
		i := 0
		for {
			if c < '0' || c > '9' {
				return "Bad number: %s"
			}
			if i < 1000 {
				i = 10*i + int(c-'0')
			}
			c = s.get(*sp)
			*sp++
			if c == '\\' || c == ',' {
				break
			}
		}
		if i >= 255 {
			return "Range endpoint too large: %s"
		}
		nums = append(nums, i)
		if c == ',' {
			if cflg > 0 {
				return "More than 2 numbers given in \\{ \\}: %s"
			}
			cflg++
			c = s.get(*sp)
			*sp++
			if c == '\\' {
				nums = append(nums, 255)
			} else {
				*sp--
				continue
			}
		}
		break
	}
	c := s.get(*sp)
	*sp++
	if c != '}' {
		return "} expected after \\: %s"
	}
	if cflg > 0 && nums[len(nums)-1] < nums[len(nums)-2] {
		return "First number exceeds second in \\{ \\}: %s"
	}
	s.use(2)
	return ""
}

// checkSed is mod_sed's sed_add_expr: the line compiled into its
// section's command set.
func checkSed(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	key := sedKey{section: sedSection(st), output: d.Name == "OutputSed"}
	if c.sedScripts == nil {
		c.sedScripts = map[sedKey]*sedScript{}
	}
	s := c.sedScripts[key]
	if s == nil {
		s = &sedScript{}
		c.sedScripts[key] = s
	}
	if msg, known := s.compile(w); known && msg != "" {
		c.errorf(n, codeValue, "mod_sed takes sed commands: s/pattern/replacement/[g][N][p][w file], with basic regular expressions.", "Failed to compile sed expression. %s", msg)
	}
}

// sedSection is the section whose configuration a line at st goes into:
// the innermost one but <Limit> and <LimitExcept>, which have none.
func sedSection(st state) *apacheconf.Node {
	for i := len(st.ancestors) - 1; i >= 0; i-- {
		if a := st.ancestors[i]; !strings.EqualFold(a.Name, "Limit") && !strings.EqualFold(a.Name, "LimitExcept") {
			return a
		}
	}
	return nil
}

// sedKey is the configuration a sed line compiles into: its section's,
// one for OutputSed and one for InputSed.
type sedKey struct {
	section *apacheconf.Node
	output  bool
}

var sedHandlers = map[string]handler{
	"OutputSed": checkSed,
	"InputSed":  checkSed,
}
