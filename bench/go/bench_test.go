// Go's side of the benchmark cases (docs/performance.md), run by bench/run.sh with
// `go test -bench` (gc) and, when gccgo is installed, `go test -compiler gccgo`.
// Every case mirrors bench/bench_godefer.c: a noinline function per operation that
// defers the noinline work().
package bench

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

var sink int64

//go:noinline
func work() { sink++ }

//go:noinline
func opNodefer() { work() }

// Open-coded: at most 8 defers, not in a loop, few returns.
//
//go:noinline
func opDefer1() { defer work() }

//go:noinline
func opDefer8() {
	defer work()
	defer work()
	defer work()
	defer work()
	defer work()
	defer work()
	defer work()
	defer work()
}

// Stack record: 16 returns x 1 defer is past the open-coding limit (15).
//
//go:noinline
func opDefer1Stack(x int) int {
	defer work()
	switch x {
	case 1:
		return 1
	case 2:
		return 2
	case 3:
		return 3
	case 4:
		return 4
	case 5:
		return 5
	case 6:
		return 6
	case 7:
		return 7
	case 8:
		return 8
	case 9:
		return 9
	case 10:
		return 10
	case 11:
		return 11
	case 12:
		return 12
	case 13:
		return 13
	case 14:
		return 14
	case 15:
		return 15
	}
	return 0
}

// Heap records: a defer in a loop.
//
//go:noinline
func opLoop(n int) {
	for i := 0; i < n; i++ {
		defer work()
	}
}

var recovered int64

func rec() {
	if recover() != nil {
		recovered++
	}
}

//go:noinline
func pan(d int) {
	if d <= 1 {
		panic(1)
	}
	pan(d - 1)
	sink += 0
}

//go:noinline
func panDefer(d int) {
	defer work()
	if d <= 1 {
		panic(1)
	}
	panDefer(d - 1)
}

//go:noinline
func opPanic0() {
	defer rec()
	panic(1)
}

//go:noinline
func opPanic(d int) {
	defer rec()
	pan(d)
}

//go:noinline
func opPanicDefer(d int) {
	defer rec()
	panDefer(d)
}

var depths = []int{1, 2, 5, 10, 20, 50, 100}

func checkSink(b *testing.B, s0, per int64) {
	if sink-s0 != per*int64(b.N) {
		b.Fatalf("deferred calls: %d, want %d", sink-s0, per*int64(b.N))
	}
}

func checkRecovered(b *testing.B, r0 int64) {
	if recovered-r0 != int64(b.N) {
		b.Fatalf("recovered %d, want %d", recovered-r0, b.N)
	}
}

