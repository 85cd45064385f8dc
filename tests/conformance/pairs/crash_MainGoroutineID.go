// testprog MainGoroutineID: the main goroutine is goroutine 1.
package main

func main() {
	panic("test")
}
