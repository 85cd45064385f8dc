// The program generator of the differential fuzzer: one random program per seed, written
// as Go and as C against godefer.  Calls go to a random depth (function i only refers to
// functions j > i, so nothing recurses), defers in straight code and in loops, panics of
// strings and integers, recover called directly by a deferred call or by a helper, panics
// inside deferred calls, re-panics of the recovered value, `defer recover()`, Goexit, and
// a print at every step.  Every panic site has its own value, so equal printed values are
// the same value.  Anything may follow an unconditional panic or Goexit (dead code, where
// GCC 12 once miscompiled go_frame's recovery point), and recover may sit in a function
// that defers.
package main

import (
	"fmt"
	"math/rand"
	"regexp"
	"strings"
)

type stmtKind int

const (
	sPrint        stmtKind = iota // print an event
	sCall                         // call function T with argument N
	sDefer                        // defer function T with argument N
	sDeferLoop                    // for i < Loop: defer function T with argument N+i
	sPanicStr                     // panic with a string
	sPanicInt                     // panic with an integer
	sRecover                      // print recover()
	sRepanic                      // if recover() != nil, print it and panic with it again
	sGoexit                       // runtime.Goexit()
	sDeferNil                     // defer a nil function value
	sDeferRecover                 // defer recover()
	numKinds
)

type stmt struct {
	Kind stmtKind
	T    int // target function
	N    int // argument
	Loop int // loop count
	ID   int // event id, unique in the program
	Cond int // >= 0: only when the function's argument equals Cond
}

type fn struct {
	Body []stmt
}

// Prog is one generated program.
type Prog struct {
	Seed   int64
	Funcs  []fn
	Thread bool // run the entry function in a goroutine / pthread
}

func genProg(seed int64) *Prog {
	r := rand.New(rand.NewSource(seed))
	for {
		p := tryGen(r, seed)
		if p.cost(0, map[int]int{}) <= 300 {
			return p
		}
	}
}

func tryGen(r *rand.Rand, seed int64) *Prog {
	p := &Prog{Seed: seed, Thread: r.Intn(5) == 0}
	nf := 2 + r.Intn(8)
	p.Funcs = make([]fn, nf)
	id := 1
	for i := range p.Funcs {
		n := 1 + r.Intn(5)
		// Go's defer func() { defer recover(); ... }(): a function that starts with a
		// deferred recover, which recovers when it was called by a panic and returns.
		// (3% of the programs recover so, about 10% with a recover() called directly.)
		if r.Intn(5) == 0 {
			p.Funcs[i].Body = append(p.Funcs[i].Body, stmt{Kind: sDeferRecover, ID: id, Cond: -1})
			id++
		}
		for k := 0; k < n; k++ {
			s := stmt{ID: id, Cond: -1}
			id++
			w := r.Intn(100)
			switch {
			case w < 9:
				s.Kind = sPrint
			case w < 23:
				s.Kind = sCall
			case w < 46:
				s.Kind = sDefer
			case w < 53:
				s.Kind = sDeferLoop
				s.Loop = 1 + r.Intn(3)
			case w < 61:
				s.Kind = sPanicStr
			case w < 66:
				s.Kind = sPanicInt
			case w < 77:
				s.Kind = sRecover
			case w < 83:
				s.Kind = sRepanic
			case w < 92:
				s.Kind = sDeferRecover
			case w < 96:
				s.Kind = sGoexit
			default:
				s.Kind = sDeferNil
			}
			if s.Kind == sCall || s.Kind == sDefer || s.Kind == sDeferLoop {
				if i == nf-1 {
					s.Kind = sPrint
				} else {
					s.T = i + 1 + r.Intn(nf-i-1)
					s.N = r.Intn(4)
				}
			}
			if (s.Kind == sPanicStr || s.Kind == sPanicInt || s.Kind == sGoexit) && r.Intn(2) == 0 || s.Kind == sDeferRecover && r.Intn(4) == 0 {
				s.Cond = r.Intn(4)
			}
			p.Funcs[i].Body = append(p.Funcs[i].Body, s)
		}
	}
	return p
}

// cost bounds the number of calls a run makes.
func (p *Prog) cost(f int, memo map[int]int) int {
	if c, ok := memo[f]; ok {
		return c
	}
	c := 1
	for _, s := range p.Funcs[f].Body {
		switch s.Kind {
		case sCall, sDefer:
			c += p.cost(s.T, memo)
		case sDeferLoop:
			c += s.Loop * p.cost(s.T, memo)
		}
	}
	memo[f] = c
	return c
}

// ---- Go --------------------------------------------------------------------------------

func (p *Prog) pfx() string { return fmt.Sprintf("c%d_", p.Seed) }

