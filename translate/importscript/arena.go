package importscript

import (
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// arena holds the tokens and the most numerous parse nodes of one script
// and is reused for the next: a launcher's syntax tree is garbage once
// Parse returns (what Parse returns holds strings and positions, never a
// node), and a config of 10,000 daemon groups would otherwise make
// 10,000 trees for the collector to find.
type arena struct {
	toks      []lexer.Token
	operands  slab[orNodes]
	trailers  slab[trailer]
	arguments slab[argument]
	stmts     slab[stmt]
	lines     slab[simpleLine]
	smalls    slab[smallStmt]
	exprStmts slab[exprStmt]
	exprLists slab[exprList]
	calls     slab[callArgs]
	argStack  []*argument // the parser's (see parser.callArgs)
	strs      slab[strWithSpan]
}

// slab hands out zeroed T from chunks it keeps; reset zeroes what was
// handed out, for the next script.
type slab[T any] struct {
	chunks [][]T
	chunk  int // the chunk being handed out from
	next   int // its next free item
}

const slabChunk = 32

func (s *slab[T]) new() *T {
	if s.chunk < len(s.chunks) && s.next == len(s.chunks[s.chunk]) {
		s.chunk, s.next = s.chunk+1, 0
	}
	if s.chunk == len(s.chunks) {
		s.chunks = append(s.chunks, make([]T, slabChunk))
	}
	t := &s.chunks[s.chunk][s.next]
	s.next++
	return t
}

// reset zeroes the items handed out; it says whether the slab is small
// enough to keep for another script.
func (s *slab[T]) reset() bool {
	for i := 0; i < s.chunk; i++ {
		clear(s.chunks[i])
	}
	if s.chunk < len(s.chunks) {
		clear(s.chunks[s.chunk][:s.next])
	}
	s.chunk, s.next = 0, 0
	return len(s.chunks) <= maxKeptChunks
}

// An arena that grew past these (a long script) is left to the collector
// rather than kept: the pool should not hold the largest script's memory.
const (
	maxKeptChunks = 16
	maxKeptTokens = 4096
)

var arenas = sync.Pool{New: func() any { return new(arena) }}

func getArena() *arena { return arenas.Get().(*arena) }

// release zeroes the arena and returns it to the pool. Nothing may use the
// syntax tree afterwards.
func (a *arena) release() {
	clear(a.toks)
	a.toks = a.toks[:0]
	keep := a.operands.reset()
	keep = a.trailers.reset() && keep
	keep = a.arguments.reset() && keep
	keep = a.stmts.reset() && keep
	keep = a.lines.reset() && keep
	keep = a.smalls.reset() && keep
	keep = a.exprStmts.reset() && keep
	keep = a.exprLists.reset() && keep
	keep = a.calls.reset() && keep
	keep = a.strs.reset() && keep
	clear(a.argStack[:cap(a.argStack)])
	if keep && cap(a.toks) <= maxKeptTokens {
		arenas.Put(a)
	}
}

// newOperand, newTrailer and newArgument take nodes from the parser's
// arena, or allocate them when it has none (an f-string's field).
func (p *parser) newOperand() *orNodes {
	if p.arena == nil {
		return new(orNodes)
	}
	return p.arena.operands.new()
}

func (p *parser) newTrailer() *trailer {
	if p.arena == nil {
		return new(trailer)
	}
	return p.arena.trailers.new()
}

func (p *parser) newArgument() *argument {
	if p.arena == nil {
		return new(argument)
	}
	return p.arena.arguments.new()
}

// noArena stands in for the arena of a parser that has none; newNode
// then allocates.
var noArena arena

func (p *parser) arenaOr() *arena {
	if p.arena == nil {
		return &noArena
	}
	return p.arena
}

// newNode takes a node from slab s of the parser's arena, or allocates
// one when the parser has none.
func newNode[T any](p *parser, s *slab[T]) *T {
	if p.arena == nil {
		return new(T)
	}
	return s.new()
}
