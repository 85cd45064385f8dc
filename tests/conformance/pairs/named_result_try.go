// test/recover.go's try: run g; if it panics, return the panic value, else deflt.
package main

import "fmt"

func try(g func(), deflt interface{}) (x interface{}) {
	defer func() {
		if v := recover(); v != nil {
			x = v
		}
	}()
	defer g()
	return deflt
}

func panics() { panic(5) }
func quiet()  {}

func main() {
	fmt.Println(try(panics, 55))
	fmt.Println(try(quiet, "hi"))
}
