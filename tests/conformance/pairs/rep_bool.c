/* Report of a bool panic value. */
#include "pair.h"

int main(void) { go_panic(go_bool(false)); }
