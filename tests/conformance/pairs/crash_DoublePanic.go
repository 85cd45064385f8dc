// testprog DoublePanic: both panic values, printed through their String methods.
package main

type P string

func (p P) String() string { return string(p) }

func main() {
	defer func() {
		panic(P("YYY"))
	}()
	panic(P("XXX"))
}
