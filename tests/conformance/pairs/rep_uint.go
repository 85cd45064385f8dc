// Report of a uint panic value.
package main

func main() {
	panic(uint(18446744073709551615))
}
