package launch

import "sync"

// concurrency bounds the engine requests and readiness attempts that
// each makes at once.
const concurrency = 8

// buildConcurrency bounds the images built (or pulled) at once: a build
// is CPU and disk work for the engine, which two keep busy.
const buildConcurrency = 2

// each calls f(0) to f(n-1), up to concurrency of them at once, and
// returns when all have returned.
func each(n int, f func(i int)) { eachOf(concurrency, n, f) }

// eachOf is each with up to limit calls at once.
func eachOf(limit, n int, f func(i int)) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, limit)
	for i := 0; i < n; i++ {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			f(i)
		}()
	}
	wg.Wait()
}
