// The crash report of a Go or godefer program, parsed; the one place where Go 1.19's
// output is brought to current Go; the documented differences; and the comparison.
package main

import (
	"fmt"
	"regexp"
	"strings"
)

// Report is what the comparison looks at in a program's stderr.
type Report struct {
	Pre       string   // stderr written by the program before the report
	Head      []string // "panic: ..." lines (with continuation lines) or "fatal error: ..."
	Signal    bool     // a "[signal ...]" line follows the panic lines
	Goroutine string   // "goroutine N [running]:" of the first goroutine block
	Funcs     []string // function names of that block, innermost first
	CreatedBy string   // "created by ..." of that block, if any
	Cut       bool     // Funcs holds only the top of a longer trace (see ToCurrentGo)
	Undecided bool     // Go 1.19's output cannot tell current Go's panic lines (see (4))
}

func (r *Report) fatal() bool { return len(r.Head) > 0 && strings.HasPrefix(r.Head[0], "fatal error: ") }

var goroutineRe = regexp.MustCompile(`^goroutine (\d+) \[[^]]*\]:$`)

// ParseReport splits stderr into the parts compared.  Both runtimes use the same layout:
// panic lines, optional [signal] line, blank line, goroutine line, frames as pairs of
// "name(args)" and "\tfile:line [+off]" lines, optional "created by" pair.
func ParseReport(stderr string) Report {
	var r Report
	lines := strings.Split(stderr, "\n")
	i := 0
	for ; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			break
		}
	}
	r.Pre = strings.Join(lines[:i], "\n")
	if i < len(lines) {
		r.Pre += "\n"
	} else {
		r.Pre = stderr
		return r
	}
	for ; i < len(lines); i++ {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "[signal ") || goroutineRe.MatchString(l) {
			break
		}
		r.Head = append(r.Head, l)
	}
	if i < len(lines) && strings.HasPrefix(lines[i], "[signal ") {
		r.Signal = true
		i++
	}
	for i < len(lines) && lines[i] == "" {
		i++
	}
	if i >= len(lines) || !goroutineRe.MatchString(lines[i]) {
		return r
	}
	r.Goroutine = lines[i]
	for i++; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			break
		}
		if strings.HasPrefix(l, "\t") {
			continue // file:line of the previous frame
		}
		if strings.HasPrefix(l, "created by ") {
			r.CreatedBy = strings.TrimPrefix(l, "created by ")
			continue
		}
		if strings.HasPrefix(l, "...") {
			r.Funcs = append(r.Funcs, "...")
			continue
		}
		r.Funcs = append(r.Funcs, frameName(l))
	}
	return r
}

// frameName strips the final balanced "(...)" group: "main.(*T).M(0x1?)" -> "main.(*T).M".
func frameName(l string) string {
	if !strings.HasSuffix(l, ")") {
		return l
	}
	depth := 0
	for j := len(l) - 1; j >= 0; j-- {
		switch l[j] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return l[:j]
			}
		}
	}
	return l
}

// ---- Go 1.19 -> current Go ----------------------------------------------------------

