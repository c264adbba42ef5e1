package catalog

// ArgsHow is httpd's cmd_how: how the server splits a directive's
// arguments, and which counts it accepts, before it calls the module's
// handler (server/config.c, invoke_cmd).
type ArgsHow uint8

// The values of httpd's enum cmd_how, in its order.
const (
	// RawArgs: the handler gets the argument text and parses it itself.
	RawArgs ArgsHow = iota
	// Take1: exactly one argument.
	Take1
	// Take2: exactly two.
	Take2
	// Iterate: one or more, the handler called for each.
	Iterate
	// Iterate2: two or more, the handler called with the first and each
	// other.
	Iterate2
	// Flag: On or Off, case-insensitively.
	Flag
	// NoArgs: none.
	NoArgs
	// Take12: one or two.
	Take12
	// Take3: exactly three.
	Take3
	// Take23: two or three.
	Take23
	// Take123: one, two or three.
	Take123
	// Take13: one or three.
	Take13
	// TakeArgv: any number, as a list.
	TakeArgv
)

var argsHowNames = [...]string{"RAW_ARGS", "TAKE1", "TAKE2", "ITERATE", "ITERATE2", "FLAG", "NO_ARGS", "TAKE12", "TAKE3", "TAKE23", "TAKE123", "TAKE13", "TAKE_ARGV"}

// String is the name httpd's source gives the value ("TAKE12").
func (a ArgsHow) String() string {
	if int(a) < len(argsHowNames) {
		return argsHowNames[a]
	}
	return "ArgsHow(?)"
}

// ReqOverride is a command's req_override mask (include/http_config.h).
type ReqOverride uint16

// The bits of a req_override mask.
const (
	OrLimit    ReqOverride = 1
	OrOptions  ReqOverride = 2
	OrFileInfo ReqOverride = 4
	OrAuthCfg  ReqOverride = 8
	OrIndexes  ReqOverride = 16
	// OrUnset marks AllowOverride as not set; no command carries it.
	OrUnset ReqOverride = 32
	// AccessConf: inside <Directory>, <Location>, <Files>, <If> in *.conf.
	AccessConf ReqOverride = 64
	// RsrcConf: outside them, in the main server and <VirtualHost>.
	RsrcConf ReqOverride = 128
	// ExecOnRead: run while the file is read, not in the walk.
	ExecOnRead ReqOverride = 256
	// OrAll is every AllowOverride class.
	OrAll = OrLimit | OrOptions | OrFileInfo | OrAuthCfg | OrIndexes
)
