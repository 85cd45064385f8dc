// runtime/testdata/testprog PanicTraceback: panics in deferred calls chain, and the
// trace shows each deferred call on top of the panic that ran it.
package main

func main() {
	pt1()
}

func pt1() {
	defer func() {
		panic("panic pt1")
	}()
	pt2()
}

func pt2() {
	defer func() {
		panic("panic pt2")
	}()
	panic("hello")
}
