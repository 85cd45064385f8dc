/* Report of a uint panic value. */
#include "pair.h"

int main(void) { go_panic(go_uint(18446744073709551615u)); }
