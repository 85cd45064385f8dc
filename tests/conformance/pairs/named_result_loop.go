// Deferred calls made in a loop each add to the named result, after the return value
// was set; one of them recovers a panic raised after the loop.
package main

import "fmt"

func add(total *int, n int) {
	*total += n
	fmt.Println("add", n, "->", *total)
}

func catch(total *int) {
	if r := recover(); r != nil {
		fmt.Println("recovered", r, "at total", *total)
		*total = -*total
	}
}

func sum(n int, fail bool) (total int) {
	defer catch(&total)
	for i := 1; i <= n; i++ {
		defer add(&total, i)
	}
	if fail {
		panic("failed")
	}
	return 100
}

func main() {
	fmt.Println("sum:", sum(4, false))
	fmt.Println("sum:", sum(3, true))
}
