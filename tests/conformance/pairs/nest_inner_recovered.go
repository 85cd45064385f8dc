// A panic inside a deferred call, recovered within that call's own deferred calls,
// leaves the first panic running: only it is reported (testprog RecursivePanic3).
package main

func main() {
	defer func() {
		defer func() {
			recover()
		}()
		panic("second panic")
	}()
	panic("first panic")
}
