// panic(nil): Go 1.21+ panics with a *runtime.PanicNilError ("panic called with nil
// argument"); the report shows its text.
package main

func main() {
	panic(nil)
}
