// A recovered panic becomes the function's error result (a named result set by the
// deferred call), and the caller goes on.
package main

import (
	"errors"
	"fmt"
)

func divide(a, b int) int {
	if b == 0 {
		panic(errors.New("division by zero"))
	}
	return a / b
}

func safeDivide(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	q = divide(a, b)
	return q, nil
}

func main() {
	for _, d := range []int{2, 0, 3} {
		q, err := safeDivide(12, d)
		fmt.Println("12 /", d, "=", q, "err:", err)
	}
}
