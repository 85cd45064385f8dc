// testprog ErrorPanic: the value's Error method panics while the report is prepared.
package main

type exampleError struct{}

func (e exampleError) Error() string {
	panic("important error message")
}

func main() {
	panic(exampleError{})
}
