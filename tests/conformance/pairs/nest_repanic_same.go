// Re-panicking with the recovered value: Go 1.25+ prints one line marked
// [recovered, repanicked] (Go 1.19 printed two).
package main

import "fmt"

func main() {
	defer func() {
		r := recover()
		fmt.Println("re-panicking with", r)
		panic(r)
	}()
	panic("original")
}
