/* Report of a small negative float64 panic value. */
#include "pair.h"

int main(void) { go_panic(go_float(-0.000123)); }
