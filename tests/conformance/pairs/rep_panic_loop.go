// testprog PanicLoop: the value's Error method itself panics, and so on: a fatal error.
package main

type panicError struct{}

func (*panicError) Error() string {
	panic("double error")
}

func main() {
	panic(&panicError{})
}
