/* Report of a float64 panic value: the runtime's print format. */
#include "pair.h"

int main(void) { go_panic(go_float(1.5)); }