func (p *Prog) goCase(b *strings.Builder) {
	x := p.pfx()
	for i, f := range p.Funcs {
		fmt.Fprintf(b, "func %sf%d(a int) {\n\tfmt.Println(\"f%d\", a)\n", x, i, i)
		for _, s := range f.Body {
			ind := "\t"
			if s.Cond >= 0 {
				fmt.Fprintf(b, "\tif a == %d {\n", s.Cond)
				ind = "\t\t"
			}
			switch s.Kind {
			case sPrint:
				fmt.Fprintf(b, "%sfmt.Println(\"f%d s%d\", a)\n", ind, i, s.ID)
			case sCall:
				fmt.Fprintf(b, "%s%sf%d(%d)\n", ind, x, s.T, s.N)
			case sDefer:
				fmt.Fprintf(b, "%sdefer %sf%d(%d)\n", ind, x, s.T, s.N)
			case sDeferLoop:
				fmt.Fprintf(b, "%sfor i := 0; i < %d; i++ {\n%s\tdefer %sf%d(%d + i)\n%s}\n", ind, s.Loop, ind, x, s.T, s.N, ind)
			case sPanicStr:
				fmt.Fprintf(b, "%sfmt.Println(\"f%d panic s%d\")\n%spanic(\"p%d.%d\")\n", ind, i, s.ID, ind, p.Seed, s.ID)
			case sPanicInt:
				fmt.Fprintf(b, "%sfmt.Println(\"f%d panic s%d\")\n%spanic(%d)\n", ind, i, s.ID, ind, s.ID*1000+int(p.Seed%1000))
			case sRecover:
				fmt.Fprintf(b, "%sr%d := recover()\n%snilFaultRecovered(r%d)\n%sfmt.Println(\"f%d recover s%d\", r%d)\n", ind, s.ID, ind, s.ID, ind, i, s.ID, s.ID)
			case sRepanic:
				fmt.Fprintf(b, "%sif r := recover(); r != nil {\n%s\tnilFaultRecovered(r)\n%s\tfmt.Println(\"f%d repanic s%d\", r)\n%s\tpanic(r)\n%s}\n", ind, ind, ind, i, s.ID, ind, ind)
			case sGoexit:
				fmt.Fprintf(b, "%sfmt.Println(\"f%d goexit s%d\")\n%sgoexitPending = true\n%sruntime.Goexit()\n", ind, i, s.ID, ind, ind)
			case sDeferNil:
				fmt.Fprintf(b, "%svar nf%d func()\n%sdefer nf%d()\n", ind, s.ID, ind, s.ID)
			case sDeferRecover:
				fmt.Fprintf(b, "%sdefer recover()\n", ind)
			}
			if s.Cond >= 0 {
				b.WriteString("\t}\n")
			}
		}
		b.WriteString("}\n\n")
	}
	if p.Thread {
		// done is closed when the goroutine returns or ends by Goexit, not when it dies of
		// a panic: main would race with the crash report.  (The C thread is joined.)
		fmt.Fprintf(b, "func %sthread(done chan struct{}) {\n\tdefer func() {\n\t\tif !panicking() {\n\t\t\tclose(done)\n\t\t}\n\t}()\n\t%sf0(0)\n\tgoexitBypassed()\n}\n\n", x, x)
		fmt.Fprintf(b, "func %smain() {\n\tfmt.Println(\"start\")\n\tdone := make(chan struct{})\n\tgo %sthread(done)\n\t<-done\n\tfmt.Println(\"end\")\n}\n\n", x, x)
	} else {
		fmt.Fprintf(b, "func %smain() {\n\tfmt.Println(\"start\")\n\t%sf0(0)\n\tgoexitBypassed()\n\tfmt.Println(\"end\")\n}\n\n", x, x)
	}
}

// GoSource is a Go program running the given cases, selected by os.Args[1].
func GoSource(ps []*Prog) string {
	var b strings.Builder
	b.WriteString("// Generated by gdconform (tests/conformance/gdconform/gen.go).\npackage main\n\n")
	b.WriteString("import (\n\t\"fmt\"\n\t\"os\"\n\t\"runtime\"\n)\n\nvar _ = runtime.Goexit\n\n")
	for _, p := range ps {
		p.goCase(&b)
	}
	b.WriteString(panickingGo)
	b.WriteString(goexitGo)
	b.WriteString(nilFaultGo)
	b.WriteString("var cases = map[string]func(){\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "\t\"%d\": %smain,\n", p.Seed, p.pfx())
	}
	b.WriteString("}\n\nfunc main() {\n\tcases[os.Args[1]]()\n}\n")
	return b.String()
}

// ---- C ---------------------------------------------------------------------------------

