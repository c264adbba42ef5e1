package importscript

import (
	"math"
	"math/big"
	"sync"
)

// Fractional powers (2 ** 0.25, x ** (1/3)) are worked out as exp(y·ln x)
// with 200 bits and rounded once to the nearest double, which is what a
// correctly rounded pow gives. glibc's pow, which CPython calls, is
// documented within 0.52 ULP: it rounds correctly except, perhaps, when
// the exact value lies within a few hundredths of an ULP of half-way
// between two doubles. There the reader cannot know which one the C
// library returns, and says so rather than guess.

const powPrec = 200

// powNearHalf is how close (in ULPs) to half-way the exact value may come
// before the result is not followed.
const powNearHalf = 0.03

var (
	ln2Once sync.Once
	ln2Big  *big.Float
)

// ln2 is ln 2 = 2·atanh(1/3), to powPrec bits.
func ln2() *big.Float {
	ln2Once.Do(func() {
		third := new(big.Float).SetPrec(powPrec).Quo(big.NewFloat(1).SetPrec(powPrec), big.NewFloat(3).SetPrec(powPrec))
		ln2Big = atanh2(third)
	})
	return ln2Big
}

// atanh2 is 2·atanh(z) = 2·Σ z^(2k+1)/(2k+1), for |z| ≤ 1/3.
func atanh2(z *big.Float) *big.Float {
	sum := new(big.Float).SetPrec(powPrec)
	z2 := new(big.Float).SetPrec(powPrec).Mul(z, z)
	p := new(big.Float).SetPrec(powPrec).Set(z)
	term := new(big.Float).SetPrec(powPrec)
	for k := int64(0); k < 400; k++ {
		term.Quo(p, new(big.Float).SetPrec(powPrec).SetInt64(2*k+1))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -powPrec-8 {
			break
		}
		p.Mul(p, z2)
	}
	return sum.Mul(sum, big.NewFloat(2).SetPrec(powPrec))
}

// lnBig is ln x for a finite x > 0.
func lnBig(x float64) *big.Float {
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m, e = m*2, e-1 // m in [0.707, 1.414): z below 0.18
	}
	bm := new(big.Float).SetPrec(powPrec).SetFloat64(m)
	one := new(big.Float).SetPrec(powPrec).SetInt64(1)
	num := new(big.Float).SetPrec(powPrec).Sub(bm, one)
	den := new(big.Float).SetPrec(powPrec).Add(bm, one)
	out := atanh2(num.Quo(num, den))
	return out.Add(out, new(big.Float).SetPrec(powPrec).Mul(ln2(), new(big.Float).SetPrec(powPrec).SetInt64(int64(e))))
}

// expBig is exp(t) for |t| below 760.
func expBig(t *big.Float) *big.Float {
	// t = k·ln2 + r with |r| ≤ ln2/2; exp(r) from its series at r/1024,
	// squared ten times.
	q, _ := new(big.Float).SetPrec(powPrec).Quo(t, ln2()).Float64()
	k := math.Round(q)
	r := new(big.Float).SetPrec(powPrec).Mul(ln2(), new(big.Float).SetPrec(powPrec).SetFloat64(k))
	r.Sub(t, r)
	r.SetMantExp(r, -10)
	sum := new(big.Float).SetPrec(powPrec).SetInt64(1)
	term := new(big.Float).SetPrec(powPrec).SetInt64(1)
	for n := int64(1); n < 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(powPrec).SetInt64(n))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < -powPrec-8 {
			break
		}
	}
	for range 10 {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// fractionalPow is x ** y for a finite x > 0 and a finite y that is not
// an integer, as glibc's pow gives it; ok is false where the result is
// too close to half-way between two doubles to know, overflows, or is
// below the normal doubles.
func fractionalPow(x, y float64) (float64, bool) {
	if x == 1 {
		return 1, true
	}
	t := lnBig(x)
	t.Mul(t, new(big.Float).SetPrec(powPrec).SetFloat64(y))
	if tf, _ := t.Float64(); tf > 709.8 || tf < -708 {
		return 0, false // beyond the doubles, or among the subnormal ones
	}
	exact := expBig(t)
	f, _ := exact.Float64()
	if math.IsInf(f, 0) || f < 0x1p-1022 {
		return 0, false
	}
	// How far the exact value is from f, in ULPs of f: near 0.5 is near
	// half-way.
	_, e := math.Frexp(f)
	ulp := new(big.Float).SetPrec(powPrec).SetMantExp(big.NewFloat(1), e-53)
	d := new(big.Float).SetPrec(powPrec).Sub(exact, new(big.Float).SetPrec(powPrec).SetFloat64(f))
	dist, _ := d.Quo(d, ulp).Float64()
	if math.Abs(math.Abs(dist)-0.5) < powNearHalf {
		return 0, false
	}
	return f, true
}
