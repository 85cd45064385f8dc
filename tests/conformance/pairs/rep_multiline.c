/* A string value with newlines: Go 1.23+ indents the following lines. */
#include "pair.h"

int main(void) { go_panic(go_str("first line\nsecond line\nthird")); }
