// Values of named types print with their type name (Go's printpanicval).
package main

import (
	"fmt"
	"os"
)

type MyInt int
type MyStr string
type MyFloat float64
type MyBool bool

func main() {
	defer func() {
		r := recover()
		fmt.Println("recovered", r)
		switch os.Getenv("X") {
		default:
			panic(MyStr("hi"))
		}
	}()
	defer func() {
		fmt.Println("recovered", recover())
		panic(MyFloat(2.5))
	}()
	defer func() {
		fmt.Println("recovered", recover())
		panic(MyBool(true))
	}()
	panic(MyInt(7))
}
