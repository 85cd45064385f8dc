/* Report of a string panic value. */
#include "pair.h"

int main(void) { go_panic(go_str("something went wrong")); }
