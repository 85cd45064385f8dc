// Report of an int panic value.
package main

func main() {
	panic(-42)
}