func (p *Prog) cCase(b *strings.Builder) {
	x := p.pfx()
	for i := range p.Funcs {
		fmt.Fprintf(b, "void %sf%d(int *ap);\n", x, i)
	}
	for i, f := range p.Funcs {
		frame := false
		for _, s := range f.Body {
			if s.Kind == sDefer || s.Kind == sDeferLoop || s.Kind == sDeferNil || s.Kind == sDeferRecover {
				frame = true
			}
		}
		fmt.Fprintf(b, "void %sf%d(int *ap) {\n\tint a = *ap;\n\tprintf(\"f%d %%d\\n\", a);\n", x, i, i)
		ind := "\t"
		if frame {
			b.WriteString("\tgo_frame {\n")
			ind = "\t\t"
		}
		for _, s := range f.Body {
			in := ind
			if s.Cond >= 0 {
				fmt.Fprintf(b, "%sif (a == %d) {\n", ind, s.Cond)
				in = ind + "\t"
			}
			switch s.Kind {
			case sPrint:
				fmt.Fprintf(b, "%sprintf(\"f%d s%d %%d\\n\", a);\n", in, i, s.ID)
			case sCall:
				fmt.Fprintf(b, "%s%sf%d(&(int){%d});\n", in, x, s.T, s.N)
			case sDefer:
				fmt.Fprintf(b, "%sgo_defer_val(%sf%d, (int){%d});\n", in, x, s.T, s.N)
			case sDeferLoop:
				fmt.Fprintf(b, "%sfor (int i = 0; i < %d; i++) go_defer_val(%sf%d, %d + i);\n", in, s.Loop, x, s.T, s.N)
			case sPanicStr:
				fmt.Fprintf(b, "%sprintf(\"f%d panic s%d\\n\");\n%sgo_panic(go_str(\"p%d.%d\"));\n", in, i, s.ID, in, p.Seed, s.ID)
			case sPanicInt:
				fmt.Fprintf(b, "%sprintf(\"f%d panic s%d\\n\");\n%sgo_panic(go_int(%d));\n", in, i, s.ID, in, s.ID*1000+int(p.Seed%1000))
			case sRecover:
				fmt.Fprintf(b, "%s{\n%s\tgo_any r = go_recover();\n%s\tprintf(\"f%d recover s%d \");\n%s\tgo_fprint(stdout, r);\n%s\tprintf(\"\\n\");\n%s}\n",
					in, in, in, i, s.ID, in, in, in)
			case sRepanic:
				fmt.Fprintf(b, "%s{\n%s\tgo_any r = go_recover();\n%s\tif (!go_isnil(r)) {\n%s\t\tprintf(\"f%d repanic s%d \");\n%s\t\tgo_fprint(stdout, r);\n%s\t\tprintf(\"\\n\");\n%s\t\tgo_panic(r);\n%s\t}\n%s}\n",
					in, in, in, in, i, s.ID, in, in, in, in, in)
			case sGoexit:
				fmt.Fprintf(b, "%sprintf(\"f%d goexit s%d\\n\");\n%sgo_goexit();\n", in, i, s.ID, in)
			case sDeferNil:
				fmt.Fprintf(b, "%s{\n%s\tvoid (*nf)(void *) = NULL;\n%s\tgo_defer(nf, NULL);\n%s}\n", in, in, in, in)
			case sDeferRecover:
				fmt.Fprintf(b, "%sgo_defer_recover();\n", in)
			}
			if s.Cond >= 0 {
				fmt.Fprintf(b, "%s}\n", ind)
			}
		}
		if frame {
			b.WriteString("\t}\n")
		}
		b.WriteString("}\n\n")
	}
	if p.Thread {
		fmt.Fprintf(b, "static void *%sthread(void *u) {\n\t(void)u;\n\t%sf0(&(int){0});\n\treturn NULL;\n}\n\n", x, x)
		fmt.Fprintf(b, "static void %smain(void) {\n\tprintf(\"start\\n\");\n\tpthread_t t;\n\tif (pthread_create(&t, NULL, %sthread, NULL) != 0) abort();\n\tpthread_join(t, NULL);\n\tprintf(\"end\\n\");\n}\n\n", x, x)
	} else {
		fmt.Fprintf(b, "static void %smain(void) {\n\tprintf(\"start\\n\");\n\t%sf0(&(int){0});\n\tprintf(\"end\\n\");\n}\n\n", x, x)
	}
}

