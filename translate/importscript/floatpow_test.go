package importscript

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestFractionalPowMatchesPython raises thousands of doubles to fractional
// powers, as launchers might (2 ** 0.5, mem ** (1/3), 1.1 ** 2.5), with
// python3 and with fractionalPow: wherever fractionalPow gives a result it
// must be Python's to the last bit, and it may decline only a few.
func TestFractionalPowMatchesPython(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pairs := [][2]float64{{2, 0.5}, {8, 1.0 / 3}, {10, 0.25}, {1.1, 2.5}, {1024, 0.1}, {0.5, 1.5}, {3, -0.5}, {1e10, 0.3}, {7, 1e-9}}
	for range 3000 {
		x := math.Exp(rng.Float64()*40 - 20)
		y := rng.Float64()*10 - 5
		if rng.IntN(2) == 0 {
			y = float64(rng.IntN(40)-20) + float64(rng.IntN(7)+1)/8 // quarters, eighths
		}
		if y == math.Trunc(y) {
			continue
		}
		pairs = append(pairs, [2]float64{x, y})
	}
	program := `
import json, sys
out = []
for x, y in json.load(sys.stdin):
    try:
        out.append((x ** y).hex())
    except Exception as e:
        out.append('error')
json.dump(out, sys.stdout)
`
	var want []string
	runPython(t, program, pairs, &want)
	declined := 0
	for i, p := range pairs {
		got, ok := fractionalPow(p[0], p[1])
		if !ok {
			declined++
			continue
		}
		w, err := strconv.ParseFloat(want[i], 64)
		if err != nil {
			t.Fatalf("%v ** %v: python3 gives %s", p[0], p[1], want[i])
		}
		if got != w {
			t.Errorf("%v ** %v: Python gives %v (%s), fractionalPow %v (%x)", p[0], p[1], w, want[i], got, got)
		}
	}
	if declined > len(pairs)/10 {
		t.Errorf("fractionalPow declines %d of %d powers", declined, len(pairs))
	}
	t.Logf("declined %d of %d", declined, len(pairs))
}
