package httpdtable

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// Command is one entry of a module's command table (httpd's command_rec),
// as compiled into the module: how httpd tokenizes the directive's
// arguments before calling its handler, where it allows it, and the usage
// text httpd appends to its argument-count errors.
type Command struct {
	Name string
	// ReqOverride is the command's req_override mask (RSRC_CONF,
	// ACCESS_CONF, OR_* and EXEC_ON_READ bits).
	ReqOverride int
	// ArgsHow is the command's args_how (cmd_how in http_config.h).
	ArgsHow ArgsHow
	// Usage is the command's errmsg; empty when the module gives none.
	Usage string
}

// ArgsHow is httpd's enum cmd_how, in its declaration order.
type ArgsHow int

// The values of enum cmd_how (include/http_config.h).
const (
	RawArgs ArgsHow = iota
	Take1
	Take2
	Iterate
	Iterate2
	Flag
	NoArgs
	Take12
	Take3
	Take23
	Take123
	Take13
	TakeArgv
)

var argsHowNames = [...]string{"RawArgs", "Take1", "Take2", "Iterate", "Iterate2", "Flag", "NoArgs", "Take12", "Take3", "Take23", "Take123", "Take13", "TakeArgv"}

func (a ArgsHow) String() string {
	if a >= 0 && int(a) < len(argsHowNames) {
		return argsHowNames[a]
	}
	return fmt.Sprintf("ArgsHow(%d)", int(a))
}

// The layout of httpd 2.4's module and command_rec structures on a 64-bit
// little-endian machine (include/http_config.h): the module's magic
// cookie and its cmds pointer, and the fields of one command_rec.
const (
	moduleMagicOffset = 40
	moduleCmdsOffset  = 88
	moduleMagicCookie = 0x41503234 // "AP24", MODULE_MAGIC_COOKIE

	commandSize          = 40
	commandNameOffset    = 0
	commandOverrideOff   = 24
	commandArgsHowOffset = 28
	commandErrmsgOffset  = 32

	// maxCommands bounds a table whose terminating entry is missing.
	maxCommands = 4096
)

// image is a loaded view of an ELF file: its allocated sections by
// address, and the pointers its dynamic relocations fill in.
type image struct {
	file     string
	sections []*elf.Section
	data     map[*elf.Section][]byte
	// relocated are the pointer values that R_X86_64_RELATIVE and
	// R_X86_64_64 relocations against defined symbols store, by address.
	relocated map[uint64]uint64
	symbols   map[string]elf.Symbol
}

// The x86-64 relocation types a pointer to data in the same object uses.
const (
	rX8664_64       = 1
	rX8664Relative  = 8
	relaEntrySize   = 24
	symbolIndexBits = 32
)

func openImage(file string) (*image, error) {
	f, err := elf.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Machine != elf.EM_X86_64 {
		return nil, fmt.Errorf("%s: not an x86-64 ELF file; the command table reader knows only that layout", file)
	}
	im := &image{file: file, data: map[*elf.Section][]byte{}, relocated: map[uint64]uint64{}, symbols: map[string]elf.Symbol{}}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, fmt.Errorf("%s: dynamic symbols: %v", file, err)
	}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF {
			im.symbols[s.Name] = s
		}
	}
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Type == elf.SHT_NOBITS || s.Addr == 0 {
			continue
		}
		d, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("%s: section %s: %v", file, s.Name, err)
		}
		im.sections = append(im.sections, s)
		im.data[s] = d
	}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		d, err := s.Data()
		if err != nil {
			return nil, fmt.Errorf("%s: section %s: %v", file, s.Name, err)
		}
		for i := 0; i+relaEntrySize <= len(d); i += relaEntrySize {
			off := binary.LittleEndian.Uint64(d[i:])
			info := binary.LittleEndian.Uint64(d[i+8:])
			addend := binary.LittleEndian.Uint64(d[i+16:])
			switch info & 0xffffffff {
			case rX8664Relative:
				im.relocated[off] = addend
			case rX8664_64:
				idx := int(info >> symbolIndexBits)
				if idx >= 1 && idx-1 < len(syms) && syms[idx-1].Section != elf.SHN_UNDEF {
					im.relocated[off] = syms[idx-1].Value + addend
				}
			}
		}
	}
	return im, nil
}

