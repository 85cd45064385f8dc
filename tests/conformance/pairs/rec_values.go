// Values of several types travel through panic and recover unchanged.
package main

import (
	"errors"
	"fmt"
)

func catch() {
	r := recover()
	fmt.Println("recovered:", r)
}

func try(v interface{}) {
	defer catch()
	panic(v)
}

func main() {
	try("a string")
	try(-7)
	try(uint(7))
	try(2.5)
	try(1e21)
	try(true)
	try(errors.New("an error"))
	try(fmt.Errorf("wrapped: %w", errors.New("cause")))
}