// CSource is the C program of the same cases.
func CSource(ps []*Prog) string {
	var b strings.Builder
	b.WriteString("/* Generated by gdconform (tests/conformance/gdconform/gen.go). */\n")
	b.WriteString("#include <godefer.h>\n#include <pthread.h>\n#include <stdlib.h>\n#include <string.h>\n\n")
	for _, p := range ps {
		p.cCase(&b)
	}
	b.WriteString("int main(int argc, char **argv) {\n\tif (argc != 2) return 99;\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "\tif (strcmp(argv[1], \"%d\") == 0) %smain();\n", p.Seed, p.pfx())
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// Go 1.19 lets a recovery jump past a pending Goexit when the Goexit is not the recovered
// panic's immediate link; Go 1.22+ never does (its recovery resumes the Goexit), and
// neither does godefer.  The oracle detects the jump (the function that called Goexit
// returned) and says so: the fuzzer lists those seeds instead of comparing them.
const bypassMarker = "gdconform: Go 1.19 recovery bypassed a pending Goexit"

// The jump may also go unseen by the program: a deferred call that the recovering frame
// runs afterwards panics, and the program dies.  A Goexit's frame stays on its goroutine's
// stack until the goroutine ends, so a complete trace of the (one) goroutine with fewer
// runtime.Goexit frames than Goexits started (their "goexit s" lines) shows the jump: with
// none left (seed 733352575097), or with only a later Goexit's (seed 756565368579: the
// recovery jumped past the first Goexit, a deferred call run after it started a second).
var goexitLineRe = regexp.MustCompile(`(?m)^f[0-9]+ goexit s[0-9]+$`)

func (p *Prog) goexitBypassed(g Outcome) bool {
	if strings.Contains(g.Stderr, bypassMarker) {
		return true
	}
	started := len(goexitLineRe.FindAllString(g.Stdout, -1))
	if started == 0 {
		return false
	}
	r := ToCurrentGo(ParseReport(g.Stderr), map[string]bool{"main." + p.pfx() + "thread": true})
	if len(r.Head) == 0 || r.fatal() || r.Cut || len(r.Funcs) == 0 {
		return false
	}
	frames := 0
	for _, f := range r.Funcs {
		if f == "runtime.Goexit" {
			frames++
		}
	}
	return frames < started
}

// Go 1.19 also mishandles a panic that a deferred nil function raised inside another
// panic's loop (the fault is in runtime.gopanic or deferCallSave) once a deferred call
// recovers it while a still older panic is pending: a later recover of the oldest panic
// may fail, or succeed and still end in its report, with a [signal] line of garbage
// (1.19 passes the recovery's sp and pc in g.sigcode0/1).  Go 1.22's new panic machinery
// has no such path and godefer follows it: e.g. seed 987957941192, where the oldest
// panic's `defer recover()` recovers in Go 1.22+ and in godefer, but not in 1.19.  The
// oracle's programs check each direct recover and say so; the fuzzer lists those seeds
// instead of comparing them.
const nilFaultMarker = "gdconform: Go 1.19 recovered a nil deferred call's fault raised in a panic's loop"

const nilFaultGo = `func nilFaultRecovered(r any) {
	if e, ok := r.(runtime.Error); !ok || e.Error() != "runtime error: invalid memory address or nil pointer dereference" {
		return
	}
	pc := make([]uintptr, 4096)
	frames := runtime.CallersFrames(pc[:runtime.Callers(1, pc)])
	panics, inLoop, afterSig := 0, false, false
	for {
		f, more := frames.Next()
		if afterSig {
			inLoop = f.Function == "runtime.gopanic" || f.Function == "runtime.deferCallSave" ||
				f.Function == "runtime.runOpenDeferFrame"
			afterSig = false
		}
		switch f.Function {
		case "runtime.gopanic":
			panics++
		case "runtime.sigpanic":
			afterSig = panics == 1 // the recovered panic's fault
		}
		if !more {
			break
		}
	}
	if inLoop && panics >= 3 {
		fmt.Fprintln(os.Stderr, "` + nilFaultMarker + `")
	}
}

`

// notComparable says why the oracle's run of p cannot be compared with godefer's: a Go
// 1.19 behaviour that current Go does not have (see above), or "" when it can.
func (p *Prog) notComparable(g Outcome) string {
	switch {
	case p.goexitBypassed(g):
		return "Go 1.19 let a recovery bypass a pending Goexit (fixed in Go 1.22; godefer follows 1.22)"
	case strings.Contains(g.Stderr, nilFaultMarker):
		return "Go 1.19 recovered a nil deferred call's fault raised in another panic's loop while a still older panic was pending (its later recovers are unreliable; Go 1.22 and godefer have no such path)"
	}
	return ""
}

const goexitGo = `var goexitPending bool

func goexitBypassed() {
	if goexitPending {
		fmt.Fprintln(os.Stderr, "` + bypassMarker + `")
		os.Exit(3)
	}
}

`

// panicking tells a goroutine's last deferred call whether a panic is unwinding it (and
// the program will die), rather than a return or a Goexit (which a panic's deferred call
// may start, cancelling the panic): the newest of the panic and Goexit frames decides.
const panickingGo = `func panicking() bool {
	pc := make([]uintptr, 4096)
	frames := runtime.CallersFrames(pc[:runtime.Callers(1, pc)])
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.gopanic":
			return true
		case "runtime.Goexit":
			return false
		}
		if !more {
			return false
		}
	}
}

`
