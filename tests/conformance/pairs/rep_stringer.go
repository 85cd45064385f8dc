// A Stringer value prints through its String method.
package main

type Color int

func (c Color) String() string {
	return [...]string{"red", "green", "blue"}[c]
}

func main() {
	panic(Color(2))
}
