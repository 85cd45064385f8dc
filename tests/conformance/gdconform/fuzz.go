// The differential fuzzer's driver: generate a batch of programs, build one Go and one C
// binary for the whole batch, run every case in both, compare; on the first difference,
// minimize the program and report it with its seed.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

type fuzzer struct {
	cc   string // script: cc.sh in.c out
	work string
	jobs int
}

func (z *fuzzer) build(name string, ps []*Prog) (goBin, cBin string, err error) {
	gsrc := filepath.Join(z.work, name+".go")
	csrc := filepath.Join(z.work, name+".c")
	goBin = filepath.Join(z.work, name+"-go")
	cBin = filepath.Join(z.work, name+"-c")
	if err = os.WriteFile(gsrc, []byte(GoSource(ps)), 0o644); err != nil {
		return
	}
	if err = os.WriteFile(csrc, []byte(CSource(ps)), 0o644); err != nil {
		return
	}
	var gerr, cerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gerr = goBuild(goBin, gsrc)
	}()
	out, e := exec.Command("sh", z.cc, csrc, cBin).CombinedOutput()
	if e != nil {
		cerr = fmt.Errorf("%s %s: %v\n%s", z.cc, csrc, e, out)
	}
	wg.Wait()
	if gerr != nil {
		return "", "", gerr
	}
	return goBin, cBin, cerr
}

type caseResult struct {
	p         *Prog
	diff      []string
	g, c      Outcome
	undecided bool // panic lines only partly comparable (report.go, (4))
	skip      string // why the oracle's run is not compared (Prog.notComparable), or ""
}

func (z *fuzzer) runBatch(name string, ps []*Prog) ([]caseResult, error) {
	goBin, cBin, err := z.build(name, ps)
	if err != nil {
		return nil, err
	}
	res := make([]caseResult, len(ps))
	idx := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < z.jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				arg := fmt.Sprint(ps[i].Seed)
				g := run(30*time.Second, goBin, arg)
				c := run(30*time.Second, cBin, arg)
				if why := ps[i].notComparable(g); why != "" {
					res[i] = caseResult{p: ps[i], g: g, c: c, skip: why}
					continue
				}
				m := Mapping{"base:main." + ps[i].pfx() + "thread": "1"}
				res[i] = caseResult{p: ps[i], diff: Compare(g, c, m), g: g, c: c,
					undecided: ToCurrentGo(ParseReport(g.Stderr), map[string]bool{"main." + ps[i].pfx() + "thread": true}).Undecided}
			}
		}()
	}
	for i := range ps {
		idx <- i
	}
	close(idx)
	wg.Wait()
	return res, nil
}

// differs builds and runs one program alone.
func (z *fuzzer) differs(p *Prog) bool {
	res, err := z.runBatch("min", []*Prog{p})
	return err == nil && len(res[0].diff) > 0
}

func (p *Prog) clone() *Prog {
	q := &Prog{Seed: p.Seed, Thread: p.Thread, Funcs: make([]fn, len(p.Funcs))}
	for i, f := range p.Funcs {
		q.Funcs[i].Body = append([]stmt(nil), f.Body...)
	}
	return q
}

// minimize removes statements and simplifies them while the difference stays.
func (z *fuzzer) minimize(p *Prog) *Prog {
	tries := 0
	for changed := true; changed && tries < 400; {
		changed = false
		var cands []*Prog
		if p.Thread {
			q := p.clone()
			q.Thread = false
			cands = append(cands, q)
		}
		for i := range p.Funcs {
			for k := len(p.Funcs[i].Body) - 1; k >= 0; k-- {
				q := p.clone()
				q.Funcs[i].Body = append(q.Funcs[i].Body[:k], q.Funcs[i].Body[k+1:]...)
				cands = append(cands, q)
				s := p.Funcs[i].Body[k]
				if s.Cond >= 0 {
					q := p.clone()
					q.Funcs[i].Body[k].Cond = -1
					cands = append(cands, q)
				}
				if s.Kind == sDeferLoop && s.Loop > 1 {
					q := p.clone()
					q.Funcs[i].Body[k].Loop = 1
					cands = append(cands, q)
				}
			}
		}
		for _, q := range cands {
			tries++
			if z.differs(q) {
				p, changed = q, true
				break
			}
		}
	}
	return p.compact()
}

// compact drops the functions f0 cannot reach and renumbers the others.
func (p *Prog) compact() *Prog {
	reach := map[int]bool{0: true}
	order := []int{0}
	for k := 0; k < len(order); k++ {
		for _, s := range p.Funcs[order[k]].Body {
			if (s.Kind == sCall || s.Kind == sDefer || s.Kind == sDeferLoop) && !reach[s.T] {
				reach[s.T] = true
				order = append(order, s.T)
			}
		}
	}
	num := map[int]int{}
	n := 0
	for i := range p.Funcs {
		if reach[i] {
			num[i] = n
			n++
		}
	}
	q := &Prog{Seed: p.Seed, Thread: p.Thread}
	for i, f := range p.Funcs {
		if !reach[i] {
			continue
		}
		var body []stmt
		for _, s := range f.Body {
			if s.Kind == sCall || s.Kind == sDefer || s.Kind == sDeferLoop {
				s.T = num[s.T]
			}
			body = append(body, s)
		}
		q.Funcs = append(q.Funcs, fn{Body: body})
	}
	return q
}

