// Deferred methods (through an interface and as a method value) recover like any
// deferred function (test/recover.go test9, test11).
package main

import "fmt"

type I interface{ M() }

type T struct{ name string }

func (t *T) M() { fmt.Println(t.name, "recovered:", recover()) }

type V struct{ id int }

func (v V) M() { fmt.Println("value receiver", v.id, "recovered:", recover()) }

func viaInterface() {
	var i I = &T{"pointer receiver"}
	defer i.M()
	panic(9)
}

func viaValue() {
	v := V{11}
	defer v.M()
	v.id = 12
	panic(11)
}

func main() {
	viaInterface()
	viaValue()
}
