package expr

import "strings"

// analysis reads the token list for what httpd's LALR parser would say:
// the tokens it expects where it stops, and the lookups of the constructs
// it reduced before that.
type analysis struct {
	toks []token
	opts Options
	// closer[i] is the index of the token closing the bracket, string or
	// variable that toks[i] opens, or -1; call[i] marks a '(' that calls a
	// function.
	closer []int
	call   []bool
}

func (a *analysis) match() {
	n := len(a.toks)
	a.closer = make([]int, n)
	a.call = make([]bool, n)
	var stack []int
	for i, t := range a.toks {
		a.closer[i] = -1
		switch t.kind {
		case tLParen:
			a.call[i] = i > 0 && a.toks[i-1].kind == tID
			stack = append(stack, i)
		case tLBrace, tVarBegin, tStrBegin:
			stack = append(stack, i)
		case tRParen, tRBrace, tVarEnd, tStrEnd:
			if len(stack) > 0 {
				a.closer[stack[len(stack)-1]] = i
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// frame is the innermost construct open before token k, as the index of
// its opening token, or -1 at the top.
func (a *analysis) frame(k int) int {
	var stack []int
	for i := 0; i < k && i < len(a.toks); i++ {
		switch a.toks[i].kind {
		case tLParen, tLBrace, tVarBegin, tStrBegin:
			stack = append(stack, i)
		case tRParen, tRBrace, tVarEnd, tStrEnd:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[len(stack)-1]
}

// exprStart reports whether an expression may start after token i-1 (i
// == 0 is the start): where httpd's grammar takes T_ERROR as an
// expression.
func (a *analysis) exprStart(i int) bool {
	if i == 0 {
		return !a.opts.StringResult
	}
	switch a.toks[i-1].kind {
	case tOpNot, tOpAnd, tOpOr:
		return true
	case tLParen:
		return !a.call[i-1]
	}
	return false
}

// acceptsError reports whether httpd's grammar takes the T_ERROR at k as
// an expression or a string (and aborts with the scanner's message only).
func (a *analysis) acceptsError(k int) bool {
	if a.exprStart(k) {
		return true
	}
	if k == 0 {
		return a.opts.StringResult
	}
	switch a.toks[k-1].kind {
	case tStrBegin:
		return true
	case tColon:
		return a.frame(k) >= 0 && a.toks[a.frame(k)].kind == tVarBegin
	}
	return false
}

func list(ks ...kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.String()
	}
	return strings.Join(names, " or ")
}

// endsWord reports whether token i ends a word (a complete operand).
func (a *analysis) endsWord(i int) bool {
	switch a.toks[i].kind {
	case tDigit, tRegexBackref, tStrEnd:
		return true
	case tVarEnd:
		return true
	case tRParen:
		for j := 0; j < i; j++ {
			if a.closer[j] == i {
				return a.call[j]
			}
		}
	}
	return false
}

// endsExpr reports whether token i ends an expression that is not a word.
func (a *analysis) endsExpr(i int) bool {
	switch a.toks[i].kind {
	case tTrue, tFalse, tRegex, tRegexI, tRBrace:
		return true
	case tRParen:
		for j := 0; j < i; j++ {
			if a.closer[j] == i {
				return !a.call[j]
			}
		}
	}
	return false
}

// operated reports whether the word ending at token i is the operand of a
// unary, binary or comparison operator, so that it completes an
// expression: the expression level is searched back to its start.
func (a *analysis) operated(i int) bool {
	depth := 0
	for j := i; j >= 0; j-- {
		t := a.toks[j]
		switch t.kind {
		case tRParen, tRBrace, tVarEnd, tStrEnd:
			depth++
			continue
		case tLParen, tLBrace, tVarBegin, tStrBegin:
			if depth == 0 {
				return false
			}
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		switch t.kind {
		case tOpUnary, tOpBinary, tOpEQ, tOpNE, tOpLT, tOpLE, tOpGT, tOpGE, tOpStrEQ, tOpStrNE, tOpStrLT, tOpStrLE, tOpStrGT, tOpStrGE:
			return true
		case tOpAnd, tOpOr, tOpNot:
			return false
		}
	}
	return false
}

// expecting is the list bison's verbose message gives for the state the
// parser is in at token k, or "" where it expects more than four tokens
// (bison then lists none).
func (a *analysis) expecting(k int) string {
	f := a.frame(k)
	fk := tEnd
	if f >= 0 {
		fk = a.toks[f].kind
	}
	if k == 0 {
		return ""
	}
	prev := a.toks[k-1]
	inVarArg := fk == tVarBegin && a.colonIn(f, k)
	switch {
	case fk == tVarBegin && !inVarArg:
		switch prev.kind {
		case tVarBegin:
			return list(tID)
		case tID:
			return list(tVarEnd, tColon)
		}
		return ""
	case inVarArg:
		if prev.kind == tColon {
			return list(tError, tString, tRegexBackref, tVarBegin)
		}
		return list(tString, tRegexBackref, tVarBegin, tVarEnd)
	case fk == tStrBegin:
		if prev.kind == tStrBegin {
			return ""
		}
		return list(tString, tRegexBackref, tStrEnd, tVarBegin)
	}
	switch prev.kind {
	case tID:
		return list(tLParen)
	case tOpIn:
		return list(tID, tLBrace)
	case tOpReg, tOpNRE:
		return list(tRegex, tRegexI)
	}
	complete := false
	switch {
	case a.endsWord(k - 1):
		switch {
		case fk == tLParen && a.call[f]:
			return list(tOpConcat, tRParen)
		case fk == tLBrace:
			return list(tRBrace, tComma)
		}
		complete = a.operated(k - 1)
	case a.endsExpr(k - 1):
		complete = true
	}
	if !complete {
		return ""
	}
	if fk == tLParen {
		return list(tOpOr, tOpAnd, tRParen)
	}
	return list(tEnd)
}

// colonIn reports whether the variable opened at f has had its ':' before
// token k.
func (a *analysis) colonIn(f, k int) bool {
	for j := f + 1; j < k; j++ {
		if a.toks[j].kind == tColon && a.frame(j) == f {
			return true
		}
	}
	return false
}

// wordEnd is the index of the last token of the word starting at i, or -1.
func (a *analysis) wordEnd(i int) int {
	for {
		if i >= len(a.toks) {
			return -1
		}
		end := -1
		switch a.toks[i].kind {
		case tDigit, tRegexBackref:
			end = i
		case tVarBegin, tStrBegin:
			end = a.closer[i]
		case tID:
			if i+1 < len(a.toks) && a.toks[i+1].kind == tLParen {
				end = a.closer[i+1]
			}
		}
		if end < 0 {
			return -1
		}
		if end+1 < len(a.toks) && a.toks[end+1].kind == tOpConcat {
			i = end + 2
			continue
		}
		return end
	}
}

// lookupError is the message of the last lookup httpd makes before token
// limit that finds nothing: httpd keeps the last one.
func (a *analysis) lookupError(limit int) string {
	best, bestEnd, bestStart := "", -1, 0
	note := func(start, end int, k Kind, name string) {
		if end < 0 || end >= limit || a.known(k, name) {
			return
		}
		if end > bestEnd || (end == bestEnd && start < bestStart) {
			best, bestEnd, bestStart = notFound(k, name), end, start
		}
	}
	for i, t := range a.toks {
		switch t.kind {
		case tVarBegin:
			if i+1 < len(a.toks) && a.toks[i+1].kind == tID {
				k := Variable
				if i+2 < len(a.toks) && a.toks[i+2].kind == tColon {
					k = Function
				}
				note(i, a.closer[i], k, a.toks[i+1].val)
			}
		case tID:
			if i+1 < len(a.toks) && a.toks[i+1].kind == tLParen {
				k := Function
				if i > 0 && a.toks[i-1].kind == tOpIn {
					k = ListFunction
				}
				note(i, a.closer[i+1], k, t.val)
			}
		case tOpUnary:
			end := a.wordEnd(i + 1)
			note(i, end, UnaryOperator, t.val)
			if t.val == "R" {
				a.subnetArg(i, end, limit, &best, &bestEnd)
			}
		case tOpBinary:
			end := a.wordEnd(i + 1)
			note(i-1, end, BinaryOperator, t.val)
			if strings.EqualFold(t.val, "ipmatch") {
				a.subnetArg(i, end, limit, &best, &bestEnd)
			}
		}
	}
	return best
}

// subnetArg is httpd's subnet_parse_arg for -R and -ipmatch: the operand
// must be one quoted constant, and a subnet.
func (a *analysis) subnetArg(op, end, limit int, best *string, bestEnd *int) {
	if end < 0 || end >= limit || end < *bestEnd {
		return
	}
	first := op + 1
	constant := a.toks[first].kind == tStrBegin && a.closer[first] == end &&
		(end == first+1 || (end == first+2 && a.toks[first+1].kind == tString))
	switch {
	case !constant:
		*best = "-" + a.toks[op].val + " requires subnet/netmask as constant argument"
	case end == first+1 || strings.Trim(a.toks[first+1].val, "0123456789abcdefABCDEF.:/") != "":
		*best = "parsing of subnet/netmask failed"
	default:
		return
	}
	*bestEnd = end
}

func notFound(k Kind, name string) string {
	switch k {
	case Variable:
		return "Variable '" + name + "' does not exist"
	case Function:
		return "Function '" + name + "' does not exist"
	case ListFunction:
		return "List-returning function '" + name + "' does not exist"
	case UnaryOperator:
		return "Unary operator '-" + name + "' does not exist"
	}
	return "Binary operator '-" + name + "' does not exist"
}

// leads reports whether token k may open its group where it stands: ':'
// after a variable's name, ',' after a list element, '.' after a word,
// "||" and "&&" after an expression.
func (a *analysis) leads(k int) bool {
	prev := k - 1
	switch a.toks[k].kind {
	case tColon:
		return a.toks[prev].kind == tID && prev > 0 && a.toks[prev-1].kind == tVarBegin
	case tComma:
		f := a.frame(k)
		return f >= 0 && a.toks[f].kind == tLBrace && a.endsWord(prev)
	case tOpConcat:
		return a.endsWord(prev)
	case tOpOr, tOpAnd:
		return a.endsExpr(prev) || (a.endsWord(prev) && a.operated(prev))
	}
	return false
}