// Names are the case names of bench/bench.h: BenchmarkG/<case>.
func BenchmarkG(b *testing.B) {
	b.Run("nodefer", func(b *testing.B) {
		s0 := sink
		for i := 0; i < b.N; i++ {
			opNodefer()
		}
		checkSink(b, s0, 1)
	})
	b.Run("defer1", func(b *testing.B) {
		s0 := sink
		for i := 0; i < b.N; i++ {
			opDefer1()
		}
		checkSink(b, s0, 1)
	})
	b.Run("defer1_stack", func(b *testing.B) {
		s0 := sink
		for i := 0; i < b.N; i++ {
			opDefer1Stack(i & 15)
		}
		checkSink(b, s0, 1)
	})
	b.Run("defer8", func(b *testing.B) {
		s0 := sink
		for i := 0; i < b.N; i++ {
			opDefer8()
		}
		checkSink(b, s0, 8)
	})
	for _, n := range []int{1, 10, 100, 10000} {
		n := n
		name := fmt.Sprintf("loop%d", n)
		if n == 1 {
			name = "defer1_heap"
		}
		b.Run(name, func(b *testing.B) {
			s0 := sink
			for i := 0; i < b.N; i++ {
				opLoop(n)
			}
			checkSink(b, s0, int64(n))
		})
	}
	b.Run("panic0", func(b *testing.B) {
		r0 := recovered
		for i := 0; i < b.N; i++ {
			opPanic0()
		}
		checkRecovered(b, r0)
	})
	b.Run("fault_recover", func(b *testing.B) {
		r0 := recovered
		for i := 0; i < b.N; i++ {
			opFaultRecover()
		}
		checkRecovered(b, r0)
	})
	b.Run("go_join", func(b *testing.B) {
		var wg sync.WaitGroup
		s0 := sink
		for i := 0; i < b.N; i++ {
			wg.Add(1)
			go func() {
				work()
				wg.Done()
			}()
			wg.Wait()
		}
		checkSink(b, s0, 1)
	})
	// The coroutine round trip's peer: a ping-pong between two goroutines over
	// unbuffered channels (one send and one receive each way per round trip).
	b.Run("coro_switch", func(b *testing.B) {
		ping, pong := make(chan struct{}), make(chan struct{})
		go func() {
			for range ping {
				work()
				pong <- struct{}{}
			}
		}()
		s0 := sink
		for i := 0; i < b.N; i++ {
			ping <- struct{}{}
			<-pong
		}
		close(ping)
		checkSink(b, s0, 1)
	})
	for _, d := range depths {
		d := d
		b.Run(fmt.Sprintf("panic_d%d", d), func(b *testing.B) {
			r0 := recovered
			for i := 0; i < b.N; i++ {
				opPanic(d)
			}
			checkRecovered(b, r0)
		})
		b.Run(fmt.Sprintf("panic_defer_d%d", d), func(b *testing.B) {
			r0, s0 := recovered, sink
			for i := 0; i < b.N; i++ {
				opPanicDefer(d)
			}
			checkRecovered(b, r0)
			checkSink(b, s0, int64(d))
		})
	}
}

// A recovered nil-pointer fault: Go turns the SIGSEGV into a runtime error panic.
var nilPtr *int64

//go:noinline
func derefNil() { sink += *nilPtr }

//go:noinline
func opFaultRecover() {
	defer rec()
	derefNil()
}

// Throughput of panic+recover at depth 1 on 1 and 2 threads: run with -cpu 1,2.
// Go's recover needs the goroutine's own counter, so the checks count atomically.
var precovered int64

func prec() {
	if recover() != nil {
		atomic.AddInt64(&precovered, 1)
	}
}

//go:noinline
func ppan() { panic(1) }

//go:noinline
func opPPanic() {
	defer prec()
	ppan()
}

func BenchmarkMT(b *testing.B) {
	b.Run("panic_d1", func(b *testing.B) {
		r0 := atomic.LoadInt64(&precovered)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				opPPanic()
			}
		})
		if atomic.LoadInt64(&precovered)-r0 != int64(b.N) {
			b.Fatal("not every panic recovered")
		}
	})
}

// Memory: heap bytes per pending deferred call of one pointer argument (a heap record
// and its closure), and bytes per goroutine (stack and g), as MemStats sees them.
var memSink *int

//go:noinline
func workp(p *int) { memSink = p }

func TestMemory(t *testing.T) {
	const n = 100000
	x := 0
	var before, during runtime.MemStats
	done := make(chan struct{})
	go func() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < n; i++ {
			defer workp(&x)
		}
		runtime.ReadMemStats(&during)
		close(done)
	}()
	<-done
	perDefer := float64(during.TotalAlloc-before.TotalAlloc) / n
	const g = 10000
	stop := make(chan struct{})
	started := make(chan struct{}, g)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < g; i++ {
		go func() { started <- struct{}{}; <-stop }()
	}
	for i := 0; i < g; i++ {
		<-started
	}
	runtime.ReadMemStats(&during)
	perG := float64((during.StackInuse+during.HeapAlloc)-(before.StackInuse+before.HeapAlloc)) / g
	close(stop)
	fmt.Printf("MEM\tmem_defer_pool\t%.1f\nMEM\tmem_goroutine\t%.1f\n", perDefer, perG)
}
