/* An error value is printed through its Error method. */
#include "pair.h"

int main(void) { go_panic(go_error("file not found")); }
