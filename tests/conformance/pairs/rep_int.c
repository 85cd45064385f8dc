/* Report of an int panic value. */
#include "pair.h"

int main(void) { go_panic(go_int(-42)); }
