// runtime TestDeferWithRepeatedRepanics: each level recovers and re-panics until the
// level named by the value handles it.
package main

import "fmt"

func handler(level int) {
	e := recover()
	if e == nil {
		return
	}
	if level != e.(int) {
		fmt.Println("level", level, "re-panics", e)
		panic(e)
	}
	fmt.Println("level", level, "handles", e)
}

func interpreter(level, maxlevel, rec int) {
	defer handler(level)
	if level+1 < maxlevel {
		interpreter(level+1, maxlevel, rec)
	} else {
		fmt.Println("level", level, "panics with", rec)
		panic(rec)
	}
}

func main() {
	interpreter(0, 6, 2)
	interpreter(0, 5, 1)
	interpreter(0, 4, 0)
	fmt.Println("done")
}
