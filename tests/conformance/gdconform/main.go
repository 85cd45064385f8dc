// gdconform runs programs written twice, in Go and in C against godefer, and compares
// what they do: stdout byte for byte, the exit status, and the crash report.
//
//	gdconform pair -go BIN -c BIN -src PAIR.c       compare one pair of the corpus
//	gdconform gobuild -out DIR [-j N] F.go...       build Go programs, one binary each
//	gdconform fuzz -cc SCRIPT -work DIR ...          differential fuzzing (see fuzz.go)
//	gdconform gen -seed N                            print one generated program, Go and C
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gdconform pair|gobuild|fuzz|gen ...")
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "pair":
		os.Exit(cmdPair(args))
	case "gobuild":
		os.Exit(cmdGobuild(args))
	case "fuzz":
		os.Exit(cmdFuzz(args))
	case "gen":
		os.Exit(cmdGen(args))
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

// run executes a program and returns what it did.  A program that runs longer than
// the timeout is killed and reported as status -9.
func run(timeout time.Duration, bin string, args ...string) Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	cmd.Env = append(os.Environ(), "GOTRACEBACK=single")
	err := cmd.Run()
	o := Outcome{Stdout: so.String(), Stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.Status = -int(ws.Signal())
		} else {
			o.Status = ee.ExitCode()
		}
	default:
		o.Status = -1000
		o.Stderr += "\n[gdconform: " + err.Error() + "]"
	}
	return o
}

// ---- pairs ------------------------------------------------------------------------------

// A pair's C file declares, in comments:
//
//	go2c: main.main.func1 = on_exit     the C function of a Go closure/method ("-": Go only)
//	go-base: main.worker                 a goroutine's first function (main.main is known)
//	known-failure: <why>                 the pair is expected to differ (a known bug)
var (
	baseRe  = regexp.MustCompile(`go-base:\s*(\S+)`)
	go2cRe  = regexp.MustCompile(`go2c:\s*(\S+)\s*=\s*(\S+)`)
	knownRe = regexp.MustCompile(`known-failure:\s*(.*)`)
)

func readPairHeader(path string) (Mapping, string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	m := Mapping{}
	for _, s := range go2cRe.FindAllStringSubmatch(string(src), -1) {
		m[s[1]] = s[2]
	}
	for _, s := range baseRe.FindAllStringSubmatch(string(src), -1) {
		m["base:"+s[1]] = "1"
	}
	known := ""
	if s := knownRe.FindStringSubmatch(string(src)); s != nil {
		known = strings.TrimSpace(s[1])
	}
	return m, known, nil
}

func cmdPair(args []string) int {
	fs := flag.NewFlagSet("pair", flag.ExitOnError)
	goBin := fs.String("go", "", "the Go program")
	cBin := fs.String("c", "", "the C program")
	src := fs.String("src", "", "the C source (for its go2c and known-failure lines)")
	fs.Parse(args)
	m, known, err := readPairHeader(*src)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	g := run(60*time.Second, *goBin, fs.Args()...)
	c := run(60*time.Second, *cBin, fs.Args()...)
	d := Compare(g, c, m)
	name := strings.TrimSuffix(filepath.Base(*src), ".c")
	if len(d) == 0 && known == "" {
		fmt.Printf("%s: same behaviour (exit %d, %d bytes of stdout, report %q)\n", name, c.Status,
			len(c.Stdout), firstLine(c.Stderr))
		return 0
	}
	if len(d) > 0 && known != "" {
		fmt.Printf("%s: KNOWN FAILURE (%s); differences:\n%s\n", name, known, strings.Join(d, "\n"))
		return 0
	}
	if known != "" {
		fmt.Printf("%s: marked known-failure (%s) but behaves like Go now: remove the mark\n", name, known)
		return 1
	}
	fmt.Printf("%s: DIFFERS from Go\n%s\n", name, strings.Join(d, "\n"))
	fmt.Printf("--- go stdout ---\n%s--- go stderr (Go 1.19) ---\n%s--- c stdout ---\n%s--- c stderr ---\n%s",
		g.Stdout, g.Stderr, c.Stdout, c.Stderr)
	return 1
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ---- building Go programs ----------------------------------------------------------------

func goBuild(out, src string) error {
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "GO111MODULE=off")
	b, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build %s: %v\n%s", src, err, b)
	}
	return nil
}

func cmdGobuild(args []string) int {
	fs := flag.NewFlagSet("gobuild", flag.ExitOnError)
	out := fs.String("out", "", "output directory")
	jobs := fs.Int("j", 2, "parallel builds")
	fs.Parse(args)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	sem := make(chan struct{}, *jobs)
	var mu sync.Mutex
	var wg sync.WaitGroup
	fails := 0
	for _, src := range fs.Args() {
		src := src
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			bin := filepath.Join(*out, strings.TrimSuffix(filepath.Base(src), ".go"))
			if err := goBuild(bin, src); err != nil {
				mu.Lock()
				fails++
				fmt.Println(err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("built %d Go programs, %d failed\n", len(fs.Args())-fails, fails)
	if fails > 0 {
		return 1
	}
	return 0
}