// ToCurrentGo is the ONE place where the oracle's (Go 1.19) output is changed into what
// current Go prints.  Four changes since 1.19 matter here:
//  1. Go 1.21: panic(nil) panics with *runtime.PanicNilError, printed as
//     "panic called with nil argument" (1.19 prints "nil").  A recovered panic(nil) is
//     a nil interface in 1.19, so programs never print a recovered nil panic's value.
//  2. Go 1.21: "created by F" gains " in goroutine N".  Only N for main.main (1) is
//     known from 1.19's output; other creators get " in goroutine ?".
//  3. Go 1.23: each newline inside a printed panic value is followed by a tab.
//  4. Go 1.25/1.26: a panic whose value is identical to its link's (the next older entry
//     of the goroutine's panic list, a Goexit being an entry with a nil value) is not
//     printed, and the older line ends in " [recovered, repanicked]" if that one was
//     recovered.  Identity is decided by the printed text (pairs and generated programs
//     never panic twice in a row with distinct values of the same text; Go's nil
//     dereferences all panic with the same error value).  The Goexit entries, which
//     1.19 does not print, are placed from the trace: every listed panic but the newest
//     has its "panic" frame on the stack, every Goexit its "runtime.Goexit" frame.
//
// And a fifth, in traces: Go 1.19 walks at most 100 frames, hidden runtime frames
// included (a panic running an open-coded defer hides two, a deferred call with
// arguments a wrapper), and prints "...additional frames elided..." only if it printed
// 100; Go 1.21+ counts printed frames and prints the top 50 and the bottom 50 of a
// deeper stack.  A 1.19 trace was cut if it has the elision line or does not end at its
// goroutine's first function: main.main, or one the program declares ("go-base: F").
// Then only its top frames are known: Funcs keeps them (at most 50) and Cut is set; the
// comparison checks that they are the top of godefer's trace.
func ToCurrentGo(r Report, bases map[string]bool) Report {
	n := len(r.Funcs)
	last := n - 1 // a fatal error's trace goes on into the runtime: skip it
	for r.fatal() && last > 0 && strings.HasPrefix(r.Funcs[last], "runtime.") && r.Funcs[last] != "runtime.Goexit" {
		last--
	}
	r.Cut = n > 0 && (r.Funcs[n-1] == "..." || (r.Funcs[last] != "main.main" && !bases[r.Funcs[last]]))
	r = panicsToCurrentGo(r)
	if r.Cut { // (5)
		if r.Funcs[n-1] == "..." {
			n--
		}
		if n > 50 {
			n = 50
		}
		r.Funcs = r.Funcs[:n]
	}
	return r
}

func panicsToCurrentGo(r Report) Report {
	if r.CreatedBy != "" {
		r.CreatedBy = createdIn(r.CreatedBy) // (2)
	}
	if r.fatal() || len(r.Head) == 0 {
		return r
	}
	type entry struct {
		goexit, recovered bool
		text              string // the value, continuation lines included
	}
	var ps []entry // printed panics, oldest first
	for _, l := range r.Head {
		switch {
		case strings.HasPrefix(l, "panic: ") && len(ps) == 0:
			ps = append(ps, entry{text: l[len("panic: "):]})
		case strings.HasPrefix(l, "\tpanic: ") && len(ps) > 0:
			ps = append(ps, entry{text: l[len("\tpanic: "):]})
		case len(ps) > 0:
			ps[len(ps)-1].text += "\n\t" + l // (3)
		default:
			return r // not a panic report this understands: leave it alone
		}
	}
	for i := range ps {
		if strings.HasSuffix(ps[i].text, " [recovered]") {
			ps[i].recovered = true
			ps[i].text = strings.TrimSuffix(ps[i].text, " [recovered]")
		}
		if ps[i].text == "nil" { // (1)
			ps[i].text = "panic called with nil argument"
		}
	}
	// The whole list, oldest first: Goexit entries where the trace has them.  Go hides
	// the panic frames above the first frame it prints: those are the newest panics.
	chain := ps
	var kinds []bool // goexit?, newest first, without the hidden newest panics
	elided := false
	for _, f := range r.Funcs {
		switch f {
		case "panic":
			kinds = append(kinds, false)
		case "runtime.Goexit":
			kinds = append(kinds, true)
		case "...":
			elided = true
		}
	}
	hidden := len(ps)
	for _, g := range kinds {
		if !g {
			hidden--
		}
	}
	if !elided && !r.Cut && hidden >= 1 {
		chain = nil
		k := 0
		for i := len(kinds) - 1; i >= 0; i-- {
			if kinds[i] {
				chain = append(chain, entry{goexit: true})
			} else {
				chain = append(chain, ps[k])
				k++
			}
		}
		chain = append(chain, ps[k:]...)
	} else {
		// Goexit entries cannot be placed; if one could separate two panics with the same
		// value, current Go's lines are undecided.  Compare reports that explicitly.
		goexits := false
		for _, g := range kinds {
			goexits = goexits || g
		}
		for i := 0; i+1 < len(ps); i++ {
			if ps[i].text == ps[i+1].text && (goexits || elided || r.Cut) {
				r.Undecided = true
			}
		}
	}
	// Go 1.26's preprintpanics and printpanics on that list. (4)
	n := len(chain)
	repanicked := make([]bool, n)
	for k := 0; k+1 < n; k++ {
		a, b := chain[k], chain[k+1]
		repanicked[k] = a.goexit == b.goexit && (a.goexit || a.text == b.text)
	}
	var out strings.Builder
	var print func(k int)
	print = func(k int) {
		if k > 0 {
			print(k - 1)
			if repanicked[k-1] {
				return
			}
			if !chain[k-1].goexit {
				out.WriteString("\t")
			}
		}
		if chain[k].goexit {
			return
		}
		out.WriteString("panic: " + chain[k].text)
		if chain[k].recovered && repanicked[k] {
			out.WriteString(" [recovered, repanicked]")
		} else if chain[k].recovered {
			out.WriteString(" [recovered]")
		}
		out.WriteString("\n")
	}
	print(n - 1)
	r.Head = strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	return r
}

