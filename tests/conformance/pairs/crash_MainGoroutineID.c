/* testprog MainGoroutineID: the main goroutine is goroutine 1. */
#include "pair.h"

int main(void) { go_panic(go_str("test")); }
