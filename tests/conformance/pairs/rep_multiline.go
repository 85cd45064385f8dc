// A string value with newlines: Go 1.23+ indents the following lines.
package main

func main() {
	panic("first line\nsecond line\nthird")
}