func createdIn(by string) string {
	if strings.Contains(by, " in goroutine ") {
		return by
	}
	if by == "main.main" {
		return by + " in goroutine 1"
	}
	return by + " in goroutine ?"
}

// ---- what godefer promises --------------------------------------------------------------

// Mapping turns Go function names into the C names of a pair.
type Mapping map[string]string

var mainFuncRe = regexp.MustCompile(`^main\.([A-Za-z_][A-Za-z0-9_]*)$`)

// CName maps one Go frame name: the declared mapping first ("-" drops the frame); then
// "panic" -> "panic", "runtime.Goexit" -> "go_goexit", "main.X" -> "X".  Anything else
// (closures main.f.func1, methods, other packages) must be declared by the pair.
func (m Mapping) CName(goName string) (string, error) {
	if c, ok := m[goName]; ok {
		return c, nil
	}
	switch goName {
	case "panic", "...":
		return goName, nil
	case "runtime.Goexit":
		return "go_goexit", nil
	}
	if s := mainFuncRe.FindStringSubmatch(goName); s != nil {
		return s[1], nil
	}
	return "", fmt.Errorf("no C name for Go frame %q: declare it with \"go2c: %s = <C function>\"", goName, goName)
}

// ToGodefer applies the documented differences (docs/conformance.md) to a current-Go
// report: frame names become C names; a goroutine that is not the main one has a
// thread-creation-order id (only "main or not" is compared); godefer prints no
// "created by" line (a pthread does not record its creator); a fatal error's trace
// shows no runtime frames and starts at the first frame that is not panic.
func ToGodefer(r Report, m Mapping) (Report, error) {
	r.Goroutine = normGoroutine(r.Goroutine)
	r.CreatedBy = ""
	var fs []string
	for _, f := range r.Funcs {
		if r.fatal() && strings.HasPrefix(f, "runtime.") && f != "runtime.Goexit" {
			continue
		}
		c, err := m.CName(f)
		if err != nil {
			return r, err
		}
		if c != "-" {
			fs = append(fs, c)
		}
	}
	r.Funcs = fs
	return r, nil
}

// NormC applies to godefer's own report the normalisations ToGodefer applies to Go's.
func NormC(r Report) Report {
	r.Goroutine = normGoroutine(r.Goroutine)
	return r
}

func normGoroutine(g string) string {
	s := goroutineRe.FindStringSubmatch(g)
	if s == nil || s[1] == "1" {
		return g
	}
	return strings.Replace(g, "goroutine "+s[1]+" ", "goroutine N ", 1)
}

