// After a recovery, the function returns the named result as it stands, set before the
// panic and then by the deferred call.
package main

import "fmt"

func work(fail bool) (status string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered", r, "with status", status)
			status = "failed: " + r.(string)
		}
	}()
	status = "started"
	if fail {
		panic("disk full")
	}
	status = "done"
	return
}

func main() {
	fmt.Println(work(false))
	fmt.Println(work(true))
}
