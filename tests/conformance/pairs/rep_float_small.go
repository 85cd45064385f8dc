// Report of a small negative float64 panic value.
package main

func main() {
	panic(-0.000123)
}