func leadingPanicsDropped(r Report) []string {
	fs := r.Funcs
	if r.fatal() {
		for len(fs) > 0 && fs[0] == "panic" {
			fs = fs[1:]
		}
	}
	return fs
}

// Outcome of one program run.
type Outcome struct {
	Stdout, Stderr string
	Status         int // exit status, or -signal
}

// Compare returns the differences between Go's outcome (after ToCurrentGo and ToGodefer)
// and godefer's, one line each; nil means none.
func Compare(g, c Outcome, m Mapping) []string {
	var d []string
	if g.Stdout != c.Stdout {
		d = append(d, "stdout differs:\n"+sideBySide(g.Stdout, c.Stdout))
	}
	if g.Status != c.Status {
		d = append(d, fmt.Sprintf("exit status: go %d, c %d", g.Status, c.Status))
	}
	bases := map[string]bool{}
	for k := range m {
		if strings.HasPrefix(k, "base:") {
			bases[k[len("base:"):]] = true
		}
	}
	gr, err := ToGodefer(ToCurrentGo(ParseReport(g.Stderr), bases), m)
	if err != nil {
		return append(d, err.Error())
	}
	cr := NormC(ParseReport(c.Stderr))
	if gr.Pre != cr.Pre {
		d = append(d, "stderr before the report differs:\n"+sideBySide(gr.Pre, cr.Pre))
	}
	if gr.Undecided {
		// Only what every placement of the Goexit entries agrees on: the same values, in
		// the same order, once repeated neighbours are merged.
		if fmt.Sprint(distinctValues(gr.Head)) != fmt.Sprint(distinctValues(cr.Head)) {
			d = append(d, "report head differs (Goexit entries not placeable, values compared):\n"+
				sideBySide(strings.Join(gr.Head, "\n"), strings.Join(cr.Head, "\n")))
		}
	} else if strings.Join(gr.Head, "\n") != strings.Join(cr.Head, "\n") {
		d = append(d, "report head differs:\n"+sideBySide(strings.Join(gr.Head, "\n"), strings.Join(cr.Head, "\n")))
	}
	if gr.Signal != cr.Signal {
		d = append(d, fmt.Sprintf("[signal] line: go %v, c %v", gr.Signal, cr.Signal))
	}
	if gr.Goroutine != cr.Goroutine {
		d = append(d, fmt.Sprintf("goroutine line: go %q, c %q", gr.Goroutine, cr.Goroutine))
	}
	cfs := leadingPanicsDropped(cr)
	if gr.Cut && len(cfs) > len(leadingPanicsDropped(gr)) {
		cfs = cfs[:len(leadingPanicsDropped(gr))]
	}
	gf, cf := strings.Join(leadingPanicsDropped(gr), " "), strings.Join(cfs, " ")
	if gf != cf {
		d = append(d, fmt.Sprintf("trace functions differ:\n  go: %s\n  c:  %s", gf, cf))
	}
	if cr.CreatedBy != "" {
		d = append(d, "godefer printed a created-by line: "+cr.CreatedBy)
	}
	return d
}

func sideBySide(g, c string) string {
	gl, cl := strings.Split(g, "\n"), strings.Split(c, "\n")
	var b strings.Builder
	n := len(gl)
	if len(cl) > n {
		n = len(cl)
	}
	shown := 0
	for i := 0; i < n && shown < 12; i++ {
		var a, x string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(cl) {
			x = cl[i]
		}
		if a != x || i >= len(gl) || i >= len(cl) {
			fmt.Fprintf(&b, "  line %d:\n    go: %q\n    c:  %q\n", i+1, a, x)
			shown++
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// distinctValues lists the panic values of a report head, repeated neighbours merged.
func distinctValues(head []string) []string {
	var vs []string
	for _, l := range head {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "\t"), "panic: ")
		l = strings.TrimSuffix(strings.TrimSuffix(l, " [recovered, repanicked]"), " [recovered]")
		if len(vs) == 0 || vs[len(vs)-1] != l {
			vs = append(vs, l)
		}
	}
	return vs
}
