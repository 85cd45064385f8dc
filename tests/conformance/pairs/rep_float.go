// Report of a float64 panic value: the runtime's print format.
package main

func main() {
	panic(1.5)
}
