// Re-panics through every level, none handles it: one report line per level in Go
// 1.19, one line [recovered, repanicked] in Go 1.25+.
package main

import "fmt"

func handler(level int) {
	if e := recover(); e != nil {
		fmt.Println("level", level, "re-panics", e)
		panic(e)
	}
}

func interpreter(level int) {
	defer handler(level)
	if level < 3 {
		interpreter(level + 1)
	} else {
		panic(99)
	}
}

func main() {
	interpreter(0)
}
