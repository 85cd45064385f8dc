// A struct argument is copied at the defer: later changes do not reach the call.
package main

import "fmt"

type point struct{ x, y int }

func show(p point) { fmt.Println("deferred point", p.x, p.y) }

func main() {
	p := point{1, 2}
	defer show(p)
	p.x, p.y = 10, 20
	defer show(p)
	p.x = 100
	fmt.Println("final point", p.x, p.y)
}
