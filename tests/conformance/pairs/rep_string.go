// Report of a string panic value.
package main

func main() {
	panic("something went wrong")
}