// bytesAt returns the bytes of the image from address addr to the end of
// its section.
func (im *image) bytesAt(addr uint64) ([]byte, error) {
	for _, s := range im.sections {
		if addr >= s.Addr && addr < s.Addr+uint64(len(im.data[s])) {
			return im.data[s][addr-s.Addr:], nil
		}
	}
	return nil, fmt.Errorf("%s: address %#x is in no loaded section", im.file, addr)
}

// pointer reads the pointer stored at addr, as the dynamic loader leaves
// it.
func (im *image) pointer(addr uint64) (uint64, error) {
	if v, ok := im.relocated[addr]; ok {
		return v, nil
	}
	b, err := im.bytesAt(addr)
	if err != nil {
		return 0, err
	}
	if len(b) < 8 {
		return 0, fmt.Errorf("%s: pointer at %#x runs past its section", im.file, addr)
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (im *image) int32At(addr uint64) (int, error) {
	b, err := im.bytesAt(addr)
	if err != nil {
		return 0, err
	}
	if len(b) < 4 {
		return 0, fmt.Errorf("%s: integer at %#x runs past its section", im.file, addr)
	}
	return int(int32(binary.LittleEndian.Uint32(b))), nil
}

// cString reads the NUL-terminated string at addr; address 0 is "".
func (im *image) cString(addr uint64) (string, error) {
	if addr == 0 {
		return "", nil
	}
	b, err := im.bytesAt(addr)
	if err != nil {
		return "", err
	}
	end := bytes.IndexByte(b, 0)
	if end < 0 {
		return "", fmt.Errorf("%s: string at %#x is not terminated", im.file, addr)
	}
	return string(b[:end]), nil
}

// commandTable reads the command table of the module structure named
// symbol.
func (im *image) commandTable(symbol string) ([]Command, error) {
	sym, ok := im.symbols[symbol]
	if !ok {
		return nil, fmt.Errorf("%s does not export %s", im.file, symbol)
	}
	magic, err := im.pointer(sym.Value + moduleMagicOffset)
	if err != nil {
		return nil, err
	}
	if magic != moduleMagicCookie {
		return nil, fmt.Errorf("%s: %s has magic %#x, not httpd 2.4's %#x: not a module structure of this layout", im.file, symbol, magic, moduleMagicCookie)
	}
	cmds, err := im.pointer(sym.Value + moduleCmdsOffset)
	if err != nil || cmds == 0 {
		return nil, err
	}
	var out []Command
	for i := 0; ; i++ {
		if i == maxCommands {
			return nil, fmt.Errorf("%s: the command table of %s has no end", im.file, symbol)
		}
		rec := cmds + uint64(i*commandSize)
		namePtr, err := im.pointer(rec + commandNameOffset)
		if err != nil {
			return nil, err
		}
		if namePtr == 0 {
			return out, nil
		}
		var c Command
		if c.Name, err = im.cString(namePtr); err != nil {
			return nil, err
		}
		if c.ReqOverride, err = im.int32At(rec + commandOverrideOff); err != nil {
			return nil, err
		}
		how, err := im.int32At(rec + commandArgsHowOffset)
		if err != nil {
			return nil, err
		}
		if how < 0 || how > int(TakeArgv) {
			return nil, fmt.Errorf("%s: %s of %s has args_how %d, which httpd 2.4 does not define", im.file, c.Name, symbol, how)
		}
		c.ArgsHow = ArgsHow(how)
		errmsg, err := im.pointer(rec + commandErrmsgOffset)
		if err != nil {
			return nil, err
		}
		if c.Usage, err = im.cString(errmsg); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}
