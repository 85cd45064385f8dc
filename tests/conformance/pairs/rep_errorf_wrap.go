// A wrapped error (fmt.Errorf with %w) is printed through Error.
package main

import (
	"errors"
	"fmt"
)

func main() {
	panic(fmt.Errorf("open config: %w", errors.New("permission denied")))
}