func parseSeeds(s string) (int64, int64, error) {
	var a, b int64
	if _, err := fmt.Sscanf(s, "%d-%d", &a, &b); err != nil || b < a {
		return 0, 0, fmt.Errorf("bad -seeds %q (want A-B)", s)
	}
	return a, b, nil
}

func cmdFuzz(args []string) int {
	fs := flag.NewFlagSet("fuzz", flag.ExitOnError)
	cc := fs.String("cc", "", "script compiling a C file against godefer: SCRIPT in.c out")
	work := fs.String("work", "", "scratch directory")
	seeds := fs.String("seeds", "", "fixed seeds A-B (inclusive)")
	seconds := fs.Int("seconds", 0, "run batches of fresh seeds for this long instead")
	batch := fs.Int("batch", 100, "programs per binary")
	jobs := fs.Int("j", 2, "parallel runs")
	noMin := fs.Bool("nomin", false, "do not minimize a failing program")
	fs.Parse(args)
	z := &fuzzer{cc: *cc, work: *work, jobs: *jobs}
	if err := os.MkdirAll(z.work, 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	var next, last int64
	deadline := time.Time{}
	if *seconds > 0 {
		next = time.Now().UnixNano() % 1000000000 * 1000
		last = next + 1<<40
		deadline = time.Now().Add(time.Duration(*seconds) * time.Second)
	} else {
		var err error
		if next, last, err = parseSeeds(*seeds); err != nil {
			fmt.Println(err)
			return 2
		}
	}
	total, crashes, threads := 0, 0, 0
	var undecided []int64
	skipped := map[string][]int64{}
	var reasons []string // skipped's keys, in the order first seen
	start := time.Now()
	for b := 0; next <= last; b++ {
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		var ps []*Prog
		for ; len(ps) < *batch && next <= last; next++ {
			ps = append(ps, genProg(next))
		}
		res, err := z.runBatch(fmt.Sprintf("batch%d", b%2), ps)
		if err != nil {
			fmt.Println("build failed:", err)
			return 1
		}
		for _, r := range res {
			total++
			if r.c.Status != 0 {
				crashes++
			}
			if r.p.Thread {
				threads++
			}
			if r.undecided {
				undecided = append(undecided, r.p.Seed)
			}
			if r.skip != "" {
				if skipped[r.skip] == nil {
					reasons = append(reasons, r.skip)
				}
				skipped[r.skip] = append(skipped[r.skip], r.p.Seed)
			}
			if len(r.diff) == 0 {
				continue
			}
			fmt.Printf("DIFFERENCE for seed %d (reproduce: gdconform gen -seed %d)\n%s\n", r.p.Seed, r.p.Seed,
				strings.Join(r.diff, "\n"))
			fmt.Printf("--- go stdout ---\n%s--- go stderr (Go 1.19) ---\n%s--- c stdout ---\n%s--- c stderr ---\n%s",
				r.g.Stdout, r.g.Stderr, r.c.Stdout, r.c.Stderr)
			p := r.p
			if !*noMin {
				p = z.minimize(r.p)
			}
			gf := filepath.Join(z.work, fmt.Sprintf("fail-%d.go", p.Seed))
			cf := filepath.Join(z.work, fmt.Sprintf("fail-%d.c", p.Seed))
			os.WriteFile(gf, []byte(GoSource([]*Prog{p})), 0o644)
			os.WriteFile(cf, []byte(CSource([]*Prog{p})), 0o644)
			fmt.Printf("=== minimized program (run with argument %d): %s, %s\n--- Go ---\n%s--- C ---\n%s",
				p.Seed, gf, cf, GoSource([]*Prog{p}), CSource([]*Prog{p}))
			return 1
		}
	}
	fmt.Printf("fuzz: %d programs (%d exit non-zero, %d in a thread), no difference from Go, %.0fs\n",
		total, crashes, threads, time.Since(start).Seconds())
	for _, why := range reasons {
		fmt.Printf("fuzz: %d of them not compared: %s: seeds %v\n", len(skipped[why]), why, skipped[why])
	}
	if len(undecided) > 0 {
		fmt.Printf("fuzz: %d of them with panic lines compared by value only (Goexit entries not placeable): seeds %v\n",
			len(undecided), undecided)
	}
	return 0
}

func cmdGen(args []string) int {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	seed := fs.Int64("seed", 1, "seed")
	lang := fs.String("lang", "both", "go, c or both")
	fs.Parse(args)
	p := genProg(*seed)
	if *lang != "c" {
		fmt.Print(GoSource([]*Prog{p}))
	}
	if *lang != "go" {
		fmt.Print(CSource([]*Prog{p}))
	}
	return 0
}
