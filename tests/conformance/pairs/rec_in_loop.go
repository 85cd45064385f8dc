// A loop calls a function that panics and recovers on every other iteration.
package main

import "fmt"

func step(i int) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("step", i, "recovered", r)
			ok = false
		}
	}()
	if i%2 == 1 {
		panic(i * 100)
	}
	fmt.Println("step", i, "fine")
	return true
}

func main() {
	good := 0
	for i := 0; i < 6; i++ {
		if step(i) {
			good++
		}
	}
	fmt.Println("good steps:", good)
}
