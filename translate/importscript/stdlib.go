package importscript

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// Other standard-library calls launchers make on the way to their exec:
// logging (which starts nothing), json.dumps of known values, and more
// functions whose result exists only when the script runs.
func init() {
	nothing := func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil }
	object := func(name string) func(*evaluator, *arguments, lexer.Position) (value, error) {
		return func(*evaluator, *arguments, lexer.Position) (value, error) { return &module{name: name}, nil }
	}
	for _, name := range []string{"basicConfig", "debug", "info", "warning", "warn", "error", "critical", "exception", "log", "disable", "captureWarnings"} {
		helpers["logging."+name] = nothing
	}
	for _, name := range []string{"debug", "info", "warning", "warn", "error", "critical", "exception", "log", "setLevel", "addHandler", "removeHandler"} {
		helpers["logging.Logger."+name] = nothing
	}
	for _, name := range []string{"setLevel", "setFormatter"} {
		helpers["logging.Handler."+name] = nothing
	}
	helpers["logging.getLogger"] = object("logging.Logger")
	helpers["logging.StreamHandler"] = object("logging.Handler")
	helpers["logging.Formatter"] = object("logging.Formatter")
	for name, level := range map[string]string{"DEBUG": "10", "INFO": "20", "WARNING": "30", "WARN": "30", "ERROR": "40", "CRITICAL": "50", "NOTSET": "0"} {
		moduleAttrs["logging."+name] = func(_ *evaluator, at apacheconf.Position) value { return &number{text: level, at: at} }
	}
	helpers["json.dumps"] = jsonDumps
	for name, why := range map[string]string{
		"shutil.which":              "it searches PATH on the file system",
		"os.makedirs":               "it changes the file system",
		"os.mkdir":                  "it changes the file system",
		"os.remove":                 "it changes the file system",
		"os.unlink":                 "it changes the file system",
		"os.stat":                   "it looks at the file system",
		"os.access":                 "it looks at the file system",
		"os.scandir":                "it lists a directory",
		"os.walk":                   "it lists a directory",
		"glob.":                     "it lists a directory",
		"os.path.getsize":           "it looks at the file system",
		"os.cpu_count":              "it describes the machine",
		"os.getlogin":               "it is the daemon's user",
		"os.geteuid":                "it is the daemon's user",
		"os.getgid":                 "it is the daemon's group",
		"os.getppid":                "it is the daemon's parent process",
		"pwd.":                      "it reads the password database",
		"grp.":                      "it reads the group database",
		"json.load":                 "it reads a file",
		"configparser.":             "it reads a file",
		"multiprocessing.cpu_count": "it describes the machine",
	} {
		if _, ok := runtimeFuncs[name]; !ok {
			runtimeFuncs[name] = why
		}
	}
}

// jsonDumps is json.dumps(obj, sort_keys=False, separators=None) with
// Python's defaults: ensure_ascii, ", " and ": ".
func jsonDumps(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("json.dumps", &arguments{pos: args.pos}, at, 1, 1); err != nil {
		return nil, err
	}
	itemSep, keySep, sortKeys := ", ", ": ", false
	for _, k := range args.kw {
		switch k.name {
		case "sort_keys":
			t, err := e.truth(k.v, k.at)
			if err != nil {
				return nil, err
			}
			sortKeys = t
		case "separators":
			l, ok := k.v.(*list)
			if _, isNone := k.v.(*none); isNone {
				continue
			}
			if !ok || len(l.items) != 2 {
				return nil, unsupported(k.at, "json.dumps separators= other than a pair of strings")
			}
			a, okA := l.items[0].(*str)
			b, okB := l.items[1].(*str)
			if !okA || !okB {
				return nil, unsupported(k.at, "json.dumps separators= other than a pair of strings")
			}
			itemSep, keySep = a.s, b.s
		case "indent", "ensure_ascii", "default", "cls", "allow_nan", "check_circular", "skipkeys":
			if _, isNone := k.v.(*none); isNone && k.name != "ensure_ascii" {
				continue
			}
			if b, ok := k.v.(*boolean); ok && b.v && (k.name == "ensure_ascii" || k.name == "allow_nan" || k.name == "check_circular") {
				continue
			}
			return nil, unsupported(k.at, "json.dumps with "+k.name+"=")
		default:
			return nil, runtimeError(position(k.at), "json.dumps() got an unexpected keyword argument "+pyRepr(k.name)+": Python stops with TypeError", "Remove the argument.")
		}
	}
	var b strings.Builder
	var write func(v value, depth int) error
	write = func(v value, depth int) error {
		if depth > maxNesting || b.Len() > maxStrLen {
			return unsupported(at, "json.dumps of a value this large")
		}
		switch v := v.(type) {
		case *str:
			jsonString(&b, v.s)
		case *pathValue:
			return runtimeError(position(at), "Object of type PosixPath is not JSON serializable: Python stops with TypeError", "Pass str(path).")
		case *boolean:
			b.WriteString(strconv.FormatBool(v.v))
		case *none:
			b.WriteString("null")
		case *float:
			b.WriteString(floatRepr(v.v))
		case *number:
			n, ok := intOf(v)
			if !ok {
				return unsupported(at, "json.dumps of the number "+v.text)
			}
			b.WriteString(strconv.FormatInt(n, 10))
		case *list:
			b.WriteByte('[')
			for i, it := range v.items {
				if i > 0 {
					b.WriteString(itemSep)
				}
				if err := write(it, depth+1); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case *dict:
			if v.inherits {
				return newDiag(CodeUnresolved, position(at), "json.dumps of os.environ is known only when the script runs", subsetHelp)
			}
			keys := append([]string(nil), v.keys...)
			if sortKeys {
				sort.Strings(keys)
			}
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteString(itemSep)
				}
				switch o := v.orig[k].(type) {
				case nil:
					jsonString(&b, k)
				case *boolean:
					b.WriteString(`"` + strconv.FormatBool(o.v) + `"`)
				case *none:
					b.WriteString(`"null"`)
				case *number:
					n, _ := intOf(o)
					b.WriteString(`"` + strconv.FormatInt(n, 10) + `"`)
				default:
					return runtimeError(position(at), "keys must be str, int, float, bool or None, not "+o.describe()+": Python stops with TypeError", "Use string keys.")
				}
				b.WriteString(keySep)
				if err := write(v.vals[k], depth+1); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		case poisoned:
			return errPoisoned
		default:
			return runtimeError(position(at), fmt.Sprintf("Object of type %s is not JSON serializable: Python stops with TypeError", v.describe()), "Pass strings, numbers, lists and dicts.")
		}
		return nil
	}
	if err := write(args.pos[0], 0); err != nil {
		return nil, err
	}
	if err := e.charge(b.Len(), at); err != nil {
		return nil, err
	}
	return newStr(b.String(), position(at)), nil
}

// jsonString writes s as json.dumps does with ensure_ascii.
func jsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || r >= 0x7f && r < 0x10000:
				fmt.Fprintf(b, `\u%04x`, r)
			case r >= 0x10000:
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
