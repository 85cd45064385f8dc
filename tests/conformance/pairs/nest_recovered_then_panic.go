// A deferred call recovers and panics with a new value: the report lists the first
// panic as [recovered] (testprog RecursivePanic4).
package main

func main() {
	defer func() {
		recover()
		panic("second panic")
	}()
	panic("first panic")
}
