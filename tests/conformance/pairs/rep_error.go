// An error value is printed through its Error method.
package main

import "errors"

func main() {
	panic(errors.New("file not found"))
}
