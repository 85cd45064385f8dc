// A panic in a deferred call, recovered in the frame that started the first panic,
// aborts the first one too: a later recover gets nil (runtime TestAbortedPanic).
package main

import "fmt"

func main() {
	defer func() { fmt.Println("last deferred call got:", recover()) }()
	defer func() { fmt.Println("recovered:", recover()) }()
	defer func() { panic("panic2") }()
	panic("panic1")
}
